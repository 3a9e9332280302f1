"""When a chat platform cuts us off (Slack's ``app_uninstalled``, or ``tokens_revoked`` naming
our bot), or lets us back in.

- :func:`platform_cut_off`: record it (``storage.platform_queries``: an audit row, once), and
  tell each scheme's project lead by another route: a message to the scheme's lead channel
  and one to each project lead personally, written to the outbox like any other. The
  deliverer no longer uses the platform, so each goes wherever it can (a Teams lead channel or
  the lead's Teams chat, a webhook); when nothing else reaches them, they wait for the console
  (``mentorbot inbox --channel lead``, ``mentorbot inbox --user EMAIL``). Messages that only
  the platform could deliver are held: left waiting, untried, until it works again.
- :func:`platform_restored`: the server started with a token that works: record it, and the
  held messages go out.
- :func:`cut_off_note`: one line for the lead's list of failed messages while it lasts.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from conversations.dates import Zone, format_when
from conversations.messages import Part, Text, part_to_json, preview
from storage import platform_queries
from storage.models import Cohort, Membership, Outbox, OutboxStatus, Role, Scheme

log = logging.getLogger(__name__)

CUT_OFF_KIND = "platform_cut_off"
NAMES = {"slack": "Slack", "teams": "Teams"}
WHY = {
    "app_uninstalled": "the mentorbot app was uninstalled from your {name} workspace",
    "tokens_revoked": "the {name} token mentorbot uses was revoked",
}


def _name(platform: str) -> str:
    return NAMES.get(platform, platform)


def what_happened(cut: platform_queries.CutOff, start: bool = True) -> str:
    """What happened, as the start of a sentence (``start``) or inside one."""
    said = WHY.get(cut.why, "{name} stopped accepting mentorbot's messages")
    said = said.format(name=_name(cut.platform))
    return said[:1].upper() + said[1:] if start else said


def notice(cut: platform_queries.CutOff, waiting: int, time_zone: str, now: datetime) -> str:
    """What the lead is told, in their scheme's time zone."""
    name = _name(cut.platform)
    held = (
        f"{waiting} message{'s' if waiting != 1 else ''} for people I can only reach on {name} "
        f"{'are' if waiting != 1 else 'is'} waiting, unsent."
        if waiting
        else f"Nothing was waiting to go on {name}."
    )
    return (
        f"{what_happened(cut)} ({format_when(cut.at, time_zone, now)}), so I've "
        f"stopped sending on {name}. {held}\n"
        f"What happens next: once the app is installed again and the server restarted with its "
        f"new token, anything still waiting goes out. Until then, please reach people on "
        f"{name} another way."
    )


def platform_cut_off(
    session: Session,
    platform: str,
    workspace: str,
    why: str,
    now: datetime,
    others: Sequence[str] = (),
) -> int:
    """Record that ``platform`` cut us off (once) and tell each scheme's lead; ``others``: the
    platforms still usable. Returns how many messages were written (0 for a repeat)."""
    waiting = platform_queries.held(session, platform, others)
    cut = platform_queries.revoke(session, platform, workspace, why, now, waiting=waiting)
    if cut is None:
        return 0
    log.error(
        "%s cut mentorbot off (%s in workspace %s): not sending on it; %d messages held",
        _name(platform),
        why,
        workspace,
        waiting,
    )
    written = 0
    for scheme in session.exec(select(Scheme).order_by(col(Scheme.id))).all():
        parts: list[Part] = [Text(notice(cut, waiting, scheme.time_zone, now))]
        to: list[dict[str, Any]] = [{"channel": scheme.lead_channel}]
        to += [{"recipient_id": lead} for lead in _leads(session, scheme)]
        for where in to:
            session.add(
                Outbox(
                    scheme_id=scheme.id,
                    kind=CUT_OFF_KIND,
                    priority=1,
                    parts=[part_to_json(p) for p in parts],
                    preview=preview(parts),
                    next_attempt_at=now,
                    created_at=now,
                    **where,
                )
            )
        written += len(to)
    session.flush()
    return written


def platform_restored(session: Session, platform: str, workspace: str, now: datetime) -> bool:
    """Record that ``platform`` works again; False when it was not cut off."""
    ended = platform_queries.restore(session, platform, workspace, now)
    if ended is None:
        return False
    # The news that it was cut off, still waiting for the console or for the platform itself,
    # is out of date: never sent.
    session.exec(
        update(Outbox)
        .where(col(Outbox.kind) == CUT_OFF_KIND, col(Outbox.status) == OutboxStatus.PENDING.value)
        .values(
            status=OutboxStatus.OBSOLETE.value, last_error=f"obsolete: {_name(platform)} is back"
        )
        .execution_options(synchronize_session=False)
    )
    log.warning("%s works again (workspace %s): sending on it again", _name(platform), workspace)
    return True


def cut_off_note(session: Session, tz: Zone, now: datetime) -> str | None:
    """A line for the lead's failed messages while a platform is cut off, else None."""
    lines = [
        f"{what_happened(cut)} ({format_when(cut.at, tz, now)}): messages "
        f"for people I can only reach on {_name(cut.platform)} wait unsent until it's back."
        for cut in platform_queries.cut_off(session).values()
    ]
    return "\n".join(lines) or None


def _leads(session: Session, scheme: Scheme) -> list[int]:
    return list(
        session.exec(
            select(Membership.person_id)
            .join(Cohort, col(Cohort.id) == col(Membership.cohort_id))
            .where(col(Cohort.scheme_id) == scheme.id, Membership.role == Role.LEAD.value)
            .distinct()
            .order_by(col(Membership.person_id))
        ).all()
    )
