"""The injected clock: every "now" in the bot comes from here, never from ``datetime.now()``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime


class ClockError(ValueError):
    """A fixed time that cannot be read."""


def parse_instant(text: str) -> datetime:
    """Read an ISO-8601 instant; a value without an offset is taken as UTC."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise ClockError(f"not an ISO-8601 date and time: {text!r}") from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


@dataclass
class Clock:
    """A source of aware UTC datetimes. ``Clock.fixed`` freezes it for tests and demos."""

    source: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def now(self) -> datetime:
        return self.source().astimezone(UTC)

    @classmethod
    def fixed(cls, at: datetime | str) -> Clock:
        instant = parse_instant(at) if isinstance(at, str) else at.astimezone(UTC)
        return cls(source=lambda: instant)

    @classmethod
    def from_setting(cls, value: str | None) -> Clock:
        """The system clock, or a fixed one when ``MENTORBOT_NOW``/``--now`` gave a value."""
        return cls.fixed(value) if value else cls()
