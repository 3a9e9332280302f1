"""The typed ``[scheme]`` settings: one pydantic model, with every default written once.

The loader (conversations.scheme_config) validates a file's ``[scheme]`` table with
:class:`SchemeSettings` and stores ``model_dump(mode="json")`` as ``Scheme.settings``; every
reader (nudges, meetings, matching, mentor profiles, concerns, reports, conflicts, contracts)
gets typed values back with :meth:`SchemeSettings.read`. It lives in storage/ so the queries
there may read settings too (storage never imports conversations).
"""

from __future__ import annotations

import importlib
import re
from datetime import time
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    Strict,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

__all__ = [
    "Channel",
    "ClockTime",
    "ConflictRules",
    "Contract",
    "MeetingCadence",
    "MentorCapacity",
    "Nudges",
    "ReferralRoute",
    "Reports",
    "SchemeSettings",
    "WorkingHours",
    "distinct",
    "fail",
]

Int = Annotated[int, Strict()]
Bool = Annotated[bool, Strict()]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_CLOCK_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::00)?$")


def fail(message: str, at: str = "") -> PydanticCustomError:
    """A validation problem whose message is shown as written, after the key's path (plus
    ``at``, a key below the one validated, as in ``default`` or ``[1].name``)."""
    return PydanticCustomError("scheme", "{problem}", {"problem": message, "at": at})


def _show(value: object) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


def _clock(value: object) -> object:
    if isinstance(value, time):
        return value
    match = _CLOCK_TIME.match(value.strip()) if isinstance(value, str) else None
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise fail(f'{_show(value)} must be a time of day such as "09:00"')
    return time(int(match.group(1)), int(match.group(2)))


def distinct(attribute: str, field: str) -> Any:
    """A validator failing on the first item whose ``attribute`` repeats an earlier one's."""

    def check(items: tuple[Any, ...]) -> tuple[Any, ...]:
        values = [getattr(item, attribute) for item in items]
        for position, value in enumerate(values):
            if value in values[:position]:
                raise fail(
                    f"{_show(value)} is already used by {field}[{values.index(value)}]",
                    f"[{position}].{attribute}",
                )
        return items

    return AfterValidator(check)


ClockTime = Annotated[
    time,
    BeforeValidator(_clock),
    PlainSerializer(lambda at: at.strftime("%H:%M"), return_type=str, when_used="json"),
]


class Model(BaseModel):
    """Frozen and refusing unknown keys; numbers and flags are strict (TOML is typed)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class MeetingCadence(Model):
    """When the bot nudges a pair that has not met, and what counts as a full meeting."""

    nudge_mentee_after_weeks: Int = Field(4, ge=1, le=52)
    nudge_both_after_weeks: Int = Field(6, ge=1, le=52)
    min_minutes: Int = Field(60, ge=1, le=720)
    # The matching message: "if you have not heard from them by DATE" is this many days on.
    first_contact_days: Int = Field(14, ge=1, le=90)

    @field_validator("nudge_both_after_weeks")
    @classmethod
    def _after_mentee(cls, weeks: int, info: ValidationInfo) -> int:
        if weeks < info.data.get("nudge_mentee_after_weeks", 0):
            raise fail("must not be less than nudge_mentee_after_weeks")
        return weeks


class WorkingHours(Model):
    """When the bot may send nudges (in each person's own time zone)."""

    days: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri")
    start: ClockTime = time(9, 0)
    end: ClockTime = time(17, 30)

    @field_validator("days")
    @classmethod
    def _distinct(cls, days: tuple[str, ...]) -> tuple[str, ...]:
        for position, day in enumerate(days):
            if day in days[:position]:
                raise fail(f'"{day}" is listed twice', f"[{position}]")
        return days or WorkingHours.model_fields["days"].default

    @field_validator("end")
    @classmethod
    def _after_start(cls, end: time, info: ValidationInfo) -> time:
        if end <= info.data.get("start", time(0, 0)):
            raise fail("must be later than working_hours.start")
        return end


def _days_before(value: object) -> object:
    if (
        not isinstance(value, list | tuple)
        or not value
        or not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 60 for v in value)
    ):
        raise fail("must be a list of whole numbers of days from 0 to 60, e.g. [7, 2]")
    return tuple(sorted(set(value), reverse=True))


# Days before something (a deadline, an event) on which to nudge: latest reminder last.
DaysBefore = Annotated[tuple[int, ...], BeforeValidator(_days_before)]


class Nudges(Model):
    """The windows of the nudge rules (conversations.nudges); SCHEME.md explains each."""

    morning: ClockTime = time(9, 0)
    meeting_reminder_days_before: Int = Field(1, ge=1, le=14)
    minutes_after_hours: Int = Field(2, ge=0, le=72)
    action_days_before: Int = Field(2, ge=0, le=30)
    contract_days_before: DaysBefore = (7, 2)
    survey_days_before_close: DaysBefore = (7, 2, 0)
    event_days_before: DaysBefore = (7, 1)
    silence_weeks: Int = Field(4, ge=1, le=52)
    escalation_working_days: Int = Field(2, ge=1, le=20)
    stale_after_days: Int = Field(7, ge=1, le=60)
    # Spread a large batch over this many minutes instead of sending all at 09:00:00.
    spread_minutes: Int = Field(30, ge=0, le=240)


Text = Annotated[str, BeforeValidator(lambda v: v.strip() if isinstance(v, str) else v)]


class ReferralRoute(Model):
    """Where a safety concern (patient safety, safeguarding, fitness to practise) goes."""

    name: Annotated[Text, Field(min_length=1, max_length=200)]
    contact: Annotated[Text, Field(min_length=1, max_length=500)]


class ConflictRules(Model):
    """Which pairings count as a conflict of interest beyond a mentor's own list."""

    same_department_conflict: Bool = True
    same_organisation_conflict: Bool = False


class MentorCapacity(Model):
    """A mentor's capacity when their entry gives none, and the most any mentor may take."""

    # The most a mentor may set in chat when the scheme sets no maximum.
    MOST_WITHOUT_MAXIMUM: ClassVar[int] = 10

    default: Int = Field(1, ge=0, le=50)
    maximum: Int | None = Field(None, ge=1, le=50)

    def most(self) -> int:
        """The highest capacity a mentor may give themselves."""
        return self.maximum or self.MOST_WITHOUT_MAXIMUM

    @model_validator(mode="after")
    def _within_maximum(self) -> MentorCapacity:
        if self.maximum is not None and self.default > self.maximum:
            raise fail("must not be more than maximum", "default")
        return self


class Reports(Model):
    """What reports may show: written survey answers, and how many answers feedback about a
    mentor needs before it is shown, as an aggregate."""

    show_free_text: Bool = False
    mentor_feedback_min_answers: Int = Field(3, ge=2, le=50)


class Retention(Model):
    """How long what the bot holds is kept: ``docs/privacy.md`` gives each default's reason."""

    # Message bodies in the outbox, once delivered (or given up on); and dialog drafts.
    messages_days: Int = Field(30, ge=1, le=3650)
    drafts_days: Int = Field(30, ge=1, le=3650)
    # The keys that make a Slack or Teams event count once.
    event_keys_days: Int = Field(7, ge=1, le=365)
    # Diary entries, minutes and actions: years after the end of the cohort.
    records_years: Int = Field(1, ge=0, le=10)
    # Concerns: years after the end of the cohort. The audit log: years after each row.
    concerns_years: Int = Field(6, ge=1, le=25)
    audit_years: Int = Field(6, ge=1, le=25)


class Contract(Model):
    # A pair matched during the cohort (a re-match) signs its contract within this many days.
    period_days: Int = Field(21, ge=1, le=180)


class Channel(Model):
    """Where a scheme channel (the lead channel, say) is delivered. A webhook's URL is a secret:
    name the environment variable that holds it (``url_env``) rather than writing it here."""

    platform: Literal["webhook", "slack"]
    url_env: Annotated[Text, Field(max_length=100)] | None = None
    url: Annotated[Text, Field(max_length=2000)] | None = None
    channel: Annotated[Text, Field(max_length=32)] | None = None  # a Slack channel id

    @model_validator(mode="after")
    def _addressable(self) -> Channel:
        if self.platform == "webhook" and not (self.url_env or self.url):
            raise fail("a webhook channel needs url_env (or url)")
        if self.platform == "slack" and not re.fullmatch(r"[CG][A-Z0-9]+", self.channel or ""):
            raise fail(
                'a Slack channel needs its channel id, like "C0123ABCD" (in Slack: the '
                "channel's details, at the bottom)",
                "channel",
            )
        return self

    def address(self) -> dict[str, Any]:
        """The stored form: ``{"platform": ..., "channel"/"url_env"/"url": ...}`` as given."""
        return self.model_dump(exclude_none=True)


class SchemeSettings(Model):
    """Everything under ``[scheme]`` that has no column of its own, with its defaults."""

    meetings: MeetingCadence = MeetingCadence()
    working_hours: WorkingHours = WorkingHours()
    nudges: Nudges = Nudges()
    referral_routes: Annotated[tuple[ReferralRoute, ...], distinct("name", "referral_routes")] = ()
    # What someone raising an urgent concern is told to do if a person is in danger now.
    immediate_danger: Annotated[Text, Field(max_length=500)] | None = None
    hospital_number_pattern: Annotated[Text, Field(max_length=500)] | None = None
    conflict_rules: ConflictRules = ConflictRules()
    mentor_capacity: MentorCapacity = MentorCapacity()
    reports: Reports = Reports()
    contract: Contract = Contract()
    retention: Retention = Retention()
    channels: dict[str, Channel] = {}

    @field_validator("immediate_danger", "hospital_number_pattern")
    @classmethod
    def _blank_is_none(cls, text: str | None) -> str | None:
        return text or None

    @field_validator("hospital_number_pattern")
    @classmethod
    def _safe_pattern(cls, pattern: str | None) -> str | None:
        if pattern is None:
            return None
        try:
            re.compile(pattern)
        except re.error as error:
            raise fail(f"not a valid regular expression ({error})") from None
        except RecursionError:
            raise fail("is nested too deeply to read") from None
        if backtracks(pattern):
            raise fail(
                f"{_show(pattern[:57])} repeats a group that has its own open-ended quantifier or"
                " a choice (|) inside, which can make checking one message take minutes: write "
                r"it without the nesting, for example [A-Z]{1,3}\d{6,8}"
            )
        return pattern

    def stored(self) -> dict[str, Any]:
        """The ``Scheme.settings`` JSON: the model's dump, channels without empty fields."""
        dumped = self.model_dump(mode="json", exclude={"channels"})
        return {**dumped, "channels": {n: c.address() for n, c in self.channels.items()}}

    @classmethod
    def read(cls, settings: dict[str, Any] | None) -> SchemeSettings:
        """The typed settings of a stored ``Scheme.settings`` (defaults for what is missing; keys
        that are not settings, such as a lead route chosen in chat, are left out). Stored JSON
        that no longer validates reads as the defaults of the part that fails."""
        known = {k: v for k, v in (settings or {}).items() if k in cls.model_fields}
        if "channels" in known:  # written by lead_route / the outbox: read what we understand
            channels = known["channels"] if isinstance(known["channels"], dict) else {}
            known["channels"] = {
                name: {k: v for k, v in address.items() if k in Channel.model_fields}
                for name, address in channels.items()
                if isinstance(address, dict)
            }
        for _ in range(len(known) + 1):
            try:
                return cls.model_validate(known, strict=False)
            except ValidationError as error:
                known.pop(str(error.errors()[0]["loc"][0]), None)
        return cls()


_REGEX_PARSER: Any = importlib.import_module("re._parser")  # the stdlib's own reader of patterns
_REPEATS = frozenset({"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"})
_WIDE_REPEAT = 10  # a group repeated more often than this counts as open-ended


def backtracks(pattern: str) -> bool:
    """Whether ``pattern`` has the shape of catastrophic backtracking in Python's ``re``: a group
    repeated open-endedly (``+``, ``*``, ``{2,}``, ``{1,50}``) with, inside it, a quantifier that
    varies (``+``, ``?``, ``{1,3}``) or a choice (``|``), as in ``(a+)+$`` or ``(a|aa)*$``.
    A fixed count inside (``(\\d{3} ){3}``) is fine. Refusing the shape is simpler and surer
    than timing the pattern, and hospital numbers never need it."""
    return _risky(_REGEX_PARSER.parse(pattern).data, repeated=False)


def _risky(items: Any, repeated: bool) -> bool:
    for op, value in items:
        name, inside = str(op), repeated
        if name in _REPEATS:
            low, high, inner = value
            if repeated and low != high:
                return True
            children = [inner]
            inside = repeated or high == _REGEX_PARSER.MAXREPEAT or high > _WIDE_REPEAT
        elif name == "BRANCH":
            if repeated:
                return True
            children = list(value[1])
        elif name == "SUBPATTERN":
            children = [value[3]]
        elif name in ("ASSERT", "ASSERT_NOT"):
            children = [value[1]]
        elif name == "ATOMIC_GROUP":
            children = [value]
        elif name == "GROUPREF_EXISTS":
            children = [part for part in value[1:] if part is not None]
        else:
            continue
        if any(_risky(child, inside) for child in children):
            return True
    return False
