"""How a dialog's context says when something happened, and who did it (``Context.when`` and
``Context.by``): in the reader's own time zone, the year only when it isn't this year."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine

from conversations.dialogs.base import Context
from storage import queries
from storage.db import transaction

NOW = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)


def test_when_and_by_read_in_the_readers_zone(demo: Engine) -> None:
    with transaction(demo) as session:
        person = queries.person_by_email(session, "mentee@example.org")
        assert person is not None
        person.time_zone = "Europe/London"
        ctx = Context(session, person, NOW, [])
        at = datetime(2026, 7, 2, 14, 0, tzinfo=UTC)  # 15:00 in London, on summer time
        assert ctx.when(at) == "Thu 2 Jul, 15:00"
        assert ctx.when(at.replace(year=2025)) == "Wed 2 Jul 2025, 15:00"
        assert ctx.by(ctx.person_id, at) == f"by {person.display_name}, Thu 2 Jul, 15:00"
        assert ctx.by(None, at) == "by someone, Thu 2 Jul, 15:00"
