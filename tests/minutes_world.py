"""The demo pair's meetings and minutes, for minutes tests: Priya (mentee@example.org) and Tom."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Engine
from sqlmodel import col, select

from conversations.messages import Incoming
from storage import queries
from storage.db import transaction
from storage.models import ActionItem, Meeting, Minutes, Pairing
from tests.transcript import Chat

BOOKED_ON = datetime(2026, 2, 10, tzinfo=UTC)


def demo_pairing(db: Engine) -> Pairing:
    with transaction(db) as session:
        person = queries.person_by_email(session, "mentee@example.org")
        assert person is not None
        return session.exec(select(Pairing).where(Pairing.mentee_id == person.id)).one()


def add_meeting(
    db: Engine,
    starts_at: datetime,
    status: str = "held",
    mode: str = "video",
    *,
    minuted: bool = False,
) -> int:
    """A one-hour meeting of the demo pair (``minuted``: with minutes already written)."""
    pairing = demo_pairing(db)
    with transaction(db) as session:
        meeting = Meeting(
            pairing_id=pairing.id or 0,
            starts_at=starts_at,
            duration_minutes=60,
            mode=mode,
            status=status,
            proposed_by_id=pairing.mentee_id,
            created_at=BOOKED_ON,
            updated_at=BOOKED_ON,
        )
        session.add(meeting)
        session.flush()
        assert meeting.id is not None
        if minuted:
            session.add(
                Minutes(
                    pairing_id=pairing.id or 0,
                    meeting_id=meeting.id,
                    author_id=pairing.mentee_id,
                    held_on=starts_at.date(),
                    discussion="appraisal prep",
                    created_at=starts_at,
                )
            )
        return meeting.id


def saved_minutes(db: Engine) -> list[Minutes]:
    with transaction(db) as session:
        return list(session.exec(select(Minutes).order_by(col(Minutes.id))).all())


def saved_actions(db: Engine) -> list[tuple[str, str | None, date | None]]:
    with transaction(db) as session:
        rows = session.exec(select(ActionItem).order_by(col(ActionItem.id))).all()
        return [(a.text, a.owner_name, a.due) for a in rows]


def typed(chat: Chat, text: str) -> str:
    """Typed text as Slack and Teams deliver it: never a console button press."""
    return chat.send(Incoming(person_id=chat.person_id, text=text))
