"""The scheme configuration format (TOML) and its loader (docs/scheme-format.md is the manual).

Map:
- ``SchemeConfigError``: everything that can be wrong with a file, ONE line per problem a person can act
  on: ``line 3, column 9: malformed TOML: ...`` or
  ``cohort "2025-26": surveys[1].questions[0].kind: must be one of scale, choice, text``.
- Reading (pure, no database): ``parse_scheme(text, clock)`` and ``read_scheme_file(path,
  clock)`` turn TOML into a :class:`SchemeConfig`: ``[scheme]`` is validated by pydantic models
  (storage.scheme_settings.SchemeSettings plus the scheme's own columns), each cohort by
  :class:`CohortConfig` (with :class:`PersonConfig`, :class:`PairingConfig`,
  :class:`SurveyConfig`, :class:`EventConfig` ...), all frozen and refusing unknown keys. Every
  problem is reported at once, one line each (``_problems`` turns pydantic's errors into our
  paths and words). Relative dates (``"today-28d"``, ``"today+14d 10:00"``) are resolved
  against the clock in the scheme's time zone, passed in as the validation context.
- Applying: ``load_scheme(engine_or_session, config, clock) -> LoadSummary`` upserts every row
  by its natural key in one transaction, so loading the same file twice changes nothing.
  ``load_file(path, engine, clock)`` and ``load_demo(engine, clock)`` read and apply in one go.
- What has no column of its own goes to the ``settings`` JSON: the scheme's is the dump of
  :class:`SchemeSettings` (read back with ``SchemeSettings.read``), the cohort's is
  :meth:`CohortConfig.settings` (contact points, evaluation deadlines, event end times ...).
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
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from conversations import lead_route
from conversations.clock import Clock
from conversations.dates import add_months
from conversations.demo_seed import seed_selection
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
from storage.scheme_settings import Bool, Int, Model, SchemeSettings, Text, distinct, fail

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
    "load_people",
    "load_scheme",
    "parse_scheme",
    "read_person",
    "read_scheme_file",
    "role_clash",
    "scheme_of",
]

DEMO_RESOURCE = "schemes/demo.toml"
CONSOLE_PLATFORM = "console"

ROLES = tuple(role.value for role in Role)

_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_RELATIVE = re.compile(
    r"^today(?P<terms>(?:\s*[+-]\s*\d+\s*[dwm])*)(?:\s+(?P<hour>\d{1,2}):(?P<minute>\d{2}))?$"
)
_TERM = re.compile(r"([+-])\s*(\d+)\s*([dwm])")
_TOML_POSITION = re.compile(r"^(?P<what>.*?)\s*\(at line (?P<line>\d+), column (?P<col>\d+)\)$")
_TOML_END = re.compile(r"^(?P<what>.*?)\s*\(at end of document\)$")


class SchemeConfigError(ValueError):
    """A scheme file that cannot be used; ``str(error)`` is one line per problem (``problems``),
    each saying where and what to fix."""

    def __init__(self, *problems: str, line: int | None = None):
        self.problems = [" ".join(problem.split()) for problem in problems]
        super().__init__("\n".join(self.problems))
        self.line = line  # of a TOML syntax error

    def within(self, source: str) -> SchemeConfigError:
        """The same problems, each line starting with ``source`` (a file name)."""
        lines = [f"{source}: {problem}" for problem in self.problems]
        return SchemeConfigError(*lines, line=self.line)


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


# --------------------------------------------------------------------------- the models


def _check_email(value: object) -> object:
    if isinstance(value, str):
        value = value.strip().lower()
        if not _EMAIL.match(value):
            raise fail(f"{_show(value)} does not look like an email address")
    return value


def _no_repeats(items: tuple[Any, ...]) -> tuple[Any, ...]:
    for position, item in enumerate(items):
        if item in items[:position]:
            raise fail(f"{_show(item)} is listed twice", f"[{position}]")
    return items


def _loading(info: ValidationInfo) -> dict[str, Any]:
    """The load's context: ``today`` and ``zone`` for relative dates, the ``scheme`` read so far."""
    if not isinstance(info.context, dict):
        raise TypeError("validate a scheme's cohorts with the load's context")
    return info.context


def _relative(text: str, info: ValidationInfo) -> tuple[date, re.Match[str]] | None:
    """``"today-28d"`` or ``"today+2w 10:00"`` read against the load's clock and zone."""
    relative = _RELATIVE.match(text)
    if relative is None:
        return None
    day = _loading(info)["today"]
    try:
        for sign, amount, unit in _TERM.findall(relative.group("terms")):
            count = int(amount) * (1 if sign == "+" else -1)
            if unit == "d":
                day += timedelta(days=count)
            elif unit == "w":
                day += timedelta(weeks=count)
            else:
                day = add_months(day, count)
    except (OverflowError, ValueError):  # past year 9999, or a count too big for a date
        raise fail(_out_of_range(text)) from None
    return _in_range(day, text), relative


def _day(value: object, info: ValidationInfo) -> object:
    if isinstance(value, datetime):
        raise fail('must be a date without a time, e.g. 2025-11-13 or "today+2w"')
    if isinstance(value, date):
        return _in_range(value, value)
    if not isinstance(value, str):
        raise fail(f"must be a date, not {_type_name(value)}")
    text = value.strip()
    relative = _relative(text, info)
    if relative is not None:
        if relative[1].group("hour") is not None:
            raise fail(f"{_show(text)} must be a date without a time")
        return relative[0]
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise fail(
            f'{_show(text)} is not a date: write 2025-11-13, "today", or "today-28d" '
            "(d days, w weeks, m months)"
        ) from None
    return _in_range(day, text)


def _instant(value: object, info: ValidationInfo) -> object:
    """An aware UTC datetime; a time without an offset is in the scheme's time zone."""
    example = '2025-11-13T11:00, "2025-11-13 11:00" or "today+14d 10:00"'
    if isinstance(value, datetime):
        local = value
    elif isinstance(value, date):
        raise fail(f"needs a time as well as the date, e.g. {example}")
    elif isinstance(value, str):
        text = value.strip()
        relative = _relative(text, info)
        if relative is not None:
            day, match = relative
            if match.group("hour") is None:
                raise fail(f"{_show(text)} needs a time, e.g. {example}")
            hour, minute = int(match.group("hour")), int(match.group("minute"))
            if hour > 23 or minute > 59:
                raise fail(f"{_show(text)} has no such time of day")
            local = datetime.combine(day, time(hour, minute))
        else:
            try:
                local = datetime.fromisoformat(text)
            except ValueError:
                raise fail(f"{_show(text)} is not a date and time: write {example}") from None
            if len(text) <= 10:
                raise fail(f"{_show(text)} needs a time, e.g. {example}")
    else:
        raise fail(f"must be a date and time, not {_type_name(value)}")
    _in_range(local.date(), value)
    if local.tzinfo is None:
        local = local.replace(tzinfo=_loading(info)["zone"])
    return local.astimezone(UTC)


def _not_before(earlier: str, *, strictly: bool = False) -> Any:
    """A validator: this date is not before (or, ``strictly``, is after) field ``earlier``."""

    def check(value: Any, info: ValidationInfo) -> Any:
        first = info.data.get(earlier)
        if (
            value is not None
            and first is not None
            and (value <= first if strictly else value < first)
        ):
            if isinstance(value, datetime):
                raise fail(f"must be after {earlier}")
            rule = "must be after" if strictly else "must not be before"
            raise fail(f"{value} {rule} {earlier} ({first})")
        return value

    return AfterValidator(check)


Key = Annotated[str, BeforeValidator(_check_key)]
Name = Annotated[Text, Field(min_length=1, max_length=200)]
Email = Annotated[str, BeforeValidator(_check_email)]
Day = Annotated[date, BeforeValidator(_day)]
Instant = Annotated[datetime, BeforeValidator(_instant)]
Zone = Annotated[str, BeforeValidator(_check_zone)]
Strings = Annotated[tuple[Annotated[Text, Field(min_length=1)], ...], AfterValidator(_no_repeats)]
Audience = Literal["mentee", "mentor", "both"]


class ContactPoint(Model):
    """A keep-in-touch window (e.g. 11-15 December), optionally answered by a survey."""

    key: Key
    name: Name
    opens_on: Day
    closes_on: Annotated[Day, _not_before("opens_on")]
    survey: Key | None = None


class EvaluationDeadline(Model):
    """A date by which mentors and mentees owe an evaluation, optionally through a survey."""

    key: Key
    name: Name
    due_on: Day
    survey: Key | None = None


class EventConfig(Model):
    key: Key
    name: Name
    starts_at: Instant  # aware, UTC
    ends_at: Annotated[Instant | None, _not_before("starts_at", strictly=True)] = None
    mode: Literal["in_person", "virtual", "hybrid"]
    location: Annotated[Text, Field(max_length=500)] = ""
    audience: Audience = "both"


class QuestionConfig(Model):
    key: Key
    text: Annotated[Text, Field(min_length=1, max_length=1000)]
    kind: Literal["scale", "choice", "text"]
    choices: Strings = ()  # for scale questions: "1".."5" (or the configured range)
    required: Bool = True
    scale_min: Int | None = Field(None, ge=0, le=10)
    scale_max: Int | None = Field(None, ge=1, le=10)

    @model_validator(mode="after")
    def _fits_kind(self) -> QuestionConfig:
        kind = self.kind
        if kind == "choice" and len(self.choices) < 2:
            raise fail("a choice question needs at least two choices", "choices")
        if kind != "choice" and self.choices:
            raise fail(f"only choice questions have choices (this one is {kind})", "choices")
        ranged = "scale_min" if self.scale_min is not None else "scale_max"
        if kind != "scale" and (self.scale_min, self.scale_max) != (None, None):
            raise fail(f"only scale questions have a range (this one is {kind})", ranged)
        if kind == "scale":
            low = 1 if self.scale_min is None else self.scale_min
            high = 5 if self.scale_max is None else self.scale_max
            if high <= low:
                raise fail("must be more than scale_min", "scale_max")
            object.__setattr__(self, "choices", tuple(str(p) for p in range(low, high + 1)))
        return self


class SurveyConfig(Model):
    key: Key
    title: Name
    kind: Literal["checkin", "evaluation"]
    audience: Audience = "both"
    opens_on: Day
    closes_on: Annotated[Day, _not_before("opens_on")]
    about_mentor: Bool = False
    questions: Annotated[tuple[QuestionConfig, ...], distinct("key", "questions")] = Field(
        (), validate_default=True
    )

    @field_validator("about_mentor")
    @classmethod
    def _about_mentor(cls, about: bool, info: ValidationInfo) -> bool:
        if about and info.data.get("audience", "mentee") != "mentee":
            raise fail('a survey about the mentor must have audience = "mentee"')
        return about

    @field_validator("questions")
    @classmethod
    def _some_questions(cls, questions: tuple[QuestionConfig, ...]) -> tuple[QuestionConfig, ...]:
        if not questions:
            raise fail("a survey needs at least one [[...questions]] entry")
        return questions


class MentorProfileConfig(Model):
    """A mentor's profile; ``None`` means "not in the file": kept on update, default on create."""

    bio: Annotated[Text, Field(max_length=10_000)] | None = None
    style: Annotated[Text, Field(max_length=10_000)] | None = None
    ways_of_working: (
        Annotated[tuple[Literal["in_person", "video", "phone"], ...], AfterValidator(_no_repeats)]
        | None
    ) = None
    contact_preference: Annotated[Text, Field(max_length=200)] | None = None
    organisation: Annotated[Text, Field(max_length=200)] | None = None
    capacity: Int | None = Field(None, ge=0, le=50)
    at_full_capacity: Bool | None = None
    conflicts: Strings | None = None

    @field_validator("capacity")
    @classmethod
    def _within_maximum(cls, capacity: int | None, info: ValidationInfo) -> int | None:
        maximum = _loading(info)["scheme"].settings.mentor_capacity.maximum
        if capacity is not None and maximum is not None and capacity > maximum:
            raise fail(f"{capacity} is more than the scheme's maximum ({maximum})")
        return capacity

    @field_validator("conflicts")
    @classmethod
    def _emails_in_lower_case(cls, conflicts: tuple[str, ...] | None) -> tuple[str, ...] | None:
        return None if conflicts is None else tuple(c.lower() if "@" in c else c for c in conflicts)


_PROFILE = tuple(name for name in MentorProfileConfig.model_fields if name != "organisation")


# Roles one person cannot hold together in one cohort, and why (a scheme file and an import of
# people are both checked against this one list).
EXCLUSIVE_ROLES: tuple[tuple[Role, Role, str], ...] = (
    (Role.MENTEE, Role.MENTOR, "a mentee cannot also be a mentor in the same cohort"),
)


def role_clash(roles: Collection[str]) -> str | None:
    """Why a person cannot hold ``roles`` together in one cohort, or None when they can."""
    held = {str(role) for role in roles}
    for first, second, why in EXCLUSIVE_ROLES:
        if first.value in held and second.value in held:
            return why
    return None


class PersonConfig(MentorProfileConfig):
    """Someone in a cohort; a mentor's profile keys sit beside their name and roles."""

    email: Email  # lower-cased
    name: Name
    roles: Annotated[tuple[Role, ...], AfterValidator(_no_repeats)]
    time_zone: Zone | None = None  # None: the scheme's zone for a new person, kept if known
    organisation: Annotated[Text, Field(max_length=200)] | None = None
    department: Annotated[Text, Field(max_length=200)] = ""

    @field_validator("roles")
    @classmethod
    def _some_role(cls, roles: tuple[Role, ...]) -> tuple[Role, ...]:
        if not roles:
            raise fail("give at least one role: " + ", ".join(ROLES))
        if clash := role_clash(roles):
            raise fail(clash)
        return roles

    @model_validator(mode="after")
    def _profile_for_mentors(self) -> PersonConfig:
        if Role.MENTOR not in self.roles:
            for name in _PROFILE:
                if getattr(self, name) is not None:
                    raise fail(
                        'only mentors have a mentor profile (add "mentor" to roles or remove it)',
                        name,
                    )
        return self

    @property
    def mentor(self) -> MentorProfileConfig | None:
        """The profile, set exactly when "mentor" is among the roles."""
        if Role.MENTOR not in self.roles:
            return None
        return MentorProfileConfig.model_construct(
            **{name: getattr(self, name) for name in MentorProfileConfig.model_fields}
        )


class PairingConfig(Model):
    mentee: Email
    mentor: Email
    started_on: Day | None = None  # None: the cohort's start


class CohortConfig(Model):
    slug: Key
    name: Name
    starts_on: Day
    ends_on: Annotated[Day, _not_before("starts_on", strictly=True)]
    applications_open: Day | None = None
    applications_close: Annotated[Day | None, _not_before("applications_open")] = None
    contract_deadline: Day | None = None
    surveys: Annotated[tuple[SurveyConfig, ...], distinct("key", "surveys")] = ()
    contact_points: Annotated[tuple[ContactPoint, ...], distinct("key", "contact_points")] = ()
    evaluation_deadlines: Annotated[
        tuple[EvaluationDeadline, ...], distinct("key", "evaluation_deadlines")
    ] = ()
    events: Annotated[tuple[EventConfig, ...], distinct("key", "events")] = ()
    people: Annotated[tuple[PersonConfig, ...], distinct("email", "people")] = ()
    pairings: tuple[PairingConfig, ...] = ()

    @field_validator("contract_deadline")
    @classmethod
    def _within_cohort(cls, deadline: date | None, info: ValidationInfo) -> date | None:
        starts, ends = info.data.get("starts_on"), info.data.get("ends_on")
        if deadline and starts and ends and not starts <= deadline <= ends:
            raise fail(f"{deadline} must fall within the cohort ({starts} to {ends})")
        return deadline

    @field_validator("contact_points", "evaluation_deadlines")
    @classmethod
    def _known_surveys(cls, items: tuple[Any, ...], info: ValidationInfo) -> tuple[Any, ...]:
        if "surveys" not in info.data:
            return items
        keys = {survey.key for survey in info.data["surveys"]}
        for position, item in enumerate(items):
            if item.survey is not None and item.survey not in keys:
                raise fail(
                    f"no survey with key {_show(item.survey)} in this cohort",
                    f"[{position}].survey",
                )
        return items

    @field_validator("pairings")
    @classmethod
    def _fit_the_people(
        cls, pairings: tuple[PairingConfig, ...], info: ValidationInfo
    ) -> tuple[PairingConfig, ...]:
        if "people" not in info.data or "starts_on" not in info.data:
            return pairings
        people = {person.email: person for person in info.data["people"]}
        _check_pairings(pairings, people, _loading(info)["scheme"])
        return tuple(
            pairing.model_copy(update={"started_on": info.data["starts_on"]})
            if pairing.started_on is None
            else pairing
            for pairing in pairings
        )

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
                person.email: {
                    "organisation": person.organisation or "",
                    "department": person.department,
                }
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


# Dates a scheme can sensibly hold; beyond them a later "+ 12 months" could overflow.
_EARLIEST = date(1900, 1, 1)
_LATEST = date(2199, 12, 31)


def _out_of_range(value: object) -> str:
    return (
        f"{_show(str(value))} is out of range: use a date between {_EARLIEST.year} and "
        f"{_LATEST.year}"
    )


def _in_range(day: date, written: object) -> date:
    if not _EARLIEST <= day <= _LATEST:
        raise fail(_out_of_range(written))
    return day


# --------------------------------------------------------------------------- the parser

_TOP_KEYS = ("scheme", "cohorts")


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
    if not isinstance(document, dict):  # pragma: no cover - tomllib always gives a table
        raise SchemeConfigError("(top level): must be a table")
    unknown = [key for key in document if key not in _TOP_KEYS]
    if unknown:
        raise SchemeConfigError(*(f"{k}: unknown key ({_suggest(k, _TOP_KEYS)})" for k in unknown))
    if "scheme" not in document:
        raise SchemeConfigError("[scheme]: is required (the scheme's slug, name and time zone)")
    problems: list[str] = []
    try:
        config = _SchemeSection.model_validate(document["scheme"]).config()
    except ValidationError as error:
        problems += _problems(error, _SchemeSection, "scheme")
        config = _SchemeSection.stand_in(document["scheme"])
    zone = ZoneInfo(config.time_zone)
    context = {"today": clock.now().astimezone(zone).date(), "zone": zone, "scheme": config}

    # Every cohort is read even when one fails, so the file's problems are reported together.
    cohorts: list[CohortConfig] = []
    items = document.get("cohorts", [])
    if not isinstance(items, list):
        problems.append(
            "cohorts: must be an array of tables, one [[cohorts]] header per entry, not "
            + _type_name(items)
        )
    elif not items:
        problems.append("cohorts: at least one [[cohorts]] table is required")
    for position, item in enumerate(items if isinstance(items, list) else []):
        slug = item.get("slug") if isinstance(item, dict) else None
        prefix = f"cohorts[{position}]"
        if isinstance(slug, str) and _KEY.match(slug.strip()):
            prefix = f"cohort {_show(slug.strip())}: "
        try:
            cohorts.append(CohortConfig.model_validate(item, context=context))
        except ValidationError as error:
            problems += _problems(error, CohortConfig, prefix)
    slugs = [cohort.slug for cohort in cohorts]
    problems += [
        f"cohorts[{n}].slug: {_show(slug)} is already used by cohorts[{slugs.index(slug)}]"
        for n, slug in enumerate(slugs)
        if slug in slugs[:n]
    ]
    if problems:
        raise SchemeConfigError(*problems)
    config = dataclasses.replace(config, cohorts=tuple(cohorts))
    _check_people_agree(config)
    return config


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
    # A misspelt key is one problem, not also its right spelling "is required".
    meant = {
        (*p["loc"][:-1], _closest(str(p["loc"][-1]), _fields(model, p["loc"][:-1])))
        for p in error.errors()
        if p["type"] == "extra_forbidden"
    }
    for problem in error.errors():
        where, context = list(problem["loc"]), problem.get("ctx") or {}
        kind = problem["type"]
        if kind == "missing" and tuple(where) in meant:
            continue
        if kind == "scheme":
            message = str(context["problem"])
            where += [
                int(index) if index else name
                for index, name in re.findall(r"\[(\d+)\]|([^.\[\]]+)", str(context["at"]))
            ]
        elif kind == "extra_forbidden":
            message = "unknown key (" + _suggest(str(where[-1]), _fields(model, where[:-1])) + ")"
        elif kind in ("literal_error", "enum"):
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
        if prefix.endswith(": "):  # cohort "2025-26": starts_on
            path = path.removeprefix(".")
        lines.append(f"{prefix}{path}: {message}".replace(": : ", ": "))
    return lines


def _closest(name: str, allowed: Collection[str]) -> str | None:
    hint = difflib.get_close_matches(name, list(allowed), n=1, cutoff=0.6)
    return hint[0] if hint else None


def _suggest(name: str, allowed: Collection[str]) -> str:
    hint = _closest(name, allowed)
    return f'did you mean "{hint}"?' if hint else "expected one of " + ", ".join(sorted(allowed))


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


def _check_pairings(
    pairings: Sequence[PairingConfig], people: Mapping[str, PersonConfig], scheme: SchemeConfig
) -> None:
    """Pairings must join a mentee and a mentor of the cohort, once, within the mentor's
    capacity and the scheme's conflict rules."""
    mentees: set[str] = set()
    load: dict[str, int] = {}
    rules = scheme.settings.conflict_rules
    for position, pairing in enumerate(pairings):
        at = f"[{position}]"
        for side in ("mentee", "mentor"):
            email = getattr(pairing, side)
            if email not in people:
                raise fail(
                    f"{_show(email)} is not among this cohort's people"
                    " (add it under [[cohorts.people]])",
                    f"{at}.{side}",
                )
            if Role(side) not in people[email].roles:
                raise fail(
                    f'{_show(email)} does not have the role "{side}" in this cohort', f"{at}.{side}"
                )
        if pairing.mentee == pairing.mentor:
            raise fail("a person cannot mentor themselves", at)
        if pairing.mentee in mentees:
            raise fail(
                f"{_show(pairing.mentee)} is paired twice (a mentee has one mentor at a time)",
                f"{at}.mentee",
            )
        mentees.add(pairing.mentee)
        mentee, mentor = people[pairing.mentee], people[pairing.mentor]
        if pairing.mentee in (mentor.conflicts or ()):
            raise fail(
                f"{_show(pairing.mentor)} lists {_show(pairing.mentee)} as a conflict of interest",
                at,
            )
        organisation = (mentee.organisation or "").casefold()
        same_organisation = bool(
            organisation and organisation == (mentor.organisation or "").casefold()
        )
        same_department = bool(
            same_organisation
            and mentee.department
            and mentee.department.casefold() == mentor.department.casefold()
        )
        if rules.same_organisation_conflict and same_organisation:
            raise fail(
                f"mentee and mentor work at the same organisation ({_show(mentee.organisation)}),"
                " which conflict_rules.same_organisation_conflict forbids",
                at,
            )
        if rules.same_department_conflict and same_department:
            raise fail(
                f"mentee and mentor work in the same department ({_show(mentee.department)}),"
                " which conflict_rules.same_department_conflict forbids",
                at,
            )
        load[pairing.mentor] = load.get(pairing.mentor, 0) + 1
        capacity = mentor.capacity
        if capacity is None:
            capacity = scheme.settings.mentor_capacity.default
        if load[pairing.mentor] > capacity:
            raise fail(
                f"{_show(pairing.mentor)} would have {load[pairing.mentor]} mentees"
                f" but their capacity is {capacity}",
                f"{at}.mentor",
            )


def _merge_people(first: PersonConfig, second: PersonConfig) -> PersonConfig:
    """One person listed in two cohorts: fields given in both must agree (checked earlier)."""
    return first.model_copy(
        update={
            **{
                name: _first_given(getattr(first, name), getattr(second, name))
                for name in (*MentorProfileConfig.model_fields, "time_zone")
            },
            "roles": tuple(dict.fromkeys(first.roles + second.roles)),
            "department": first.department or second.department,
        }
    )


_T = TypeVar("_T")


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
                        field,
                        getattr(other, field),
                        getattr(person, field),
                    )
                    for field in _PROFILE
                ]
            for name, before, after in pairs:
                if before not in (None, "") and after not in (None, "") and before != after:
                    raise SchemeConfigError(
                        f"cohort {_show(cohort.slug)}: people[{position}].{name}:"
                        f" {_show(person.email)} has {_show(before)} in cohort {_show(other_slug)};"
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
    """Load the packaged demo scheme (``conversations/schemes/demo.toml``), dated from ``clock``,
    then its selection in progress (``conversations.demo_seed``: applications the file format
    cannot describe), in the same transaction. Loading it again changes nothing."""
    text = resources.files("conversations").joinpath(DEMO_RESOURCE).read_text(encoding="utf-8")
    config = parse_scheme(text, clock, source=f"conversations/{DEMO_RESOURCE}")
    if isinstance(engine, Session):
        summary = load_scheme(engine, config, clock)
        seeded = seed_selection(engine, clock)
    else:
        with transaction(engine) as session:
            summary = load_scheme(session, config, clock)
            seeded = seed_selection(session, clock)
    return dataclasses.replace(summary, changes=summary.changes + seeded)


def scheme_of(row: Scheme) -> SchemeConfig:
    """A loaded scheme's own columns and settings (no cohorts), to read people against."""
    return SchemeConfig(
        slug=row.slug,
        name=row.name,
        time_zone=row.time_zone,
        lead_channel=row.lead_channel,
        settings=SchemeSettings.read(row.settings),
    )


def read_person(fields: Mapping[str, object], scheme: SchemeConfig, clock: Clock) -> PersonConfig:
    """One person described as a ``[[cohorts.people]]`` entry would be, checked by the same
    rules; a :class:`SchemeConfigError` has one ``key: why`` problem per mistake."""
    zone = ZoneInfo(scheme.time_zone)
    context = {"today": clock.now().astimezone(zone).date(), "zone": zone, "scheme": scheme}
    try:
        return PersonConfig.model_validate(fields, context=context)
    except ValidationError as error:
        raise SchemeConfigError(*_problems(error, PersonConfig, "")) from None


def load_people(
    session: Session, cohort: Cohort, people: Sequence[PersonConfig], clock: Clock
) -> dict[str, bool]:
    """Add or update ``people`` in a loaded cohort as loading a scheme file would (person,
    console identity, mentor profile, a membership per role, organisation and department),
    inside the caller's transaction. Nothing is removed. Returns email -> whether anything
    about that person changed."""
    scheme = session.get(Scheme, cohort.scheme_id)
    assert scheme is not None
    assert cohort.id is not None
    loader = _Loader(session, scheme_of(scheme), clock)
    changed: dict[str, bool] = {}
    known = dict(cohort.settings.get("people") or {})
    for config in people:
        before = loader.changes
        person = loader._person(config)
        for role in config.roles:
            loader._membership(person, cohort, role)
        place = _place(config)
        entry = {"organisation": "", "department": "", **known.get(config.email, {}), **place}
        if place and entry != known.get(config.email):
            known[config.email] = entry
            loader.changes += 1
        changed[config.email] = loader.changes > before
    if known != (cohort.settings.get("people") or {}):
        cohort.settings = {**cohort.settings, "people": known}
    session.flush()
    return changed


def _place(person: PersonConfig) -> dict[str, str]:
    """The organisation and department given for a person (what is not given is left out)."""
    given = {"organisation": person.organisation or "", "department": person.department}
    return {key: value for key, value in given.items() if value}


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
        # Rows this load created: nothing can hang off them yet, so their identities,
        # profiles and memberships need no looking up first (a fresh load is mostly these).
        self.new_people: set[int] = set()
        self.new_cohorts: set[int] = set()
        self.memberships: set[tuple[int, int, str]] = set()

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

    def _add(self, row: object, *, flush: bool = True) -> None:
        """Add a row; ``flush`` when its id is needed now (else it goes with the next flush)."""
        self.session.add(row)
        if flush:
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
            assert row.id is not None
            self.new_people.add(row.id)
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
        row = (
            None
            if person.id in self.new_people
            else self.session.exec(
                select(ChannelIdentity).where(
                    ChannelIdentity.platform == CONSOLE_PLATFORM,
                    ChannelIdentity.tenant == "",
                    ChannelIdentity.user_id == person.email,
                )
            ).first()
        )
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
                ),
                flush=False,
            )
        elif _assign(row, person_id=person.id, address=address):
            self.changes += 1

    def _mentor_profile(self, person_id: int, config: MentorProfileConfig) -> None:
        given: dict[str, Any] = {}
        for name in MentorProfileConfig.model_fields:
            value = getattr(config, name)
            if value is not None:
                given[name] = list(value) if isinstance(value, tuple) else value
        row = (
            None
            if person_id in self.new_people
            else self.session.exec(
                select(MentorProfile).where(MentorProfile.person_id == person_id)
            ).first()
        )
        if row is None:
            given.setdefault("capacity", self.config.settings.mentor_capacity.default)
            self._add(MentorProfile(person_id=person_id, updated_at=self.now, **given), flush=False)
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
            assert row.id is not None
            self.new_cohorts.add(row.id)
            return row
        settings = {**row.settings, **config.settings()}
        # An organisation or department imported for someone the file does not describe stays.
        settings["people"] = {**(row.settings.get("people") or {}), **settings["people"]}
        if _assign(row, settings=settings, **values):
            self.changes += 1
        return row

    def _membership(self, person: Person, cohort: Cohort, role: Role) -> None:
        assert person.id is not None
        assert cohort.id is not None
        key = (person.id, cohort.id, role.value)
        if key in self.memberships:
            return
        self.memberships.add(key)
        row = (
            None
            if cohort.id in self.new_cohorts
            else self.session.exec(
                select(Membership).where(
                    Membership.person_id == person.id,
                    Membership.cohort_id == cohort.id,
                    Membership.role == role.value,
                )
            ).first()
        )
        if row is None:
            self._add(
                Membership(person_id=person.id, cohort_id=cohort.id, role=role.value),
                flush=False,
            )

    def _pairing(
        self, cohort: Cohort, cohort_config: CohortConfig, position: int, config: PairingConfig
    ) -> None:
        assert cohort.id is not None
        mentee, mentor = self.people[config.mentee], self.people[config.mentor]
        started_at = _start_of_day(config.started_on or cohort_config.starts_on, self.zone)
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
            raise SchemeConfigError(
                f"cohort {_show(cohort_config.slug)}: pairings[{position}]:"
                f" {_show(config.mentee)} already has an active mentor"
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
