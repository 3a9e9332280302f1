"""``GET /readyz``: can this deployment do its work? (``GET /healthz`` only says the process
answers.)

:func:`readiness` checks, in one short transaction:

- ``database``: it answers;
- ``migrations``: it is at the newest migration the code has;
- ``outbox``: the oldest row this process could deliver has not been due for more than
  ``MENTORBOT_READY_OUTBOX_MINUTES`` (default 15) minutes;
- ``urgent``: no urgent concern written over :data:`URGENT_WITHIN` ago still waits with its
  lead-channel alert unsent and no second-route message sent either.

Each check says ``ok`` and, when it fails, a ``reason``: counts, ages and revision names only,
never a person or what anyone wrote. The last two look at the shared database, so they fail on
every instance at once: see docs/deploy.md for which probe to route on.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine

from conversations.clock import Clock
from storage import ops_queries
from storage.db import database_revision, script_heads, transaction

log = logging.getLogger(__name__)

OUTBOX_SETTING = "MENTORBOT_READY_OUTBOX_MINUTES"
DEFAULT_OUTBOX_MINUTES = 15.0
# We promise the lead hears of an urgent concern within five minutes (conversations.urgent).
URGENT_WITHIN = timedelta(minutes=5)


def outbox_minutes(environ: Mapping[str, str] = os.environ) -> float:
    """``MENTORBOT_READY_OUTBOX_MINUTES``, or the default when unset or not a positive number."""
    raw = environ.get(OUTBOX_SETTING, "").strip()
    if not raw:
        return DEFAULT_OUTBOX_MINUTES
    try:
        minutes = float(raw)
    except ValueError:
        minutes = 0.0
    if minutes > 0:
        return minutes
    log.warning(
        "%s=%r is not a positive number of minutes: using %g",
        OUTBOX_SETTING,
        raw,
        DEFAULT_OUTBOX_MINUTES,
    )
    return DEFAULT_OUTBOX_MINUTES


@dataclass(frozen=True)
class Readiness:
    ready: bool
    checks: dict[str, dict[str, Any]]

    def as_json(self) -> dict[str, Any]:
        return {"ready": self.ready, "checks": self.checks}


def readiness(
    db: Engine, clock: Clock, platforms: Collection[str], limit_minutes: float
) -> Readiness:
    now = clock.now()
    checks: dict[str, dict[str, Any]] = {}
    try:
        with transaction(db) as session:
            checks["database"] = {"ok": True}
            at = database_revision(session.connection())
            heads = script_heads() or frozenset()
            checks["migrations"] = (
                {"ok": True, "revision": ",".join(sorted(at))}
                if at == heads
                else {
                    "ok": False,
                    "reason": f"the database is at {','.join(sorted(at)) or 'no migration'}; "
                    f"this code expects {','.join(sorted(heads))}",
                }
            )
            oldest = ops_queries.oldest_due(session, now, platforms)
            waited = 0.0 if oldest is None else max((now - oldest).total_seconds() / 60, 0.0)
            checks["outbox"] = {
                "ok": waited <= limit_minutes,
                "oldest_due_minutes": round(waited, 1),
            }
            if waited > limit_minutes:
                checks["outbox"]["reason"] = (
                    f"the oldest due message has waited {waited:.0f} minutes "
                    f"(limit {limit_minutes:g})"
                )
            waiting = ops_queries.urgent_waiting(session, now - URGENT_WITHIN)
            checks["urgent"] = {"ok": waiting == 0, "undelivered": waiting}
            if waiting:
                checks["urgent"]["reason"] = (
                    f"{waiting} urgent concern{'s' if waiting != 1 else ''} not delivered "
                    f"to anyone after {URGENT_WITHIN.seconds // 60} minutes"
                )
    except Exception as exc:
        why = type(exc).__name__
        log.warning("readyz: could not read the database (%s)", why)
        return Readiness(
            ready=False,
            checks={"database": {"ok": False, "reason": f"cannot read the database ({why})"}},
        )
    return Readiness(ready=all(c["ok"] for c in checks.values()), checks=checks)
