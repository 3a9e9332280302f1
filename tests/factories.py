"""Large cohorts made fast (bulk inserts), for the scale tests and ``bench/nudge_sweep.py``.

``make_cohort(db, pairs=N, due=0.02, now=...)``: one scheme, one cohort, N active pairs started
ten weeks ago. A fraction ``due`` of the pairs has never met, so each of their mentees is due a
"book a meeting" nudge; every other pair met ten days ago (not due for anything). Everyone was
active yesterday. With ``webhook_url``, everyone is reachable through that incoming webhook, so
a deliverer can send their nudges. ``settings`` are the scheme's (``ROUND_THE_CLOCK`` lets
real-clock tests send at any hour).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert, select
from sqlmodel import SQLModel

from storage.db import transaction
from storage.models import (
    ChannelIdentity,
    Cohort,
    Meeting,
    Membership,
    Pairing,
    Person,
    Scheme,
)

CHUNK = 5000
# Working hours all day, every day, and no spreading: nudges go out the moment they are due.
ROUND_THE_CLOCK: dict[str, Any] = {
    "working_hours": {
        "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        "start": "00:00",
        "end": "23:59",
    },
    "nudges": {"spread_minutes": 0},
}


def _bulk(session: Any, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    table = model.__table__  # type: ignore[attr-defined]
    for start in range(0, len(rows), CHUNK):
        session.connection().execute(insert(table), rows[start : start + CHUNK])


def make_cohort(
    db: Engine,
    *,
    pairs: int,
    due: float,
    now: datetime,
    slug: str = "scale",
    webhook_url: str | None = None,
    settings: dict[str, Any] | None = None,
) -> int:
    """Create the cohort; returns how many pairs are due a nudge."""
    started = now - timedelta(weeks=10)
    due_pairs = round(pairs * due)
    with transaction(db) as session:
        scheme = Scheme(
            slug=slug,
            name=f"Scale {pairs}",
            lead_channel="lead",
            settings=settings or {},
            updated_at=now,
        )
        session.add(scheme)
        session.flush()
        assert scheme.id is not None
        cohort = Cohort(
            scheme_id=scheme.id,
            slug="c",
            name="Scale cohort",
            starts_on=started.date(),
            ends_on=date(started.year + 1, started.month, 1),
        )
        session.add(cohort)
        session.flush()
        assert cohort.id is not None
        yesterday = now - timedelta(days=1)
        people = [
            {
                "email": f"{slug}-{role}{n}@example.org",
                "display_name": f"{role.title()}{n} Scale",
                "time_zone": "Europe/London",
                "created_at": started,
                "last_active_at": yesterday,
            }
            for n in range(pairs)
            for role in ("mentee", "mentor")
        ]
        _bulk(session, Person, people)
        ids = dict(
            session.connection()
            .execute(
                select(Person.email, Person.id).where(  # type: ignore[call-overload]
                    Person.email.like(f"{slug}-%")  # type: ignore[attr-defined]
                )
            )
            .all()
        )
        mentee = [ids[f"{slug}-mentee{n}@example.org"] for n in range(pairs)]
        mentor = [ids[f"{slug}-mentor{n}@example.org"] for n in range(pairs)]
        _bulk(
            session,
            Membership,
            [{"person_id": p, "cohort_id": cohort.id, "role": "mentee"} for p in mentee]
            + [{"person_id": p, "cohort_id": cohort.id, "role": "mentor"} for p in mentor],
        )
        _bulk(
            session,
            Pairing,
            [
                {
                    "cohort_id": cohort.id,
                    "mentee_id": mentee[n],
                    "mentor_id": mentor[n],
                    "status": "active",
                    "started_at": started,
                    # Bulk inserts bypass the ORM hook that keeps this column (storage.schedule).
                    "last_contact_at": started if n < due_pairs else now - timedelta(days=10),
                }
                for n in range(pairs)
            ],
        )
        pairing_ids = [
            row[0]
            for row in session.connection()
            .execute(
                select(Pairing.id)  # type: ignore[call-overload]
                .where(Pairing.cohort_id == cohort.id)
                .order_by(Pairing.id)
            )
            .all()
        ]
        met = now - timedelta(days=10)
        _bulk(
            session,
            Meeting,
            [
                {
                    "pairing_id": pairing_id,
                    "starts_at": met,
                    "duration_minutes": 60,
                    "mode": "video",
                    "agenda": "",
                    "location": "",
                    "status": "held",
                    "proposed_by_id": mentee[n],
                    "created_at": met,
                    "updated_at": met,
                }
                for n, pairing_id in enumerate(pairing_ids)
                if n >= due_pairs
            ],
        )
        if webhook_url is not None:
            _bulk(
                session,
                ChannelIdentity,
                [
                    {
                        "person_id": person_id,
                        "platform": "webhook",
                        "tenant": "",
                        "user_id": str(person_id),
                        "address": {"url": webhook_url},
                        "created_at": started,
                    }
                    for person_id in mentee + mentor
                ],
            )
    return due_pairs
