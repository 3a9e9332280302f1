"""Nudges, reminders and escalations: the rules, and the sweep that turns due ones into messages.

Map:
- ``NudgeSettings``: every window, from the scheme's ``nudges`` settings (defaults from SCHEME.md).
- ``working_moment``: the first moment inside a person's working hours (and after their pause).
- one function per rule, each taking candidate rows (``storage.nudge_queries``) and returning
  ``NudgeSpec`` values: who gets what, when, under which natural key;
- ``sweep``: collect what is due now, and write each new nudge and its outbox message in one
  transaction. The key (rule, subject, period) is unique in the database, so a second sweep, a
  concurrent one or one after a crash creates nothing twice.

Catching up after downtime: a rule with stages (7 days before, 2 days before, on the day) sends
only its latest due stage; a stage older than ``stale_after_days`` is dropped as obsolete, and
anything already resolved (the meeting held, the action done, the survey answered) is no longer
a candidate at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session

from conversations.clock import Clock
from conversations.dates import add_months, format_day, format_when
from conversations.dialogs.diary import after_meeting_prompt
from conversations.dialogs.lead import lead_actions
from conversations.intents import INTENT_ACTION_PREFIX, IntentName
from conversations.messages import Choice, Part, Question, Text, part_to_json, preview
from storage import nudge_queries as q
from storage.db import transaction
from storage.models import Person
from storage.scheme_settings import SchemeSettings

NUDGE_PRIORITY = 7
LEAD_PRIORITY = 5
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class NudgeSettings:
    """The windows of every rule, read from the scheme's settings (storage.scheme_settings holds
    the defaults: ``[scheme.nudges]``, ``[scheme.meetings]`` and ``[scheme.working_hours]``)."""

    morning: time
    mentee_after_weeks: int
    both_after_weeks: int
    meeting_reminder_days_before: int
    minutes_after_hours: int
    action_days_before: int
    contract_days_before: tuple[int, ...]
    survey_days_before_close: tuple[int, ...]
    event_days_before: tuple[int, ...]
    silence_weeks: int
    escalation_working_days: int
    stale_after_days: int
    spread_minutes: int
    working_days: tuple[str, ...]
    working_start: time
    working_end: time

    @classmethod
    def from_scheme(cls, settings: dict[str, Any] | None) -> NudgeSettings:
        scheme = SchemeSettings.read(settings)
        hours = scheme.working_hours
        return cls(
            **scheme.nudges.model_dump(),
            mentee_after_weeks=scheme.meetings.nudge_mentee_after_weeks,
            both_after_weeks=scheme.meetings.nudge_both_after_weeks,
            working_days=hours.days,
            working_start=hours.start,
            working_end=hours.end,
        )


@dataclass(frozen=True)
class NudgeSpec:
    rule: str
    subject: str
    period: str
    scheme_id: int
    parts: tuple[Part, ...]
    # When it should go out (before working hours and pauses are applied).
    moment: datetime
    recipient_id: int | None = None
    channel: str | None = None
    priority: int = NUDGE_PRIORITY

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.rule, self.subject, self.period)


@dataclass
class SweepStats:
    created: int = 0
    skipped_existing: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)


# ------------------------------------------------------------------------------ working time


def local_moment(day: date, at: time, tz: ZoneInfo) -> datetime:
    """``day`` at ``at`` in ``tz``, as an aware datetime (a skipped hour moves forward)."""
    local = datetime.combine(day, at, tzinfo=tz)
    round_trip = local.astimezone(ZoneInfo("UTC")).astimezone(tz)
    return round_trip if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None) else local


def working_moment(
    moment: datetime, tz: ZoneInfo, settings: NudgeSettings, paused_until: datetime | None = None
) -> datetime:
    """The first moment at or after ``moment`` (and after a pause) inside working hours."""
    if paused_until is not None and paused_until > moment:
        moment = paused_until
    local = moment.astimezone(tz)
    for offset in range(0, 15):
        day = local.date() + timedelta(days=offset)
        if _DAYS[day.weekday()] not in settings.working_days:
            continue
        start = local_moment(day, settings.working_start, tz)
        end = local_moment(day, settings.working_end, tz)
        if offset == 0 and local >= end:
            continue
        return max(start, local) if offset == 0 else start
    return moment  # no working days configured: send when due


def previous_working_day(day: date, settings: NudgeSettings) -> date:
    for offset in range(1, 15):
        candidate = day - timedelta(days=offset)
        if _DAYS[candidate.weekday()] in settings.working_days:
            return candidate
    return day - timedelta(days=1)


def working_days_before(
    moment: datetime, days: int, tz: ZoneInfo, settings: NudgeSettings
) -> datetime:
    """The moment ``days`` working days before ``moment`` (same time of day)."""
    local = moment.astimezone(tz)
    day = local.date()
    for _ in range(days):
        day = previous_working_day(day, settings)
    return local_moment(day, local.timetz().replace(tzinfo=None), tz)


# ------------------------------------------------------------------------------ the rules


@dataclass(frozen=True)
class World:
    """What the rules need to know besides their candidates."""

    now: datetime
    people: dict[int, Person]
    schemes: dict[int, tuple[str, str, dict[str, Any]]]
    # Each scheme's settings, read once per sweep.
    read: dict[int, NudgeSettings] = field(default_factory=dict, repr=False)

    def tz(self, person_id: int) -> ZoneInfo:
        return ZoneInfo(self.people[person_id].time_zone)

    def name(self, person_id: int) -> str:
        person = self.people.get(person_id)
        return person.display_name if person is not None else "someone"

    def first(self, person_id: int) -> str:
        return self.name(person_id).split(" ", 1)[0]

    def scheme_tz(self, scheme_id: int) -> ZoneInfo:
        return ZoneInfo(self.schemes[scheme_id][0])

    def lead_channel(self, scheme_id: int) -> str:
        return self.schemes[scheme_id][1]

    def settings(self, scheme_id: int) -> NudgeSettings:
        if scheme_id not in self.read:
            self.read[scheme_id] = NudgeSettings.from_scheme(self.schemes[scheme_id][2])
        return self.read[scheme_id]


def _go(intent: IntentName, label: str) -> Choice:
    return Choice(label, INTENT_ACTION_PREFIX + intent.value)


def _latest_stage(
    stages: Sequence[tuple[str, datetime]],
    now: datetime,
    stale: timedelta,
    tz: ZoneInfo | None = None,
    settings: NudgeSettings | None = None,
) -> tuple[str, datetime] | None:
    """The latest stage whose moment has come, unless it is stale. With ``tz`` and
    ``settings``, each moment first moves into working hours, so a reminder that would fall on
    a Saturday and slide to Monday gives way to Monday's own stage instead of doubling it."""
    if tz is not None and settings is not None:
        stages = [(name, working_moment(moment, tz, settings)) for name, moment in stages]
    due = [(moment, index, name) for index, (name, moment) in enumerate(stages) if moment <= now]
    if not due:
        return None
    moment, _index, name = max(due)
    return (name, moment) if now - moment <= stale else None


def meeting_due(rows: Iterable[q.PairRow], world: World) -> list[NudgeSpec]:
    """No meeting held or booked for 4 weeks: nudge the mentee; at 6 weeks, nudge both."""
    specs: list[NudgeSpec] = []
    for row in rows:
        settings = world.settings(row.scheme_id)
        weeks = (world.now - row.last_met_at).days // 7
        since = row.last_met_at.date().isoformat()
        stage = "both" if weeks >= settings.both_after_weeks else "mentee"
        moment = row.last_met_at + timedelta(
            weeks=settings.both_after_weeks if stage == "both" else settings.mentee_after_weeks
        )
        recipients = [row.mentee_id, row.mentor_id] if stage == "both" else [row.mentee_id]
        for person_id in recipients:
            partner = row.mentor_id if person_id == row.mentee_id else row.mentee_id
            last = format_day(row.last_met_at.astimezone(world.tz(person_id)).date())
            if person_id == row.mentee_id:
                gap = (
                    f"you last met {world.first(partner)} (on {last})"
                    if row.has_met
                    else f"you were paired with {world.first(partner)} (on {last}), and you haven't met yet"
                )
                text = (
                    f"It's {weeks} weeks since {gap}. Meeting every 4 to 6 weeks keeps "
                    "things moving: shall we book the next one?"
                )
                parts: tuple[Part, ...] = (
                    Text(text),
                    Question("Book a meeting now?", (_go(IntentName.BOOK_MEETING, "Book now"),)),
                )
            else:
                met = (
                    f"for {weeks} weeks (last: {last})"
                    if row.has_met
                    else f"yet ({weeks} weeks since you were paired)"
                )
                text = (
                    f"You and {world.first(partner)} haven't met {met}. "
                    f"{world.first(partner)} arranges meetings; a quick message to them might help. "
                    "If something's wrong, type *raise a concern*."
                )
                parts = (Text(text),)
            specs.append(
                NudgeSpec(
                    rule=f"meeting_due_{stage}",
                    subject=f"pairing:{row.pairing_id}>{person_id}",
                    period=since,
                    scheme_id=row.scheme_id,
                    parts=parts,
                    moment=moment,
                    recipient_id=person_id,
                )
            )
    return specs


def meeting_reminders(
    rows: Iterable[q.MeetingRow], actions: dict[int, list[str]], world: World
) -> list[NudgeSpec]:
    """The day before a confirmed meeting, in each person's morning, with agenda and actions."""
    specs: list[NudgeSpec] = []
    for row in rows:
        settings = world.settings(row.scheme_id)
        for person_id in (row.mentee_id, row.mentor_id):
            tz = world.tz(person_id)
            partner = row.mentor_id if person_id == row.mentee_id else row.mentee_id
            meeting_day = row.starts_at.astimezone(tz).date()
            day = meeting_day
            for _ in range(settings.meeting_reminder_days_before):
                day = previous_working_day(day, settings)
            moment = local_moment(day, settings.morning, tz)
            if not (moment <= world.now < row.starts_at):
                continue
            lines = [
                f"Reminder: you're meeting {world.name(partner)} on "
                f"{format_when(row.starts_at, tz, world.now)} ({row.duration_minutes} min, "
                f"{row.mode.replace('_', ' ')})."
            ]
            if row.agenda:
                lines.append(f"Agenda: {row.agenda}")
            open_actions = actions.get(row.pairing_id, [])
            if open_actions:
                lines.append("Open actions:\n" + "\n".join(f"• {a}" for a in open_actions[:5]))
            lines.append("Need to move it? Type *reschedule*.")
            specs.append(
                NudgeSpec(
                    rule="meeting_reminder",
                    subject=f"meeting:{row.meeting_id}>{person_id}",
                    period=row.starts_at.isoformat(),
                    scheme_id=row.scheme_id,
                    parts=(Text(lines[0]), Text("\n".join(lines[1:]), private=True)),
                    moment=moment,
                    recipient_id=person_id,
                )
            )
    return specs


def minutes_prompts(rows: Iterable[q.MeetingRow], world: World) -> list[NudgeSpec]:
    """Two hours after a meeting ends, ask the mentee for minutes and actions (and offer the
    diary); remind once the next working morning if nothing was logged."""
    specs: list[NudgeSpec] = []
    for row in rows:
        settings = world.settings(row.scheme_id)
        tz = world.tz(row.mentee_id)
        ended = row.starts_at + timedelta(minutes=row.duration_minutes)
        after = working_moment(ended + timedelta(hours=settings.minutes_after_hours), tz, settings)
        # The reminder comes the working morning after the first prompt went out.
        next_day = after.astimezone(tz).date() + timedelta(days=1)
        while _DAYS[next_day.weekday()] not in settings.working_days:
            next_day += timedelta(days=1)
        stages = [("after", after), ("next_day", local_moment(next_day, settings.morning, tz))]
        stage = _latest_stage(
            stages, world.now, timedelta(days=settings.stale_after_days), tz, settings
        )
        if stage is None:
            continue
        partner = world.first(row.mentor_id)
        if stage[0] == "after":
            parts: tuple[Part, ...] = (
                Text(
                    f"How did your meeting with {partner} go? When you have a moment, log the "
                    "minutes and the actions you agreed, and the date of your next meeting."
                ),
                Question("Log them now?", (_go(IntentName.LOG_MINUTES, "Log minutes"),)),
                *after_meeting_prompt(partner)[:1],
            )
        else:
            parts = (
                Text(
                    f"A gentle reminder: the minutes of your meeting with {partner} on "
                    f"{format_day(row.starts_at.astimezone(tz).date())} aren't logged yet."
                ),
                Question("Log them now?", (_go(IntentName.LOG_MINUTES, "Log minutes"),)),
            )
        specs.append(
            NudgeSpec(
                rule=f"minutes_{stage[0]}",
                subject=f"meeting:{row.meeting_id}",
                period=row.starts_at.date().isoformat(),
                scheme_id=row.scheme_id,
                parts=parts,
                moment=stage[1],
                recipient_id=row.mentee_id,
            )
        )
    return specs


def action_reminders(rows: Iterable[q.ActionRow], world: World) -> list[NudgeSpec]:
    """To the owner 2 days before an action is due, and on the day it becomes overdue."""
    specs: list[NudgeSpec] = []
    for row in rows:
        settings = world.settings(row.scheme_id)
        tz = world.tz(row.owner_id)
        stages = [
            (
                "soon",
                local_moment(
                    row.due - timedelta(days=settings.action_days_before), settings.morning, tz
                ),
            ),
            ("overdue", local_moment(row.due + timedelta(days=1), settings.morning, tz)),
        ]
        stage = _latest_stage(
            stages, world.now, timedelta(days=settings.stale_after_days), tz, settings
        )
        if stage is None:
            continue
        if stage[0] == "soon":
            text = f"Your action “{row.text}” is due on {format_day(row.due)}."
        else:
            text = f"Your action “{row.text}” was due on {format_day(row.due)} and is still open."
        parts = (
            Text(f"Action reminder: due {format_day(row.due)}."),
            Text(
                text
                + " Type *done* and its number when it's finished, or *my actions* to see them all.",
                private=True,
            ),
        )
        specs.append(
            NudgeSpec(
                rule=f"action_{stage[0]}",
                subject=f"action:{row.action_id}",
                period=row.due.isoformat(),
                scheme_id=row.scheme_id,
                parts=parts,
                moment=stage[1],
                recipient_id=row.owner_id,
            )
        )
    return specs


def contract_reminders(rows: Sequence[q.ContractRow], world: World) -> list[NudgeSpec]:
    """Unsigned partners 7 and 2 days before the deadline; the lead channel on the deadline."""
    specs: list[NudgeSpec] = []
    unsigned_by_cohort: dict[tuple[int, int, date], list[q.ContractRow]] = {}
    for row in rows:
        settings = world.settings(row.scheme_id)
        stale = timedelta(days=settings.stale_after_days)
        for person_id in row.unsigned_ids:
            tz = world.tz(person_id)
            stages = [
                (
                    f"{days}d",
                    local_moment(row.deadline - timedelta(days=days), settings.morning, tz),
                )
                for days in settings.contract_days_before
            ]
            stage = _latest_stage(stages, world.now, stale, tz, settings)
            if stage is None or world.now.astimezone(tz).date() > row.deadline:
                continue
            partner = row.mentor_id if person_id == row.mentee_id else row.mentee_id
            specs.append(
                NudgeSpec(
                    rule=f"contract_{stage[0]}",
                    subject=f"pairing:{row.pairing_id}>{person_id}",
                    period=row.deadline.isoformat(),
                    scheme_id=row.scheme_id,
                    parts=(
                        Text(
                            f"Your mentoring contract with {world.name(partner)} needs signing by "
                            f"{format_day(row.deadline)}. It only takes a few minutes."
                        ),
                        Question(
                            "Shall we do it now?",
                            (_go(IntentName.CONTRACT, "Open the contract"),),
                        ),
                    ),
                    moment=stage[1],
                    recipient_id=person_id,
                )
            )
        unsigned_by_cohort.setdefault((row.scheme_id, row.cohort_id, row.deadline), []).append(row)
    for (scheme_id, cohort_id, deadline), cohort_rows in unsigned_by_cohort.items():
        settings = world.settings(scheme_id)
        tz = world.scheme_tz(scheme_id)
        # Mid-afternoon on the deadline day, while the lead can still chase today.
        moment = local_moment(deadline, time(15, 0), tz)
        if not (moment <= world.now <= moment + timedelta(days=settings.stale_after_days)):
            continue
        lines = [
            f"• {world.name(r.mentee_id)} and {world.name(r.mentor_id)} "
            f"(not signed: {', '.join(world.name(p) for p in r.unsigned_ids)})"
            for r in sorted(cohort_rows, key=lambda r: r.pairing_id)
        ]
        specs.append(
            NudgeSpec(
                rule="contract_unsigned_lead",
                subject=f"cohort:{cohort_id}",
                period=deadline.isoformat(),
                scheme_id=scheme_id,
                parts=(
                    Text(
                        (
                            f"{len(cohort_rows)} mentoring contracts were not signed"
                            if len(cohort_rows) != 1
                            else "1 mentoring contract was not signed"
                        )
                        + f" by today's deadline ({format_day(deadline)}):\n"
                        + "\n".join(lines)
                    ),
                ),
                moment=moment,
                channel=world.lead_channel(scheme_id),
                priority=LEAD_PRIORITY,
            )
        )
    return specs


def survey_nudges(rows: Iterable[q.SurveyRow], world: World) -> list[NudgeSpec]:
    """The opening message, reminders before the deadline, and non-responders to the lead."""
    specs: list[NudgeSpec] = []
    for row in rows:
        settings = world.settings(row.scheme_id)
        stale = timedelta(days=settings.stale_after_days)
        for person_id in row.waiting_ids:
            tz = world.tz(person_id)
            today = world.now.astimezone(tz).date()
            if today > row.closes_on:
                continue
            stages = [("open", local_moment(row.opens_on, settings.morning, tz))] + [
                (
                    f"{days}d",
                    local_moment(row.closes_on - timedelta(days=days), settings.morning, tz),
                )
                for days in settings.survey_days_before_close
                if row.closes_on - timedelta(days=days) > row.opens_on
            ]
            stage = _latest_stage(stages, world.now, stale, tz, settings)
            if stage is None:
                continue
            if stage[0] == "open":
                text = f"The {row.title} is open until {format_day(row.closes_on)}. It takes a few minutes."
            elif stage[0] == "0d":
                text = f"Today is the last day for the {row.title}."
            else:
                text = f"A reminder: the {row.title} closes on {format_day(row.closes_on)}."
            specs.append(
                NudgeSpec(
                    rule=f"survey_{stage[0]}",
                    subject=f"survey:{row.survey_id}>{person_id}",
                    period=row.closes_on.isoformat(),
                    scheme_id=row.scheme_id,
                    parts=(
                        Text(text),
                        Question("Answer it now?", (_go(IntentName.CHECKIN, "Start"),)),
                    ),
                    moment=stage[1],
                    recipient_id=person_id,
                )
            )
        tz = world.scheme_tz(row.scheme_id)
        moment = local_moment(row.closes_on + timedelta(days=1), settings.morning, tz)
        if row.waiting_ids and moment <= world.now <= moment + stale:
            names = ", ".join(sorted(world.name(p) for p in row.waiting_ids))
            specs.append(
                NudgeSpec(
                    rule="survey_unanswered_lead",
                    subject=f"survey:{row.survey_id}",
                    period=row.closes_on.isoformat(),
                    scheme_id=row.scheme_id,
                    parts=(
                        Text(
                            f"The {row.title} closed on {format_day(row.closes_on)}. "
                            f"{len(row.waiting_ids)} did not answer: {names}."
                        ),
                    ),
                    moment=moment,
                    channel=world.lead_channel(row.scheme_id),
                    priority=LEAD_PRIORITY,
                )
            )
    return specs


def event_reminders(rows: Iterable[q.EventRow], world: World) -> list[NudgeSpec]:
    """7 days and 1 day before each scheme event, to the cohort's mentees and mentors."""
    specs: list[NudgeSpec] = []
    for row in rows:
        settings = world.settings(row.scheme_id)
        for person_id in row.member_ids:
            tz = world.tz(person_id)
            event_day = row.starts_at.astimezone(tz).date()
            stages = [
                (f"{days}d", local_moment(event_day - timedelta(days=days), settings.morning, tz))
                for days in settings.event_days_before
            ]
            stage = _latest_stage(
                stages, world.now, timedelta(days=settings.stale_after_days), tz, settings
            )
            if stage is None or world.now >= row.starts_at:
                continue
            where = f" Where: {row.location}." if row.location else ""
            specs.append(
                NudgeSpec(
                    rule=f"event_{stage[0]}",
                    subject=f"event:{row.event_id}>{person_id}",
                    period=row.starts_at.date().isoformat(),
                    scheme_id=row.scheme_id,
                    parts=(
                        Text(
                            f"Coming up: {row.name}, {format_when(row.starts_at, tz, world.now)}."
                            f"{where} Everyone is asked to attend at least one scheme event."
                        ),
                    ),
                    moment=stage[1],
                    recipient_id=person_id,
                )
            )
    return specs


def silence_alerts(rows: Iterable[q.SilentRow], world: World) -> list[NudgeSpec]:
    """Tell the lead channel, once per silence, about someone silent for over 4 weeks."""
    specs: list[NudgeSpec] = []
    for row in rows:
        settings = world.settings(row.scheme_id)
        tz = world.scheme_tz(row.scheme_id)
        weeks = (world.now - row.silent_since).days // 7
        specs.append(
            NudgeSpec(
                rule="silence_lead",
                subject=f"person:{row.person_id}",
                period=row.silent_since.isoformat(),
                scheme_id=row.scheme_id,
                parts=(
                    Text(
                        f"{world.name(row.person_id)} hasn't replied to the bot or to "
                        f"{world.name(row.partner_id)} for {weeks} weeks (since "
                        f"{format_day(row.silent_since.astimezone(tz).date())}). The scheme asks "
                        "the project lead to check in after four weeks of silence."
                    ),
                ),
                moment=row.silent_since + timedelta(weeks=settings.silence_weeks),
                channel=world.lead_channel(row.scheme_id),
                priority=LEAD_PRIORITY,
            )
        )
    return specs


# SCHEME.md: the project lead reports to the steering group at 6, 9 and 12 months.
REPORT_MONTHS = (6, 9, 12)


def report_points(rows: Iterable[q.CohortRow], world: World) -> list[NudgeSpec]:
    """The lead channel, on the morning of each 6, 9 and 12-month point (the next working day
    when it falls on a weekend): the report is due, and how to post it."""
    specs: list[NudgeSpec] = []
    for row in rows:
        settings = world.settings(row.scheme_id)
        tz = world.scheme_tz(row.scheme_id)
        for months in REPORT_MONTHS:
            point = add_months(row.starts_on, months)
            moment = working_moment(local_moment(point, settings.morning, tz), tz, settings)
            if not (moment <= world.now <= moment + timedelta(days=settings.stale_after_days)):
                continue
            specs.append(
                NudgeSpec(
                    rule="report_due",
                    subject=f"cohort:{row.cohort_id}",
                    period=f"{point.isoformat()}:{months}m",
                    scheme_id=row.scheme_id,
                    parts=(
                        Text(
                            f"The {months}-month report for *{row.name}* is due "
                            f"({format_day(point)}): the project lead reports to the steering "
                            f"group at 6, 9 and 12 months. Say *{months} month report* to me and "
                            "I'll post it here, with its charts."
                        ),
                    ),
                    moment=moment,
                    channel=world.lead_channel(row.scheme_id),
                    priority=LEAD_PRIORITY,
                )
            )
    return specs


def escalations(rows: Iterable[q.ConcernRow], world: World) -> list[NudgeSpec]:
    """A concern nobody allowed acknowledged within 2 working days goes to the steering group
    chair (the moderator or the lead when the chair is its subject: see ``unacknowledged_concerns``)."""
    specs: list[NudgeSpec] = []
    for row in rows:
        for chair_id in row.chair_ids:
            tz = world.tz(chair_id)
            specs.append(
                NudgeSpec(
                    rule="concern_escalation",
                    subject=f"concern:{row.concern_id}>{chair_id}",
                    period=row.created_at.isoformat(),
                    scheme_id=row.scheme_id,
                    parts=(
                        Text(
                            f"A concern (C{row.concern_id}) raised on "
                            f"{format_when(row.created_at, tz, world.now)} "
                            f"({row.category.replace('_', ' ')}) hasn't been acknowledged in the "
                            "lead channel after two working days, so it comes to you. "
                            f"Please make sure someone picks it up today: *open C{row.concern_id}* "
                            "shows it to you here."
                        ),
                    ),
                    moment=world.now,
                    recipient_id=chair_id,
                    priority=LEAD_PRIORITY,
                )
            )
    return specs


# ------------------------------------------------------------------------------ the sweep


def widest(settings: Iterable[NudgeSettings]) -> NudgeSettings:
    """Windows wide enough for every scheme: the candidate queries use these."""
    base = NudgeSettings.from_scheme({})
    all_settings = [base, *settings]
    return replace(
        base,
        mentee_after_weeks=min(s.mentee_after_weeks for s in all_settings),
        meeting_reminder_days_before=max(s.meeting_reminder_days_before for s in all_settings),
        action_days_before=max(s.action_days_before for s in all_settings),
        contract_days_before=(max(max(s.contract_days_before) for s in all_settings),),
        event_days_before=(max(max(s.event_days_before) for s in all_settings),),
        silence_weeks=min(s.silence_weeks for s in all_settings),
        escalation_working_days=min(s.escalation_working_days for s in all_settings),
        stale_after_days=max(s.stale_after_days for s in all_settings),
    )


@dataclass(frozen=True)
class Candidates:
    """What each rule's query found due around ``now``: the selection a sweep starts from."""

    schemes: dict[int, tuple[str, str, dict[str, Any]]]
    pairs: list[q.PairRow]
    upcoming: list[q.MeetingRow]
    finished: list[q.MeetingRow]
    actions: list[q.ActionRow]
    contracts: list[q.ContractRow]
    surveys: list[q.SurveyRow]
    events: list[q.EventRow]
    silent: list[q.SilentRow]
    concerns: list[q.ConcernRow]
    cohorts: list[q.CohortRow]


def select_due(session: Session, now: datetime) -> Candidates:
    """Run every rule's candidate query (bounded, indexed: see storage.nudge_queries)."""
    schemes = q.active_scheme_settings(session)
    base = widest(NudgeSettings.from_scheme(settings) for _tz, _lead, settings in schemes.values())
    day = now.date()
    stale = timedelta(days=base.stale_after_days)
    pairs = q.pairs_not_met_since(session, now, now - timedelta(weeks=base.mentee_after_weeks))
    upcoming = q.meetings_between(
        session,
        now,
        now + timedelta(days=base.meeting_reminder_days_before + 4),  # a weekend in between
        ["confirmed"],
    )
    finished = q.meetings_without_minutes(session, now - stale - timedelta(days=2), now)
    actions = q.open_actions_due_between(
        session, day - stale - timedelta(days=2), day + timedelta(days=base.action_days_before + 1)
    )
    contracts = q.unsigned_contracts(
        session, day - stale, day + timedelta(days=max(base.contract_days_before) + 1)
    )
    surveys = q.surveys_open_between(
        session, day - stale - timedelta(days=1), day + timedelta(days=1)
    )
    events = q.events_between(session, now, now + timedelta(days=max(base.event_days_before) + 1))
    silence_weeks = {
        scheme_id: NudgeSettings.from_scheme(settings).silence_weeks
        for scheme_id, (_tz, _lead, settings) in schemes.items()
    }
    silent = [
        row
        for weeks in sorted(set(silence_weeks.values()))
        for row in q.silent_people(session, now - timedelta(weeks=weeks), stale)
        if silence_weeks[row.scheme_id] == weeks
    ]
    concerns = q.unacknowledged_concerns(
        session, now - timedelta(days=base.escalation_working_days), now
    )

    # A cohort whose 6, 9 or 12-month point is within the stale window of today.
    cohorts = q.cohorts_started_between(
        session,
        add_months(day - stale, -max(REPORT_MONTHS)) - timedelta(days=7),
        add_months(day, -min(REPORT_MONTHS)) + timedelta(days=3),
    )
    return Candidates(
        schemes,
        pairs,
        upcoming,
        finished,
        actions,
        contracts,
        surveys,
        events,
        silent,
        concerns,
        cohorts,
    )


def collect(session: Session, now: datetime) -> list[NudgeSpec]:
    """Every nudge due at ``now`` (already-sent ones included: the sweep skips those)."""
    found = select_due(session, now)
    schemes, pairs, upcoming, finished = found.schemes, found.pairs, found.upcoming, found.finished
    actions, contracts, surveys, events = (
        found.actions,
        found.contracts,
        found.surveys,
        found.events,
    )
    silent, concerns = found.silent, found.concerns

    ids: set[int] = set()
    for pair in pairs:
        ids |= {pair.mentee_id, pair.mentor_id}
    for meeting in upcoming + finished:
        ids |= {meeting.mentee_id, meeting.mentor_id}
    ids |= {a.owner_id for a in actions}
    for contract in contracts:
        ids |= {contract.mentee_id, contract.mentor_id}
    for survey in surveys:
        ids |= set(survey.waiting_ids)
    for event in events:
        ids |= set(event.member_ids)
    for quiet in silent:
        ids |= {quiet.person_id, quiet.partner_id}
    for concern in concerns:
        ids |= set(concern.chair_ids) | {concern.raised_by_id}
    world = World(now=now, people=q.people(session, ids), schemes=schemes)

    due_concerns = [
        c
        for c in concerns
        if working_days_before(
            now,
            world.settings(c.scheme_id).escalation_working_days,
            world.scheme_tz(c.scheme_id),
            world.settings(c.scheme_id),
        )
        >= c.created_at
    ]
    specs = (
        meeting_due(pairs, world)
        + meeting_reminders(
            upcoming, q.open_actions_of_pairs(session, [m.pairing_id for m in upcoming]), world
        )
        + minutes_prompts(finished, world)
        + action_reminders(actions, world)
        + contract_reminders(contracts, world)
        + survey_nudges(surveys, world)
        + event_reminders(events, world)
        + silence_alerts(silent, world)
        + escalations(due_concerns, world)
        + report_points(found.cohorts, world)
    )
    return [spec for spec in specs if spec.moment <= now and _not_paused(spec, world)]


def _not_paused(spec: NudgeSpec, world: World) -> bool:
    if spec.recipient_id is None:
        return True
    person = world.people.get(spec.recipient_id)
    return person is not None and pause_covering(person, world.now) is None


OPEN_ENDED = datetime(9999, 1, 1, tzinfo=UTC)


def pause_covering(person: Person, moment: datetime) -> datetime | None:
    """When the person's reminder pause that covers ``moment`` ends (``OPEN_ENDED`` for one
    without an end), or None (no pause then: none set, over already, or one that starts
    later)."""
    until, starts = person.paused_until, person.pause_starts_at
    if until is None and starts is None:
        return None
    if (until is not None and until <= moment) or (starts is not None and starts > moment):
        return None
    # No end: paused until they say they're back ("on leave, return date not known yet").
    return until if until is not None else OPEN_ENDED


def _spread(spec: NudgeSpec, minutes: int) -> timedelta:
    if minutes <= 0 or spec.priority < NUDGE_PRIORITY:
        return timedelta(0)
    digest = hashlib.sha256("|".join(spec.key).encode()).digest()
    return timedelta(seconds=int.from_bytes(digest[:4], "big") % (minutes * 60))


def sweep(
    db: Engine, clock: Clock, extra: Callable[[Session, datetime], list[NudgeSpec]] | None = None
) -> SweepStats:
    """Create every nudge that is due and not yet created, with its outbox message, at most once.
    ``extra``: more rules, from outside this module (the scheduler adds ``conversations.reach``'s
    welcome and unreachable alerts when the process can reach people)."""
    now = clock.now()
    stats = SweepStats()
    with transaction(db) as session:
        specs = collect(session, now)
        if extra is not None:
            specs += [spec for spec in extra(session, now) if spec.moment <= now]
        existing = q.existing_keys(session, [s.key for s in specs])
        fresh: dict[tuple[str, str, str], NudgeSpec] = {}
        for spec in specs:
            if spec.key in existing or spec.key in fresh:
                stats.skipped_existing += 1
            else:
                fresh[spec.key] = spec
        if not fresh:
            return stats
        people = q.people(session, [s.recipient_id for s in fresh.values() if s.recipient_id])
        schemes = q.active_scheme_settings(session)
        rows = [_new_nudge(spec, people, schemes, now) for spec in fresh.values()]
        made = q.insert_nudges(session, rows, now, decorate=_with_lead_actions)
        stats.skipped_existing += len(rows) - len(made)
        for nudge in made:
            stats.created += 1
            stats.by_rule[nudge.rule] = stats.by_rule.get(nudge.rule, 0) + 1
        q.mark_escalated(
            session,
            [
                int(n.subject.split(":")[1].split(">")[0])
                for n in made
                if n.rule == "concern_escalation"
            ],
            now,
        )
    return stats


def _new_nudge(
    spec: NudgeSpec,
    people: dict[int, Person],
    schemes: dict[int, tuple[str, str, dict[str, Any]]],
    now: datetime,
) -> q.NewNudge:
    settings = NudgeSettings.from_scheme(schemes[spec.scheme_id][2])
    if spec.recipient_id is not None:
        person = people[spec.recipient_id]
        zone = ZoneInfo(person.time_zone)
        paused = pause_covering(person, max(spec.moment, now))
    else:
        zone, paused = ZoneInfo(schemes[spec.scheme_id][0]), None
    send_at = working_moment(max(spec.moment, now), zone, settings, paused)
    return q.NewNudge(
        rule=spec.rule,
        subject=spec.subject,
        period=spec.period,
        scheme_id=spec.scheme_id,
        recipient_id=spec.recipient_id,
        channel=spec.channel,
        parts=[part_to_json(p) for p in spec.parts],
        preview=preview(list(spec.parts)),
        priority=spec.priority,
        send_at=send_at + _spread(spec, settings.spread_minutes),
    )


def _with_lead_actions(nudge_id: int, nudge: q.NewNudge) -> list[dict[str, Any]]:
    """An alert for the lead channel ends with its actions (acknowledge, contact, snooze)."""
    if nudge.channel is None:
        return nudge.parts
    return [*nudge.parts, part_to_json(lead_actions(f"N{nudge_id}"))]
