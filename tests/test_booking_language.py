"""Booking, moving and cancelling meetings in the words people type (issue 12, sections 1, 4).

Clock: Mon 2 Mar 2026 09:00 in London (GMT). Priya (mentee) books with Tom (mentor); every reply
is typed text, as on Slack and Teams.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from conversations.clock import Clock
from storage.db import transaction
from storage.models import Meeting
from tests.transcript import Chat


@pytest.fixture
def clock() -> Clock:
    return Clock.fixed("2026-03-02T09:00:00+00:00")


def _meetings(db: Engine) -> list[Meeting]:
    with transaction(db) as session:
        return list(session.exec(select(Meeting).order_by(col(Meeting.id))).all())


def _slot(meeting: Meeting) -> tuple[datetime, int, str]:
    return meeting.starts_at, meeting.duration_minutes, meeting.mode


# -- the length: the scheme's minimum unless said ----------------------------------------------


def test_no_length_said_is_the_schemes_hour_shown_and_changeable(mentee: Chat) -> None:
    reply = mentee.said("book a meeting thurs half 2 on teams")
    assert "• *When:* Thu 5 Mar, 14:30\n• *How long:* 1 hour\n• *How:* by video" in reply
    assert "I've made it 1 hour, the scheme's usual length" in reply
    assert "*How long:* 1 hour 30 minutes" in mentee.said("make it 90 mins")
    assert "Sent to Tom Okafor" in mentee.said("send it")
    [meeting] = _meetings(mentee.db)
    assert _slot(meeting) == (datetime(2026, 3, 5, 14, 30, tzinfo=UTC), 90, "video")


def test_no_length_and_no_mode_asks_only_how_you_will_meet(mentee: Chat) -> None:
    reply = mentee.said("book a meeting fri at 11")
    assert reply.startswith("How will you meet?")
    assert "*How long:* 1 hour" in mentee.said("phone")
    mentee.said("yes")
    [meeting] = _meetings(mentee.db)
    assert _slot(meeting) == (datetime(2026, 3, 6, 11, tzinfo=UTC), 60, "phone")
