"""The scheme configuration format (TOML) and its loader (docs/scheme-format.md is the manual).

Map:
- ``SchemeConfigError``: everything that can be wrong with a file, as ONE line a person can act
  on: ``line 3, column 9: malformed TOML: ...`` or
  ``cohort "2025-26": surveys[1].questions[0].kind: must be one of scale, choice, text``.
- Reading (pure, no database): ``parse_scheme(text, clock)`` and ``read_scheme_file(path,
  clock)`` turn TOML into a frozen :class:`SchemeConfig` (with :class:`CohortConfig`,
  :class:`PersonConfig`, :class:`PairingConfig`, :class:`SurveyConfig`, :class:`EventConfig`
  ...), rejecting unknown keys, dates out of order, unknown time zones, bad emails and roles,
  and pairings that do not fit the people listed. Relative dates (``"today-28d"``,
  ``"today+14d 10:00"``) are resolved against the clock in the scheme's time zone, here.
- Applying: ``load_scheme(engine_or_session, config, clock) -> LoadSummary`` upserts every row
  by its natural key in one transaction, so loading the same file twice changes nothing.
  ``load_file(path, engine, clock)`` and ``load_demo(engine, clock)`` read and apply in one go.
- What has no column of its own (meeting cadence, working hours, referral routes, contact
  points, evaluation deadlines, event end times ...) goes to the ``settings`` JSON of the scheme
  or the cohort, under the keys :meth:`SchemeConfig.settings` and :meth:`CohortConfig.settings`
  document.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
import tomllib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from importlib import resources
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, Field, ValidationError
from pydantic_core import PydanticCustomError
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from conversations import lead_route
from conversations.clock import Clock
from conversations.dates import add_months
from storage.db import transaction
from storage.models import (
    ChannelIdentity,
    Cohort,
    Event,
    Membership,
    MentorProfile,
    Pairing,
    PairingStatus,
    Person,
    Role,
    Scheme,
    Survey,
    SurveyQuestion,
)
from storage.scheme_settings import SchemeSettings, Text, fail

__all__ = [
    "CohortConfig",
    "ContactPoint",
    "EvaluationDeadline",
    "EventConfig",
    "LoadSummary",
    "MentorProfileConfig",
    "PairingConfig",
    "PersonConfig",
    "QuestionConfig",
    "SchemeConfig",
    "SchemeConfigError",
    "SurveyConfig",
    "load_demo",
    "load_file",
    "load_scheme",
    "parse_scheme",
    "read_scheme_file",
]

DEMO_RESOURCE = "schemes/demo.toml"
CONSOLE_PLATFORM = "console"

ROLES = tuple(role.value for role in Role)
SURVEY_KINDS = ("checkin", "evaluation")
AUDIENCES = ("mentee", "mentor", "both")
QUESTION_KINDS = ("scale", "choice", "text")
EVENT_MODES = ("in_person", "virtual", "hybrid")
WAYS_OF_WORKING = ("in_person", "video", "phone")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_CLOCK_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_RELATIVE = re.compile(
    r"^today(?P<terms>(?:\s*[+-]\s*\d+\s*[dwm])*)(?:\s+(?P<hour>\d{1,2}):(?P<minute>\d{2}))?$"
)
_TERM = re.compile(r"([+-])\s*(\d+)\s*([dwm])")
_TOML_POSITION = re.compile(r"^(?P<what>.*?)\s*\(at line (?P<line>\d+), column (?P<col>\d+)\)$")
_TOML_END = re.compile(r"^(?P<what>.*?)\s*\(at end of document\)$")


class SchemeConfigError(ValueError):
    """A scheme file that cannot be used; ``str(error)`` is one line per problem (``problems``),
    each saying where and what to fix."""

    def __init__(self, *problems: str, line: int | None = None, path: str | None = None):
        self.problems = [" ".join(problem.split()) for problem in problems]
        super().__init__("\n".join(self.problems))
        self.line = line
        self.path = path

    def within(self, source: str) -> SchemeConfigError:
        """The same problems, each line starting with ``source`` (a file name)."""
        lines = [f"{source}: {problem}" for problem in self.problems]
        return SchemeConfigError(*lines, line=self.line, path=self.path)


# --------------------------------------------------------------------------- the dataclasses


@dataclass(frozen=True)
class ContactPoint:
    """A keep-in-touch window (e.g. 11-15 December), optionally answered by a survey."""

    key: str
    name: str
    opens_on: date
    closes_on: date
    survey: str | None = None


@dataclass(frozen=True)
class EvaluationDeadline:
    """A date by which mentors and mentees owe an evaluation, optionally through a survey."""

    key: str
    name: str
    due_on: date
    survey: str | None = None


@dataclass(frozen=True)
class EventConfig:
    key: str
    name: str
    starts_at: datetime  # aware, UTC
    ends_at: datetime | None = None  # aware, UTC
    mode: str = "virtual"
    location: str = ""
    audience: str = "both"


@dataclass(frozen=True)
class QuestionConfig:
    key: str
    text: str
    kind: str = "text"
    choices: tuple[str, ...] = ()  # for scale questions: "1".."5" (or the configured range)
    required: bool = True


@dataclass(frozen=True)
class SurveyConfig:
    key: str
    title: str
    kind: str
    audience: str
    opens_on: date
    closes_on: date
    about_mentor: bool
    questions: tuple[QuestionConfig, ...]


@dataclass(frozen=True)
class MentorProfileConfig:
    """A mentor's profile; ``None`` means "not in the file": kept on update, default on create."""

    bio: str | None = None
    style: str | None = None
    ways_of_working: tuple[str, ...] | None = None
    contact_preference: str | None = None
    organisation: str | None = None
    capacity: int | None = None
    at_full_capacity: bool | None = None
    conflicts: tuple[str, ...] | None = None


@dataclass(frozen=True)
class PersonConfig:
    email: str  # lower-cased
    name: str
    roles: tuple[Role, ...]
    time_zone: str | None = None  # None: the scheme's zone for a new person, kept for a known one
    organisation: str = ""
    department: str = ""
    mentor: MentorProfileConfig | None = None  # set exactly when "mentor" is among the roles


@dataclass(frozen=True)
class PairingConfig:
    mentee: str  # email
    mentor: str  # email
    started_on: date


@dataclass(frozen=True)
class CohortConfig:
    slug: str
    name: str
    starts_on: date
    ends_on: date
    applications_open: date | None = None
    applications_close: date | None = None
    contract_deadline: date | None = None
    contact_points: tuple[ContactPoint, ...] = ()
    evaluation_deadlines: tuple[EvaluationDeadline, ...] = ()
    events: tuple[EventConfig, ...] = ()
    surveys: tuple[SurveyConfig, ...] = ()
    people: tuple[PersonConfig, ...] = ()
    pairings: tuple[PairingConfig, ...] = ()

    def settings(self) -> dict[str, Any]:
        """The cohort's ``settings`` JSON: the timeline and event details without a column.

        ``contact_points``: ``[{key, name, opens_on, closes_on, survey}]`` (ISO dates);
        ``evaluation_deadlines``: ``[{key, name, due_on, survey}]``;
        ``events``: ``{key: {ends_at (ISO UTC or null), audience}}``;
        ``people``: ``{email: {organisation, department}}`` for whoever has either.
        """
        return {
            "contact_points": [
                {
                    "key": point.key,
                    "name": point.name,
                    "opens_on": point.opens_on.isoformat(),
                    "closes_on": point.closes_on.isoformat(),
                    "survey": point.survey,
                }
                for point in self.contact_points
            ],
            "evaluation_deadlines": [
                {
                    "key": deadline.key,
                    "name": deadline.name,
                    "due_on": deadline.due_on.isoformat(),
                    "survey": deadline.survey,
                }
                for deadline in self.evaluation_deadlines
            ],
            "events": {
                event.key: {
                    "ends_at": event.ends_at.isoformat() if event.ends_at else None,
                    "audience": event.audience,
                }
                for event in self.events
            },
            "people": {
                person.email: {"organisation": person.organisation, "department": person.department}
                for person in self.people
                if person.organisation or person.department
            },
        }


@dataclass(frozen=True)
class SchemeConfig:
    slug: str
    name: str
    time_zone: str
    lead_channel: str
    # Everything else under [scheme]; its dump is the row's ``settings`` JSON.
    settings: SchemeSettings = dataclasses.field(default_factory=SchemeSettings)
    cohorts: tuple[CohortConfig, ...] = ()

    def people(self) -> tuple[PersonConfig, ...]:
        """Everyone in the file once, merged across cohorts (the parser checked they agree)."""
        merged: dict[str, PersonConfig] = {}
        for cohort in self.cohorts:
            for person in cohort.people:
                known = merged.get(person.email)
                merged[person.email] = person if known is None else _merge_people(known, person)
        return tuple(merged.values())


@dataclass(frozen=True)
class LoadSummary:
    """What a file holds and how many rows loading it created, changed or removed."""

    scheme: str
    cohorts: int
    people: int
    pairings: int
    events: int
    surveys: int
    questions: int
    changes: int
    # What the reader should know beyond the counts (a lead channel chosen in chat, kept).
    notes: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        counts = ", ".join(
            [
                _plural(self.cohorts, "cohort", "cohorts"),
                _plural(self.people, "person", "people"),
                _plural(self.pairings, "pairing", "pairings"),
                _plural(self.events, "event", "events"),
                _plural(self.surveys, "survey", "surveys"),
            ]
        )
        return "\n".join([f"Loaded scheme '{self.scheme}': {counts}.", *self.notes])

    def __str__(self) -> str:
        return self.message


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


# --------------------------------------------------------------------------- reading helpers


class _Path:
    """Where a value sits in the file, for error messages: ``cohort "x": surveys[1].kind``."""

    def __init__(self, prefix: str = "", parts: str = "") -> None:
        self.prefix = prefix
        self.parts = parts

    def key(self, name: str) -> _Path:
        return _Path(self.prefix, f"{self.parts}.{name}" if self.parts else name)

    def index(self, position: int) -> _Path:
        return _Path(self.prefix, f"{self.parts}[{position}]")

    def header(self, name: str) -> str:
        """The TOML array-of-tables header for ``name`` here, e.g. ``[[cohorts.events]]``."""
        parts = re.sub(r"\[\d+\]", "", self.parts)
        return (
            "[[" + ".".join(p for p in ("cohorts" if self.prefix else "", parts, name) if p) + "]]"
        )

    def __str__(self) -> str:
        if self.prefix and self.parts:
            return f"{self.prefix}: {self.parts}"
        return self.prefix or self.parts or "(top level)"

    def fail(self, problem: str) -> SchemeConfigError:
        return SchemeConfigError(f"{self}: {problem}", path=str(self))


def _show(value: object) -> str:
    """A value quoted for a one-line message (newlines escaped, long text cut)."""
    if isinstance(value, str):
        text = json.dumps(value if len(value) <= 60 else value[:57] + "...", ensure_ascii=False)
        return text
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, default=str)[:60]


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, datetime):
        return "a date and time"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, time):
        return "a time"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


class _Table:
    """One TOML table being read: typed getters that name the key's path when they fail."""

    def __init__(self, data: object, path: _Path, allowed: Collection[str]) -> None:
        if not isinstance(data, dict):
            raise path.fail(f"must be a table, not {_type_name(data)}")
        self.data: dict[str, Any] = data
        self.path = path
        for name in data:
            if name not in allowed:
                hint = difflib.get_close_matches(name, list(allowed), n=1, cutoff=0.6)
                suggestion = (
                    f'did you mean "{hint[0]}"?'
                    if hint
                    else "expected one of " + ", ".join(sorted(allowed))
                )
                raise path.key(name).fail(f"unknown key ({suggestion})")

    def has(self, name: str) -> bool:
        return name in self.data

    def raw(self, name: str) -> object:
        if name not in self.data:
            raise self.path.key(name).fail("is required")
        return self.data[name]

    def text(self, name: str, default: str | None = None, *, max_length: int = 200) -> str:
        if name not in self.data and default is not None:
            return default
        value = self.raw(name)
        if not isinstance(value, str):
            raise self.path.key(name).fail(f"must be a string, not {_type_name(value)}")
        value = value.strip()
        if not value and default is None:
            raise self.path.key(name).fail("must not be empty")
        if len(value) > max_length:
            raise self.path.key(name).fail(f"must be at most {max_length} characters")
        return value

    def optional_text(self, name: str, *, max_length: int = 10_000) -> str | None:
        return self.text(name, "", max_length=max_length) if name in self.data else None

    def key(self, name: str) -> str:
        value = self.text(name, max_length=64)
        if not _KEY.match(value):
            raise self.path.key(name).fail(
                f"{_show(value)} must be lower-case letters, digits, '-' or '_' (at most 64)"
            )
        return value

    def choice(self, name: str, options: Sequence[str], default: str | None = None) -> str:
        value = self.text(name, default, max_length=64)
        if value not in options:
            raise self.path.key(name).fail("must be one of " + ", ".join(options))
        return value

    def flag(self, name: str, default: bool) -> bool:
        if name not in self.data:
            return default
        value = self.data[name]
        if not isinstance(value, bool):
            raise self.path.key(name).fail(f"must be true or false, not {_type_name(value)}")
        return value

    def optional_flag(self, name: str) -> bool | None:
        return self.flag(name, False) if name in self.data else None

    def number(self, name: str, default: int | None, *, minimum: int, maximum: int) -> int:
        if name not in self.data and default is not None:
            return default
        value = self.raw(name)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.path.key(name).fail(f"must be a whole number, not {_type_name(value)}")
        if not minimum <= value <= maximum:
            raise self.path.key(name).fail(f"must be between {minimum} and {maximum}")
        return value

    def optional_number(self, name: str, *, minimum: int, maximum: int) -> int | None:
        if name not in self.data:
            return None
        return self.number(name, None, minimum=minimum, maximum=maximum)

    def strings(self, name: str, *, options: Sequence[str] | None = None) -> tuple[str, ...]:
        value = self.data.get(name, [])
        if not isinstance(value, list):
            raise self.path.key(name).fail(f"must be a list of strings, not {_type_name(value)}")
        items: list[str] = []
        for position, item in enumerate(value):
            where = self.path.key(name).index(position)
            if not isinstance(item, str) or not item.strip():
                raise where.fail("must be a non-empty string")
            item = item.strip()
            if options is not None and item not in options:
                raise where.fail(f"{_show(item)} must be one of " + ", ".join(options))
            if item in items:
                raise where.fail(f"{_show(item)} is listed twice")
            items.append(item)
        return tuple(items)

    def tables(self, name: str) -> list[tuple[_Path, object]]:
        value = self.data.get(name, [])
        if not isinstance(value, list):
            raise self.path.key(name).fail(
                f"must be an array of tables, one {self.path.header(name)} header per entry,"
                f" not {_type_name(value)}"
            )
        return [(self.path.key(name).index(i), item) for i, item in enumerate(value)]

    def table(self, name: str, allowed: Collection[str]) -> _Table:
        return _Table(self.data.get(name, {}), self.path.key(name), allowed)


class _Dates:
    """Reads dates and datetimes, absolute or relative to the load moment, in one time zone."""

    def __init__(self, clock: Clock, zone: ZoneInfo) -> None:
        self.zone = zone
        self.today = clock.now().astimezone(zone).date()

    def day(self, table: _Table, name: str) -> date:
        value = table.raw(name)
        where = table.path.key(name)
        if isinstance(value, datetime):
            raise where.fail('must be a date without a time, e.g. 2025-11-13 or "today+2w"')
        if isinstance(value, date):
            return _in_range(value, where, value)
        if not isinstance(value, str):
            raise where.fail(f"must be a date, not {_type_name(value)}")
        text = value.strip()
        relative = _RELATIVE.match(text)
        if relative:
            if relative.group("hour") is not None:
                raise where.fail(f"{_show(text)} must be a date without a time")
            return self._shift(relative.group("terms"), where, text)
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise where.fail(
                f'{_show(text)} is not a date: write 2025-11-13, "today", or "today-28d" '
                "(d days, w weeks, m months)"
            ) from None
        return _in_range(day, where, text)

    def optional_day(self, table: _Table, name: str) -> date | None:
        return self.day(table, name) if table.has(name) else None

    def instant(self, table: _Table, name: str) -> datetime:
        """An aware UTC datetime; a time without an offset is in the scheme's time zone."""
        value = table.raw(name)
        where = table.path.key(name)
        example = '2025-11-13T11:00, "2025-11-13 11:00" or "today+14d 10:00"'
        if isinstance(value, datetime):
            local = value
        elif isinstance(value, date):
            raise where.fail(f"needs a time as well as the date, e.g. {example}")
        elif isinstance(value, str):
            text = value.strip()
            relative = _RELATIVE.match(text)
            if relative:
                if relative.group("hour") is None:
                    raise where.fail(f"{_show(text)} needs a time, e.g. {example}")
                day = self._shift(relative.group("terms"), where, text)
                hour, minute = int(relative.group("hour")), int(relative.group("minute"))
                if hour > 23 or minute > 59:
                    raise where.fail(f"{_show(text)} has no such time of day")
                local = datetime.combine(day, time(hour, minute))
            else:
                try:
                    local = datetime.fromisoformat(text)
                except ValueError:
                    raise where.fail(
                        f"{_show(text)} is not a date and time: write {example}"
                    ) from None
                if len(text) <= 10:
                    raise where.fail(f"{_show(text)} needs a time, e.g. {example}")
        else:
            raise where.fail(f"must be a date and time, not {_type_name(value)}")
        _in_range(local.date(), where, value)
        if local.tzinfo is None:
            local = local.replace(tzinfo=self.zone)
        return local.astimezone(UTC)

    def optional_instant(self, table: _Table, name: str) -> datetime | None:
        return self.instant(table, name) if table.has(name) else None

    def _shift(self, terms: str, where: _Path, text: str) -> date:
        day = self.today
        try:
            for sign, amount, unit in _TERM.findall(terms):
                count = int(amount) * (1 if sign == "+" else -1)
                if unit == "d":
                    day += timedelta(days=count)
                elif unit == "w":
                    day += timedelta(weeks=count)
                else:
                    day = add_months(day, count)
        except (OverflowError, ValueError):  # past year 9999, or a count too big for a date
            raise where.fail(_out_of_range(text)) from None
        return _in_range(day, where, text)


# Dates a scheme can sensibly hold; beyond them a later "+ 12 months" could overflow.
_EARLIEST = date(1900, 1, 1)
_LATEST = date(2199, 12, 31)


def _out_of_range(value: object) -> str:
    return (
        f"{_show(str(value))} is out of range: use a date between {_EARLIEST.year} and "
        f"{_LATEST.year}"
    )


def _in_range(day: date, where: _Path, written: object) -> date:
    if not _EARLIEST <= day <= _LATEST:
        raise where.fail(_out_of_range(written))
    return day


def _time_zone(table: _Table, name: str) -> str:
    value = table.text(name, max_length=64)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise table.path.key(name).fail(
            f'unknown time zone {_show(value)} (use an IANA name such as "Europe/London")'
        ) from None
    return value


def _clock_time(table: _Table, name: str, default: time) -> time:
    if not table.has(name):
        return default
    value = table.raw(name)
    if isinstance(value, time):
        return value
    match = _CLOCK_TIME.match(value.strip()) if isinstance(value, str) else None
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise table.path.key(name).fail(f'{_show(value)} must be a time of day such as "09:00"')
    return time(int(match.group(1)), int(match.group(2)))


def _in_order(earlier: date | datetime | None, later: date | datetime | None) -> bool:
    if earlier is None or later is None:
        return True
    return later >= earlier


_T = TypeVar("_T")


def _unique(items: Sequence[object], attribute: str, path: _Path, field: str) -> None:
    """Fail on the first item whose ``attribute`` repeats an earlier item's."""
    seen: dict[object, int] = {}
    for position, item in enumerate(items):
        value = getattr(item, attribute)
        if value in seen:
            raise (
                path.key(field)
                .index(position)
                .key(attribute)
                .fail(f"{_show(value)} is already used by {field}[{seen[value]}]")
            )
        seen[value] = position


# --------------------------------------------------------------------------- the parser

_TOP_KEYS = ("scheme", "cohorts")
_COHORT_KEYS = (
    "slug",
    "name",
    "starts_on",
    "ends_on",
    "applications_open",
    "applications_close",
    "contract_deadline",
    "contact_points",
    "evaluation_deadlines",
    "events",
    "surveys",
    "people",
    "pairings",
)
_MENTOR_KEYS = (
    "bio",
    "style",
    "ways_of_working",
    "contact_preference",
    "capacity",
    "at_full_capacity",
    "conflicts",
)
_PERSON_KEYS = ("email", "name", "time_zone", "roles", "organisation", "department", *_MENTOR_KEYS)


def parse_scheme(text: str, clock: Clock, *, source: str | None = None) -> SchemeConfig:
    """Read and check a scheme file's text; relative dates are resolved against ``clock``.

    ``source`` (a file name) starts every error message when given.
    """
    try:
        return _parse(text, clock)
    except SchemeConfigError as error:
        if source is None:
            raise
        raise error.within(source) from error


def read_scheme_file(path: str | Path, clock: Clock) -> SchemeConfig:
    """Read and check a scheme file (no database)."""
    return parse_scheme(_read_text(Path(path)), clock, source=str(path))


# The format nests a few levels (a cohort's pairs' lists); anything deeper is not a scheme file.
_MAX_DEPTH = 12
_TOO_DEEP = (
    f"TOML: tables and lists are nested more than {_MAX_DEPTH} deep; no scheme file needs that"
)


def _depth(document: object) -> int:
    """How deeply tables and lists nest (without recursion: the nesting may be very deep)."""
    deepest = 0
    stack: list[tuple[object, int]] = [(document, 0)]
    while stack:
        value, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return deepest


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SchemeConfigError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise SchemeConfigError(f"{path}: not UTF-8 text") from None
    except OSError as error:
        raise SchemeConfigError(f"{path}: cannot read it ({error.strerror})") from None


def _parse(text: str, clock: Clock) -> SchemeConfig:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _toml_error(error, text) from None
    except RecursionError:
        raise SchemeConfigError(_TOO_DEEP) from None
    if _depth(document) > _MAX_DEPTH:
        raise SchemeConfigError(_TOO_DEEP)
    top = _Table(document, _Path(), _TOP_KEYS)
    if not top.has("scheme"):
        raise SchemeConfigError("[scheme]: is required (the scheme's slug, name and time zone)")
    problems: list[str] = []
    raw = top.raw("scheme")
    try:
        config = _SchemeSection.model_validate(raw).config()
    except ValidationError as error:
        problems += _problems(error, _SchemeSection, "scheme")
        config = _SchemeSection.stand_in(raw)
    dates = _Dates(clock, ZoneInfo(config.time_zone))

    # Every cohort is read even when one fails, so the file's problems are reported together.
    cohorts: list[CohortConfig] = []
    for path, item in top.tables("cohorts"):
        try:
            cohorts.append(_parse_cohort(item, path, config, dates))
        except SchemeConfigError as error:
            problems += error.problems
    if not top.has("cohorts"):
        problems.append("cohorts: at least one [[cohorts]] table is required")
    if problems:
        raise SchemeConfigError(*problems)
    _unique(cohorts, "slug", _Path(), "cohorts")
    config = dataclasses.replace(config, cohorts=tuple(cohorts))
    _check_people_agree(config)
    return config


def _check_key(value: object) -> object:
    if isinstance(value, str) and not _KEY.match(value.strip()):
        raise fail(f"{_show(value)} must be lower-case letters, digits, '-' or '_' (at most 64)")
    return value.strip() if isinstance(value, str) else value


def _check_zone(value: object) -> object:
    if isinstance(value, str):
        try:
            ZoneInfo(value.strip())
        except (ZoneInfoNotFoundError, ValueError):
            raise fail(
                f'unknown time zone {_show(value)} (use an IANA name such as "Europe/London")'
            ) from None
        return value.strip()
    return value


class _SchemeSection(SchemeSettings):
    """The ``[scheme]`` table: the scheme's own columns, then its settings."""

    slug: Annotated[str, BeforeValidator(_check_key)]
    name: Annotated[Text, Field(min_length=1, max_length=200)]
    time_zone: Annotated[str, BeforeValidator(_check_zone)]
    lead_channel: Annotated[Text, Field(min_length=1, max_length=100)]

    def config(self) -> SchemeConfig:
        return SchemeConfig(
            slug=self.slug,
            name=self.name,
            time_zone=self.time_zone,
            lead_channel=self.lead_channel.removeprefix("#"),
            settings=SchemeSettings(**{name: getattr(self, name) for name in _SETTINGS}),
        )

    @staticmethod
    def stand_in(raw: object) -> SchemeConfig:
        """A scheme to read the cohorts against when ``[scheme]`` has problems of its own."""
        zone = raw.get("time_zone") if isinstance(raw, dict) else None
        try:
            zone = str(_check_zone(zone)) if isinstance(zone, str) else "UTC"
        except PydanticCustomError:
            zone = "UTC"
        return SchemeConfig(slug="scheme", name="scheme", time_zone=zone, lead_channel="lead")


_SETTINGS = tuple(SchemeSettings.model_fields)
_PROBLEM_TYPES = {
    "int_type": "must be a whole number, not {kind}",
    "bool_type": "must be true or false, not {kind}",
    "string_type": "must be a string, not {kind}",
    "model_type": "must be a table, not {kind}",
    "model_attributes_type": "must be a table, not {kind}",
    "dict_type": "must be a table, not {kind}",
    "tuple_type": "must be a list, not {kind}",
    "list_type": "must be a list, not {kind}",
    "time_type": 'must be a time of day such as "09:00", not {kind}',
    "missing": "is required",
    "string_too_short": "must not be empty",
    "string_too_long": "must be at most {max_length} characters",
}


def _problems(error: ValidationError, model: type[BaseModel], prefix: str) -> list[str]:
    """One line per problem pydantic found, each with its path in the file."""
    lines: list[str] = []
    for problem in error.errors():
        where, context = list(problem["loc"]), problem.get("ctx") or {}
        kind = problem["type"]
        if kind == "scheme":
            message = str(context["problem"])
            where += [part for part in re.split(r"\.|(?=\[)", str(context["at"])) if part]
        elif kind == "extra_forbidden":
            message = "unknown key (" + _suggest(str(where[-1]), _fields(model, where[:-1])) + ")"
        elif kind == "literal_error":
            options = ", ".join(re.findall(r"'([^']*)'", str(context.get("expected", ""))))
            shown = f"{_show(problem['input'])} " if isinstance(where[-1], int) else ""
            message = f"{shown}must be one of {options}"
        elif kind in ("greater_than_equal", "less_than_equal"):
            low, high = _bounds(model, where)
            message = f"must be between {low} and {high}"
        elif kind in _PROBLEM_TYPES:
            message = _PROBLEM_TYPES[kind].format(kind=_type_name(problem["input"]), **context)
        else:
            message = problem["msg"]
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in where)
        lines.append(f"{prefix}{path}: {message}" if prefix else f"{path[1:]}: {message}")
    return lines


def _suggest(name: str, allowed: Collection[str]) -> str:
    hint = difflib.get_close_matches(name, list(allowed), n=1, cutoff=0.6)
    return f'did you mean "{hint[0]}"?' if hint else "expected one of " + ", ".join(sorted(allowed))


def _unwrap(annotation: Any) -> Any:
    while get_origin(annotation) in (Annotated, Union, UnionType):
        annotation = next(a for a in get_args(annotation) if a is not type(None))
    return annotation


def _model_at(model: type[BaseModel], where: Sequence[object]) -> Any:
    """The type declared at ``where`` (keys and positions) below ``model``, unwrapped."""
    found: Any = model
    for part in where:
        if isinstance(found, type) and issubclass(found, BaseModel):
            field = found.model_fields.get(str(part))
            found = _unwrap(field.annotation if field else None)
        else:  # a position in a tuple, a name in a table of tables
            args = get_args(found)
            found = _unwrap(args[0] if get_origin(found) is tuple else args[-1] if args else None)
    return found


def _fields(model: type[BaseModel], where: Sequence[object]) -> Collection[str]:
    found = _model_at(model, where)
    return found.model_fields if isinstance(found, type) and issubclass(found, BaseModel) else ()


def _bounds(model: type[BaseModel], where: Sequence[object]) -> tuple[object, object]:
    metadata = _model_at(model, where[:-1]).model_fields[str(where[-1])].metadata
    low = next(m.ge for m in metadata if hasattr(m, "ge"))
    high = next(m.le for m in metadata if hasattr(m, "le"))
    return low, high


def _toml_error(error: tomllib.TOMLDecodeError, text: str) -> SchemeConfigError:
    # Python 3.11's TOMLDecodeError has no lineno/colno (3.14 adds them): read the message.
    line = getattr(error, "lineno", None)
    column = getattr(error, "colno", None)
    message = str(error)
    what = message
    positioned = _TOML_POSITION.match(message)
    if positioned:
        what = positioned.group("what")
        line = line or int(positioned.group("line"))
        column = column or int(positioned.group("col"))
    elif ended := _TOML_END.match(message):
        what = ended.group("what")
        line = line or max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
    where = f"line {line}, column {column}" if column else f"line {line}" if line else "TOML"
    return SchemeConfigError(f"{where}: malformed TOML: {what}", line=line)


def _parse_cohort(item: object, path: _Path, scheme: SchemeConfig, dates: _Dates) -> CohortConfig:
    raw_slug = item.get("slug") if isinstance(item, dict) else None
    if isinstance(raw_slug, str) and _KEY.match(raw_slug.strip()):
        path = _Path(prefix=f"cohort {_show(raw_slug.strip())}")
    table = _Table(item, path, _COHORT_KEYS)
    slug = table.key("slug")
    here = _Path(prefix=f"cohort {_show(slug)}")
    starts_on = dates.day(table, "starts_on")
    ends_on = dates.day(table, "ends_on")
    if ends_on <= starts_on:
        raise here.key("ends_on").fail(f"{ends_on} must be after starts_on ({starts_on})")
    applications_open = dates.optional_day(table, "applications_open")
    applications_close = dates.optional_day(table, "applications_close")
    if not _in_order(applications_open, applications_close):
        raise here.key("applications_close").fail(
            f"{applications_close} must not be before applications_open ({applications_open})"
        )
    contract_deadline = dates.optional_day(table, "contract_deadline")
    if contract_deadline is not None and not starts_on <= contract_deadline <= ends_on:
        raise here.key("contract_deadline").fail(
            f"{contract_deadline} must fall within the cohort ({starts_on} to {ends_on})"
        )

    surveys = [_parse_survey(p, i, dates) for p, i in table.tables("surveys")]
    _unique(surveys, "key", here, "surveys")
    survey_keys = {survey.key for survey in surveys}

    points: list[ContactPoint] = []
    for point_path, point_item in table.tables("contact_points"):
        point = _Table(point_item, point_path, ("key", "name", "opens_on", "closes_on", "survey"))
        contact = ContactPoint(
            key=point.key("key"),
            name=point.text("name"),
            opens_on=dates.day(point, "opens_on"),
            closes_on=dates.day(point, "closes_on"),
            survey=_survey_reference(point, survey_keys),
        )
        if contact.closes_on < contact.opens_on:
            raise point_path.key("closes_on").fail(
                f"{contact.closes_on} must not be before opens_on ({contact.opens_on})"
            )
        points.append(contact)
    _unique(points, "key", here, "contact_points")

    deadlines: list[EvaluationDeadline] = []
    for deadline_path, deadline_item in table.tables("evaluation_deadlines"):
        deadline = _Table(deadline_item, deadline_path, ("key", "name", "due_on", "survey"))
        deadlines.append(
            EvaluationDeadline(
                key=deadline.key("key"),
                name=deadline.text("name"),
                due_on=dates.day(deadline, "due_on"),
                survey=_survey_reference(deadline, survey_keys),
            )
        )
    _unique(deadlines, "key", here, "evaluation_deadlines")

    events = [_parse_event(p, i, dates) for p, i in table.tables("events")]
    _unique(events, "key", here, "events")

    people = [_parse_person(p, i, scheme) for p, i in table.tables("people")]
    _unique(people, "email", here, "people")
    by_email = {person.email: person for person in people}

    pairings = [
        _parse_pairing(p, i, by_email, starts_on, dates) for p, i in table.tables("pairings")
    ]
    _check_pairings(pairings, by_email, scheme, here)

    return CohortConfig(
        slug=slug,
        name=table.text("name"),
        starts_on=starts_on,
        ends_on=ends_on,
        applications_open=applications_open,
        applications_close=applications_close,
        contract_deadline=contract_deadline,
        contact_points=tuple(points),
        evaluation_deadlines=tuple(deadlines),
        events=tuple(events),
        surveys=tuple(surveys),
        people=tuple(people),
        pairings=tuple(pairings),
    )


def _survey_reference(table: _Table, survey_keys: set[str]) -> str | None:
    if not table.has("survey"):
        return None
    key = table.key("survey")
    if key not in survey_keys:
        raise table.path.key("survey").fail(f"no survey with key {_show(key)} in this cohort")
    return key


def _parse_event(path: _Path, item: object, dates: _Dates) -> EventConfig:
    table = _Table(
        item, path, ("key", "name", "starts_at", "ends_at", "mode", "location", "audience")
    )
    event = EventConfig(
        key=table.key("key"),
        name=table.text("name"),
        starts_at=dates.instant(table, "starts_at"),
        ends_at=dates.optional_instant(table, "ends_at"),
        mode=table.choice("mode", EVENT_MODES),
        location=table.text("location", "", max_length=500),
        audience=table.choice("audience", AUDIENCES, "both"),
    )
    if event.ends_at is not None and event.ends_at <= event.starts_at:
        raise path.key("ends_at").fail("must be after starts_at")
    return event


def _parse_survey(path: _Path, item: object, dates: _Dates) -> SurveyConfig:
    table = _Table(
        item,
        path,
        ("key", "title", "kind", "audience", "opens_on", "closes_on", "about_mentor", "questions"),
    )
    key = table.key("key")
    opens_on = dates.day(table, "opens_on")
    closes_on = dates.day(table, "closes_on")
    if closes_on < opens_on:
        raise path.key("closes_on").fail(f"{closes_on} must not be before opens_on ({opens_on})")
    audience = table.choice("audience", AUDIENCES, "both")
    about_mentor = table.flag("about_mentor", False)
    if about_mentor and audience != "mentee":
        raise path.key("about_mentor").fail(
            'a survey about the mentor must have audience = "mentee"'
        )
    questions = [_parse_question(p, i) for p, i in table.tables("questions")]
    if not questions:
        raise path.key("questions").fail("a survey needs at least one [[...questions]] entry")
    _unique(questions, "key", path, "questions")
    return SurveyConfig(
        key=key,
        title=table.text("title"),
        kind=table.choice("kind", SURVEY_KINDS),
        audience=audience,
        opens_on=opens_on,
        closes_on=closes_on,
        about_mentor=about_mentor,
        questions=tuple(questions),
    )


def _parse_question(path: _Path, item: object) -> QuestionConfig:
    table = _Table(
        item, path, ("key", "text", "kind", "choices", "required", "scale_min", "scale_max")
    )
    key = table.key("key")
    kind = table.choice("kind", QUESTION_KINDS)
    choices = table.strings("choices")
    if kind == "choice" and len(choices) < 2:
        raise path.key("choices").fail("a choice question needs at least two choices")
    if kind != "choice" and choices:
        raise path.key("choices").fail(f"only choice questions have choices (this one is {kind})")
    if kind != "scale" and (table.has("scale_min") or table.has("scale_max")):
        raise path.key("scale_min" if table.has("scale_min") else "scale_max").fail(
            f"only scale questions have a range (this one is {kind})"
        )
    if kind == "scale":
        low = table.number("scale_min", 1, minimum=0, maximum=10)
        high = table.number("scale_max", 5, minimum=1, maximum=10)
        if high <= low:
            raise path.key("scale_max").fail("must be more than scale_min")
        choices = tuple(str(point) for point in range(low, high + 1))
    return QuestionConfig(
        key=key,
        text=table.text("text", max_length=1000),
        kind=kind,
        choices=choices,
        required=table.flag("required", True),
    )


def _parse_person(path: _Path, item: object, scheme: SchemeConfig) -> PersonConfig:
    table = _Table(item, path, _PERSON_KEYS)
    email = table.text("email", max_length=320).lower()
    if not _EMAIL.match(email):
        raise path.key("email").fail(f"{_show(email)} does not look like an email address")
    roles_raw = table.strings("roles", options=ROLES)
    if not roles_raw:
        raise path.key("roles").fail("give at least one role: " + ", ".join(ROLES))
    roles = tuple(Role(role) for role in roles_raw)
    mentor: MentorProfileConfig | None = None
    if Role.MENTOR in roles:
        capacity = table.optional_number("capacity", minimum=0, maximum=50)
        if (
            capacity is not None
            and scheme.settings.mentor_capacity.maximum is not None
            and capacity > scheme.settings.mentor_capacity.maximum
        ):
            raise path.key("capacity").fail(
                f"{capacity} is more than the scheme's maximum ({scheme.settings.mentor_capacity.maximum})"
            )
        conflicts = tuple(c.lower() if "@" in c else c for c in table.strings("conflicts"))
        mentor = MentorProfileConfig(
            bio=table.optional_text("bio"),
            style=table.optional_text("style"),
            ways_of_working=(
                table.strings("ways_of_working", options=WAYS_OF_WORKING)
                if table.has("ways_of_working")
                else None
            ),
            contact_preference=table.optional_text("contact_preference", max_length=200),
            organisation=table.optional_text("organisation", max_length=200),
            capacity=capacity,
            at_full_capacity=table.optional_flag("at_full_capacity"),
            conflicts=conflicts if table.has("conflicts") else None,
        )
    else:
        for name in _MENTOR_KEYS:
            if table.has(name):
                raise path.key(name).fail(
                    'only mentors have a mentor profile (add "mentor" to roles or remove it)'
                )
    return PersonConfig(
        email=email,
        name=table.text("name"),
        roles=roles,
        time_zone=_time_zone(table, "time_zone") if table.has("time_zone") else None,
        organisation=table.text("organisation", "", max_length=200),
        department=table.text("department", "", max_length=200),
        mentor=mentor,
    )


def _parse_pairing(
    path: _Path, item: object, people: Mapping[str, PersonConfig], starts_on: date, dates: _Dates
) -> PairingConfig:
    table = _Table(item, path, ("mentee", "mentor", "started_on"))
    ends: dict[str, str] = {}
    for side in ("mentee", "mentor"):
        email = table.text(side, max_length=320).lower()
        person = people.get(email)
        if person is None:
            raise path.key(side).fail(
                f"{_show(email)} is not among this cohort's people"
                " (add it under [[cohorts.people]])"
            )
        if Role(side) not in person.roles:
            raise path.key(side).fail(
                f'{_show(email)} does not have the role "{side}" in this cohort'
            )
        ends[side] = email
    if ends["mentee"] == ends["mentor"]:
        raise path.fail("a person cannot mentor themselves")
    started_on = dates.day(table, "started_on") if table.has("started_on") else starts_on
    return PairingConfig(mentee=ends["mentee"], mentor=ends["mentor"], started_on=started_on)


def _check_pairings(
    pairings: Sequence[PairingConfig],
    people: Mapping[str, PersonConfig],
    scheme: SchemeConfig,
    here: _Path,
) -> None:
    mentees: set[str] = set()
    load: dict[str, int] = {}
    for position, pairing in enumerate(pairings):
        where = here.key("pairings").index(position)
        if pairing.mentee in mentees:
            raise where.key("mentee").fail(
                f"{_show(pairing.mentee)} is paired twice (a mentee has one mentor at a time)"
            )
        mentees.add(pairing.mentee)
        mentee, mentor = people[pairing.mentee], people[pairing.mentor]
        profile = mentor.mentor or MentorProfileConfig()
        if pairing.mentee in (profile.conflicts or ()):
            raise where.fail(
                f"{_show(pairing.mentor)} lists {_show(pairing.mentee)} as a conflict of interest"
            )
        same_organisation = bool(
            mentee.organisation and mentee.organisation.casefold() == mentor.organisation.casefold()
        )
        same_department = bool(
            same_organisation
            and mentee.department
            and mentee.department.casefold() == mentor.department.casefold()
        )
        if scheme.settings.conflict_rules.same_organisation_conflict and same_organisation:
            raise where.fail(
                f"mentee and mentor work at the same organisation ({_show(mentee.organisation)}),"
                " which conflict_rules.same_organisation_conflict forbids"
            )
        if scheme.settings.conflict_rules.same_department_conflict and same_department:
            raise where.fail(
                f"mentee and mentor work in the same department ({_show(mentee.department)}),"
                " which conflict_rules.same_department_conflict forbids"
            )
        load[pairing.mentor] = load.get(pairing.mentor, 0) + 1
        capacity = profile.capacity
        if capacity is None:
            capacity = scheme.settings.mentor_capacity.default
        if load[pairing.mentor] > capacity:
            raise where.key("mentor").fail(
                f"{_show(pairing.mentor)} would have {load[pairing.mentor]} mentees"
                f" but their capacity is {capacity}"
            )


def _merge_people(first: PersonConfig, second: PersonConfig) -> PersonConfig:
    """One person listed in two cohorts: fields given in both must agree (checked earlier)."""
    mentor = first.mentor
    if first.mentor is not None and second.mentor is not None:
        mentor = MentorProfileConfig(
            **{
                field.name: _first_given(
                    getattr(first.mentor, field.name), getattr(second.mentor, field.name)
                )
                for field in dataclasses.fields(MentorProfileConfig)
            }
        )
    elif mentor is None:
        mentor = second.mentor
    return PersonConfig(
        email=first.email,
        name=first.name,
        roles=tuple(dict.fromkeys(first.roles + second.roles)),
        time_zone=first.time_zone or second.time_zone,
        organisation=first.organisation or second.organisation,
        department=first.department or second.department,
        mentor=mentor,
    )


def _first_given(first: _T | None, second: _T | None) -> _T | None:
    return first if first is not None else second


def _check_people_agree(config: SchemeConfig) -> None:
    """Someone in two cohorts must be described the same way in both."""
    seen: dict[str, tuple[str, PersonConfig]] = {}
    for cohort in config.cohorts:
        for position, person in enumerate(cohort.people):
            earlier = seen.get(person.email)
            if earlier is None:
                seen[person.email] = (cohort.slug, person)
                continue
            other_slug, other = earlier
            pairs: list[tuple[str, object, object]] = [
                ("name", other.name, person.name),
                ("time_zone", other.time_zone, person.time_zone),
                ("organisation", other.organisation, person.organisation),
                ("department", other.department, person.department),
            ]
            if other.mentor is not None and person.mentor is not None:
                pairs += [
                    (
                        field.name,
                        getattr(other.mentor, field.name),
                        getattr(person.mentor, field.name),
                    )
                    for field in dataclasses.fields(MentorProfileConfig)
                ]
            for name, before, after in pairs:
                if before not in (None, "") and after not in (None, "") and before != after:
                    where = _Path(f"cohort {_show(cohort.slug)}", f"people[{position}].{name}")
                    raise where.fail(
                        f"{_show(person.email)} has {_show(before)} in cohort {_show(other_slug)};"
                        " describe a person the same way in every cohort"
                    )


# --------------------------------------------------------------------------- the loader


def load_scheme(target: Engine | Session, config: SchemeConfig, clock: Clock) -> LoadSummary:
    """Create or update everything ``config`` describes, all or nothing.

    Rows are matched by natural key (scheme slug; cohort slug in the scheme; person email;
    membership person+cohort+role; mentor profile by person; pairing cohort+mentee+mentor;
    survey and event by cohort+key; question by survey+key), so a second load of the same file
    changes nothing. Loading never deletes, except survey questions no longer in the file.
    Given an engine it runs its own transaction; given a session it works inside the caller's.
    """
    if isinstance(target, Session):
        return _Loader(target, config, clock).run()
    with transaction(target) as session:
        return _Loader(session, config, clock).run()


def load_file(path: str | Path, engine: Engine | Session, clock: Clock) -> LoadSummary:
    """Read, check and load a scheme file; every error message starts with ``path``."""
    config = read_scheme_file(path, clock)
    try:
        return load_scheme(engine, config, clock)
    except SchemeConfigError as error:
        raise error.within(str(path)) from error


def load_demo(engine: Engine | Session, clock: Clock) -> LoadSummary:
    """Load the packaged demo scheme (``conversations/schemes/demo.toml``), dated from ``clock``."""
    text = resources.files("conversations").joinpath(DEMO_RESOURCE).read_text(encoding="utf-8")
    config = parse_scheme(text, clock, source=f"conversations/{DEMO_RESOURCE}")
    return load_scheme(engine, config, clock)


def _assign(row: object, **values: object) -> bool:
    """Set the attributes that differ; True when any did."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def _start_of_day(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=zone).astimezone(UTC)


class _Loader:
    def __init__(self, session: Session, config: SchemeConfig, clock: Clock) -> None:
        self.session = session
        self.config = config
        self.now = clock.now()
        self.zone = ZoneInfo(config.time_zone)
        self.changes = 0
        self.people: dict[str, Person] = {}
        self.notes: list[str] = []

    def run(self) -> LoadSummary:
        scheme = self._scheme()
        for person in self.config.people():
            self.people[person.email] = self._person(person)
        for cohort_config in self.config.cohorts:
            cohort = self._cohort(scheme, cohort_config)
            for person_config in cohort_config.people:
                for role in person_config.roles:
                    self._membership(self.people[person_config.email], cohort, role)
            for position, pairing in enumerate(cohort_config.pairings):
                self._pairing(cohort, cohort_config, position, pairing)
            for event in cohort_config.events:
                self._event(cohort, event)
            for survey in cohort_config.surveys:
                self._survey(cohort, survey)
        self.session.flush()
        cohorts = self.config.cohorts
        return LoadSummary(
            scheme=self.config.name,
            cohorts=len(cohorts),
            people=len(self.people),
            pairings=sum(len(c.pairings) for c in cohorts),
            events=sum(len(c.events) for c in cohorts),
            surveys=sum(len(c.surveys) for c in cohorts),
            questions=sum(len(s.questions) for c in cohorts for s in c.surveys),
            changes=self.changes,
            notes=tuple(self.notes),
        )

    def _add(self, row: object) -> None:
        self.session.add(row)
        self.session.flush()
        self.changes += 1

    def _scheme(self) -> Scheme:
        config = self.config
        row = self.session.exec(select(Scheme).where(Scheme.slug == config.slug)).first()
        if row is None:
            row = Scheme(
                slug=config.slug,
                name=config.name,
                time_zone=config.time_zone,
                lead_channel=config.lead_channel,
                settings=config.settings.stored(),
                updated_at=self.now,
            )
            self._add(row)
            return row
        settings = {**row.settings, **config.settings.stored()}
        # A lead channel chosen in chat is kept, or replaced by a changed file: said either way.
        self.notes += lead_route.keep_on_load(
            self.session, row, config.lead_channel, settings, self.now
        )
        if _assign(
            row,
            name=config.name,
            time_zone=config.time_zone,
            lead_channel=config.lead_channel,
            settings=settings,
        ):
            row.updated_at = self.now
            self.changes += 1
        return row

    def _person(self, config: PersonConfig) -> Person:
        row = self.session.exec(
            select(Person).where(func.lower(Person.email) == config.email)
        ).first()
        if row is None:
            row = Person(
                email=config.email,
                display_name=config.name,
                time_zone=config.time_zone or self.config.time_zone,
                created_at=self.now,
            )
            self._add(row)
        else:
            values: dict[str, object] = {"display_name": config.name}
            if config.time_zone is not None:
                values["time_zone"] = config.time_zone
            if _assign(row, **values):
                self.changes += 1
        assert row.id is not None
        self._console_identity(row)
        if config.mentor is not None:
            self._mentor_profile(row.id, config.mentor)
        return row

    def _console_identity(self, person: Person) -> None:
        assert person.id is not None
        row = self.session.exec(
            select(ChannelIdentity).where(
                ChannelIdentity.platform == CONSOLE_PLATFORM,
                ChannelIdentity.tenant == "",
                ChannelIdentity.user_id == person.email,
            )
        ).first()
        address = {"email": person.email}
        if row is None:
            self._add(
                ChannelIdentity(
                    person_id=person.id,
                    platform=CONSOLE_PLATFORM,
                    tenant="",
                    user_id=person.email,
                    address=address,
                    created_at=self.now,
                )
            )
        elif _assign(row, person_id=person.id, address=address):
            self.changes += 1

    def _mentor_profile(self, person_id: int, config: MentorProfileConfig) -> None:
        given: dict[str, Any] = {}
        for field in dataclasses.fields(MentorProfileConfig):
            value = getattr(config, field.name)
            if value is not None:
                given[field.name] = list(value) if isinstance(value, tuple) else value
        row = self.session.exec(
            select(MentorProfile).where(MentorProfile.person_id == person_id)
        ).first()
        if row is None:
            given.setdefault("capacity", self.config.settings.mentor_capacity.default)
            self._add(MentorProfile(person_id=person_id, updated_at=self.now, **given))
        elif _assign(row, **given):
            row.updated_at = self.now
            self.changes += 1

    def _cohort(self, scheme: Scheme, config: CohortConfig) -> Cohort:
        assert scheme.id is not None
        row = self.session.exec(
            select(Cohort).where(Cohort.scheme_id == scheme.id, Cohort.slug == config.slug)
        ).first()
        values: dict[str, Any] = {
            "name": config.name,
            "starts_on": config.starts_on,
            "ends_on": config.ends_on,
            "applications_open": config.applications_open,
            "applications_close": config.applications_close,
            "contract_deadline": config.contract_deadline,
        }
        if row is None:
            row = Cohort(
                scheme_id=scheme.id, slug=config.slug, settings=config.settings(), **values
            )
            self._add(row)
            return row
        if _assign(row, settings={**row.settings, **config.settings()}, **values):
            self.changes += 1
        return row

    def _membership(self, person: Person, cohort: Cohort, role: Role) -> None:
        assert person.id is not None
        assert cohort.id is not None
        row = self.session.exec(
            select(Membership).where(
                Membership.person_id == person.id,
                Membership.cohort_id == cohort.id,
                Membership.role == role.value,
            )
        ).first()
        if row is None:
            self._add(Membership(person_id=person.id, cohort_id=cohort.id, role=role.value))

    def _pairing(
        self, cohort: Cohort, cohort_config: CohortConfig, position: int, config: PairingConfig
    ) -> None:
        assert cohort.id is not None
        mentee, mentor = self.people[config.mentee], self.people[config.mentor]
        started_at = _start_of_day(config.started_on, self.zone)
        same_pair = self.session.exec(
            select(Pairing)
            .where(
                Pairing.cohort_id == cohort.id,
                Pairing.mentee_id == mentee.id,
                Pairing.mentor_id == mentor.id,
            )
            .order_by(col(Pairing.status) != PairingStatus.ACTIVE.value, col(Pairing.id).desc())
        ).first()
        if same_pair is not None:
            # An ended pairing stays ended: reloading the file must not undo an exit.
            if same_pair.status == PairingStatus.ACTIVE.value and _assign(
                same_pair, started_at=started_at
            ):
                self.changes += 1
            return
        active = self.session.exec(
            select(Pairing).where(
                Pairing.cohort_id == cohort.id,
                Pairing.mentee_id == mentee.id,
                Pairing.status == PairingStatus.ACTIVE.value,
            )
        ).first()
        if active is not None:
            other = self.session.get(Person, active.mentor_id)
            where = _Path(f"cohort {_show(cohort_config.slug)}", f"pairings[{position}]")
            raise where.fail(
                f"{_show(config.mentee)} already has an active mentor"
                f" ({_show(other.email if other else active.mentor_id)}) in the database;"
                " end that pairing before pairing them again"
            )
        assert mentee.id is not None
        assert mentor.id is not None
        self._add(
            Pairing(
                cohort_id=cohort.id,
                mentee_id=mentee.id,
                mentor_id=mentor.id,
                status=PairingStatus.ACTIVE.value,
                started_at=started_at,
            )
        )

    def _event(self, cohort: Cohort, config: EventConfig) -> None:
        assert cohort.id is not None
        row = self.session.exec(
            select(Event).where(Event.cohort_id == cohort.id, Event.key == config.key)
        ).first()
        values: dict[str, Any] = {
            "name": config.name,
            "starts_at": config.starts_at,
            "mode": config.mode,
            "location": config.location,
        }
        if row is None:
            self._add(Event(cohort_id=cohort.id, key=config.key, **values))
        elif _assign(row, **values):
            self.changes += 1

    def _survey(self, cohort: Cohort, config: SurveyConfig) -> None:
        assert cohort.id is not None
        row = self.session.exec(
            select(Survey).where(Survey.cohort_id == cohort.id, Survey.key == config.key)
        ).first()
        values: dict[str, Any] = {
            "title": config.title,
            "kind": config.kind,
            "audience": config.audience,
            "opens_on": config.opens_on,
            "closes_on": config.closes_on,
            "about_mentor": config.about_mentor,
        }
        if row is None:
            row = Survey(cohort_id=cohort.id, key=config.key, **values)
            self._add(row)
        elif _assign(row, **values):
            self.changes += 1
        assert row.id is not None
        self._questions(row.id, config.questions)

    def _questions(self, survey_id: int, questions: Sequence[QuestionConfig]) -> None:
        existing = {
            row.key: row
            for row in self.session.exec(
                select(SurveyQuestion).where(SurveyQuestion.survey_id == survey_id)
            )
        }
        wanted = {question.key for question in questions}
        for key, row in list(existing.items()):
            if key not in wanted:
                self.session.delete(row)
                del existing[key]
                self.changes += 1
        positions = {question.key: position for position, question in enumerate(questions)}
        if any(row.position != positions[key] for key, row in existing.items()):
            # Park the moved rows out of the way so (survey, position) stays unique meanwhile.
            for offset, row in enumerate(existing.values()):
                row.position = -1 - offset
        self.session.flush()
        for position, question in enumerate(questions):
            values: dict[str, Any] = {
                "position": position,
                "text": question.text,
                "kind": question.kind,
                "choices": list(question.choices),
                "required": question.required,
            }
            current = existing.get(question.key)
            if current is None:
                self._add(SurveyQuestion(survey_id=survey_id, key=question.key, **values))
            elif _assign(current, **values):
                self.changes += 1
