"""A chat platform cut off: the Slack app uninstalled from our workspace, or its bot token
revoked (Slack's ``app_uninstalled`` and ``tokens_revoked`` events).

No table of its own: the audit log holds it, append-only like everything there. A
``platform_revoked`` row (subject ``<platform>:<workspace>``, detail: the event and how many
messages were waiting) cuts the platform off; a later ``platform_restored`` row (the server
started with a token that works again) puts it back. The newest of the two decides.

- :func:`cut_off`: the platforms cut off now, with when and why (the deliverer leaves them out);
- :func:`revoke`, :func:`restore`: record a change, once (a repeated event changes nothing);
- :func:`held`: how many messages wait that only the cut-off platform could deliver.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storage import audit
from storage.models import AuditLog, Outbox, OutboxStatus
from storage.outbox_queries import deliverable, routes

REVOKED = "platform_revoked"
RESTORED = "platform_restored"


@dataclass(frozen=True)
class CutOff:
    platform: str
    workspace: str
    at: datetime
    why: str  # the platform's event: "app_uninstalled", "tokens_revoked"


def cut_off(session: Session) -> dict[str, CutOff]:
    """The platforms cut off now (by platform), each with its newest revocation."""
    found: dict[str, CutOff] = {}
    rows = session.exec(
        select(AuditLog)
        .where(col(AuditLog.action).in_((REVOKED, RESTORED)))
        .order_by(col(AuditLog.at), col(AuditLog.id))
    ).all()
    for row in rows:
        platform, _, workspace = row.subject.partition(":")
        if row.action == RESTORED:
            found.pop(platform, None)
        else:
            why = str((row.detail or {}).get("event") or "revoked")
            found[platform] = CutOff(platform, workspace, row.at, why)
    return found


def revoke(
    session: Session, platform: str, workspace: str, why: str, now: datetime, **detail: Any
) -> CutOff | None:
    """Cut ``platform`` off from ``now``; None when it already was (nothing is recorded)."""
    if platform in cut_off(session):
        return None
    audit.record(session, REVOKED, f"{platform}:{workspace}"[:128], now, event=why, **detail)
    session.flush()
    return CutOff(platform, workspace, now, why)


def restore(session: Session, platform: str, workspace: str, now: datetime) -> CutOff | None:
    """Put ``platform`` back from ``now``; the revocation it ends, or None when it was not
    cut off (nothing is recorded)."""
    ended = cut_off(session).get(platform)
    if ended is None:
        return None
    audit.record(session, RESTORED, f"{platform}:{workspace}"[:128], now)
    session.flush()
    return ended


def held(session: Session, platform: str, others: Sequence[str]) -> int:
    """Messages waiting that ``platform`` could deliver and none of ``others`` can."""
    rows = session.exec(
        select(Outbox).where(
            col(Outbox.status) == OutboxStatus.PENDING.value, deliverable(session, [platform])
        )
    ).all()
    elsewhere = routes(session, rows, others)
    return sum(1 for row in rows if row.id not in elsewhere)
