"""Pausing and resuming reminders: "pause reminders until 5 Jan", "I'm on leave until 3 Feb",
"pause my reminders til after easter", "im away 23rd-27th march, no reminders that wk",
"resume reminders". Nudges wait until the pause ends (``Person.paused_until``); a pause that
starts later keeps its start (``Person.pause_starts_at``). Messages from people (a meeting
proposal, say) still arrive. Deadlines that fall inside the pause are pointed out, since no
reminder will come for them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from conversations.dates import Ask, find_date, format_day
from conversations.dialogs.base import Context, Outgoing, Registry, Turn
from conversations.intents import Intent, IntentName
from conversations.language.choices import answer
from conversations.language.normalise import normalise
from conversations.messages import Choice, Incoming, Part, Question, Text
from storage import contract_queries, queries, survey_queries
from storage.models import Role, Scheme

MAX_PAUSE_DAYS = 366

# "23rd-27th march", "23 to 27 March": a first day whose month comes with the last.
_FIRST_DAY = re.compile(
    r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s*(?:-|–|to|until|til|till|through|thru)\s*$", re.I
)
# Between two dates of a range: "23 March - 27 March", "from 2 Mar to 6 Mar".
_BETWEEN = re.compile(r"^\s*(?:-|–|to|until|til|till|through|thru|and)\s*$", re.I)
# "until after Easter", "til after the 3rd": back the working day after it.
_AFTER = re.compile(r"\b(?:after|once)\s+(?:the\s+)?$", re.I)
_HOLIDAY = re.compile(r"\b(?P<name>easter|christmas|xmas|new year)\b", re.I)


@dataclass(frozen=True)
class Pause:
    starts: date | None  # None: from now
    resumes: date  # reminders start again that morning


def _easter(year: int) -> date:
    """Easter Sunday (the Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _holiday(name: str, today: date) -> tuple[date, date]:
    """The first and last day of a named break, the next one to end on or after ``today``."""
    for year in (today.year, today.year + 1):
        if name == "easter":
            sunday = _easter(year)
            first, last = sunday - timedelta(days=2), sunday + timedelta(days=1)
        elif name in ("christmas", "xmas"):
            first, last = date(year, 12, 25), date(year, 12, 26)
        else:
            first = last = date(year + 1, 1, 1)
        if last >= today:
            break
    return first, last


def _next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _day_before(last: date, number: int) -> date | None:
    """Day ``number`` of ``last``'s month, or of the month before ("28th-3rd April")."""
    month_start = last.replace(day=1)
    for first_of in (month_start, (month_start - timedelta(days=1)).replace(day=1)):
        try:
            start = first_of.replace(day=number)
        except ValueError:
            continue
        if start <= last:
            return start
    return None


def _read_pause(text: str, ctx: Context) -> Pause | Ask | None:
    said = normalise(text)
    holiday = _HOLIDAY.search(said)
    if holiday is not None:
        first, last = _holiday(holiday["name"].lower(), ctx.today)
        if _AFTER.search(said[: holiday.start()]):
            return Pause(None, _next_working_day(last))
        return Pause(None, first)
    found = find_date(said, ctx.now, ctx.tz)
    if found is None:
        return None
    if isinstance(found.value, Ask):
        return found.value
    day = found.value
    before = said[: found.start]
    if (leading := _FIRST_DAY.search(before)) is not None:
        start = _day_before(day, int(leading["day"]))
        if start is not None:
            return Pause(start, _next_working_day(day))
    after = said[found.end :]
    second = find_date(after, ctx.now, ctx.tz)
    if (
        second is not None
        and isinstance(second.value, date)
        and second.value >= day
        and _BETWEEN.match(after[: second.start])
    ):
        return Pause(day, _next_working_day(second.value))
    if _AFTER.search(before):
        return Pause(None, _next_working_day(day))
    return Pause(None, day)


def _inside(ctx: Context, first: date, resumes: date) -> list[str]:
    """What falls due while reminders are paused (so no reminder will come for it)."""
    session, me = ctx.session, ctx.person_id
    found: list[str] = []
    for pairing, _contract in queries.unsigned_contracts(session, me):
        deadline = contract_queries.deadline_of(session, pairing)
        if deadline is not None and first <= deadline < resumes:
            found.append(f"your mentoring contract is due {format_day(deadline)}")
    surveys = [
        *survey_queries.surveys_open_to(session, me, ctx.today),
        *([s] if (s := survey_queries.next_survey_for(session, me, ctx.today)) else []),
    ]
    for survey in surveys:
        if survey.opens_on < resumes and survey.closes_on >= first:
            found.append(
                f"the {survey.title} is open {format_day(survey.opens_on)} - "
                f"{format_day(survey.closes_on)}"
            )
    return found


def pause(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    read = _read_pause(msg.text, ctx)
    if read is None:
        return Turn(
            replies=[
                Text(
                    "Until when should I pause your reminders? Say, for example, "
                    "*pause reminders until 5 Jan* or *away 23-27 March*."
                )
            ]
        )
    if isinstance(read, Ask):
        return Turn(replies=[Text(read.question)])
    starts = read.starts if read.starts is not None and read.starts > ctx.today else None
    until = read.resumes
    if until <= ctx.today:
        return Turn(replies=[Text(f"{format_day(until)} isn't in the future. Until when?")])
    if until > ctx.today + timedelta(days=MAX_PAUSE_DAYS):
        return Turn(
            replies=[Text("I can pause reminders for up to a year. Please pick an earlier date.")]
        )
    # Reminders stop at the start of the first day away and start again on the morning given.
    ctx.person.paused_until = datetime.combine(until, datetime.min.time(), tzinfo=ctx.tz)
    ctx.person.pause_starts_at = (
        datetime.combine(starts, datetime.min.time(), tzinfo=ctx.tz) if starts else None
    )
    ctx.session.add(ctx.person)
    if starts is not None:
        done = (
            f"Done: no reminders from me from {format_day(starts, ctx.today)} until "
            f"{format_day(until, ctx.today)}, when they start again."
        )
    else:
        done = f"Done: no reminders from me until {format_day(until, ctx.today)}."
    lines = [
        done,
        "Messages from your partner and the project team still reach you. Type *resume "
        "reminders* to switch them back on sooner.",
    ]
    due = _inside(ctx, starts or ctx.today, until)
    if due:
        lines.append(
            "While they're paused, " + "; ".join(due) + ": I won't remind you about those."
        )
    lines.append(
        "If you'll be away for a while, please let your partner and the project lead know."
    )
    return Turn(replies=[Text(" ".join(lines))])


def resume(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    until, starts = ctx.person.paused_until, ctx.person.pause_starts_at
    if (until is None and starts is None) or (until is not None and until <= ctx.now):
        return Turn(
            replies=[Text("Your reminders are already on. Type *what's next* to see what's due.")]
        )
    ctx.person.paused_until = None
    ctx.person.pause_starts_at = None
    ctx.session.add(ctx.person)
    if starts is not None and starts > ctx.now:
        return Turn(
            replies=[
                Text(
                    f"OK: I've cancelled the pause that was to start "
                    f"{format_day(ctx.local(starts).date(), ctx.today)}. Your reminders stay on."
                )
            ]
        )
    return Turn(
        replies=[
            Text("Welcome back! Your reminders are on again. Type *what's next* to see what's due.")
        ]
    )


# -- "fyi im going on mat leave from 1st may, back next spring" --------------------------------

LEAVE_YES = "dialog:leave:yes"
LEAVE_NO = "dialog:leave:no"
LEAVE_CHOICES = (Choice("Yes, please", LEAVE_YES), Choice("No, thanks", LEAVE_NO))
_BACK = re.compile(r"\b(?:back|return(?:ing)?|returning to work)\b", re.I)


class LeaveDialog:
    """Time away (leave, a career break): offer to tell the partner and the project lead and to
    pause reminders from the first day away, until a return date said, or open-ended (never an
    invented one). Nobody is told what kind of leave it is."""

    name: ClassVar[str] = "leave"
    title: ClassVar[str] = "Your time away"
    schema_version: ClassVar[int] = 1

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        said = normalise(msg.text)
        back_at = _BACK.search(said)
        before, after = (said[: back_at.start()], said[back_at.end() :]) if back_at else (said, "")
        found = find_date(before, ctx.now, ctx.tz)
        starts = found.value if found is not None and isinstance(found.value, date) else None
        if starts is not None and starts <= ctx.today:
            starts = None
        returned = find_date(after, ctx.now, ctx.tz) if after else None
        back = returned.value if returned is not None and isinstance(returned.value, date) else None
        if back is not None and back <= (starts or ctx.today):
            back = None
        state = {
            "starts": starts.isoformat() if starts else None,
            "back": back.isoformat() if back else None,
        }
        intro = Text(f"Thanks for letting me know, {ctx.first_name}.")
        return Turn(replies=[intro, *self.prompt(ctx, state)], state=state)

    def prompt(self, ctx: Context, state: dict[str, Any]) -> list[Part]:
        when, until = self._when(ctx, state)
        partners = self._partners(ctx)
        who = " and ".join([*partners, "the project lead"]) if partners else "the project lead"
        return [
            Question(
                f"Shall I let {who} know you'll be away {when}, and pause your reminders "
                f"{when} {until}?",
                LEAVE_CHOICES,
            )
        ]

    @staticmethod
    def _when(ctx: Context, state: dict[str, Any]) -> tuple[str, str]:
        starts, back = state.get("starts"), state.get("back")
        when = f"from {format_day(date.fromisoformat(starts), ctx.today)}" if starts else "from now"
        until = (
            f"until {format_day(date.fromisoformat(back), ctx.today)}"
            if back
            else "until you tell me you're back (no return date needed now)"
        )
        return when, until

    @staticmethod
    def _partners(ctx: Context) -> list[str]:
        return [
            ctx.name_of(queries.partner_of(p, ctx.person_id))
            for p in queries.active_pairings(ctx.session, ctx.person_id)
        ]

    def step(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        picked = msg.action or answer(msg.text, LEAVE_CHOICES, yes=LEAVE_YES, no=LEAVE_NO)
        if picked == LEAVE_NO:
            return Turn(
                replies=[
                    Text(
                        "OK: I haven't told anyone or changed your reminders. Say *pause "
                        "reminders until <date>* whenever you want a break from them."
                    )
                ]
            )
        if picked != LEAVE_YES:
            return Turn(
                replies=[Text("Please answer *yes* or *no*."), *self.prompt(ctx, state)],
                state=state,
                advanced=False,
            )
        starts, back = state.get("starts"), state.get("back")
        first = date.fromisoformat(starts) if starts else None
        ctx.person.pause_starts_at = (
            datetime.combine(first, datetime.min.time(), tzinfo=ctx.tz) if first else ctx.now
        )
        ctx.person.paused_until = (
            datetime.combine(date.fromisoformat(back), datetime.min.time(), tzinfo=ctx.tz)
            if back
            else None
        )
        ctx.session.add(ctx.person)
        when, until = self._when(ctx, state)
        returning = (
            f"back {format_day(date.fromisoformat(back), ctx.today)}"
            if back
            else "return date not known yet"
        )
        news = f"{ctx.person.display_name} has let me know they'll be away {when} ({returning})."
        outgoing = [
            Outgoing(parts=(Text(news),), recipient_id=queries.partner_of(p, ctx.person_id))
            for p in queries.active_pairings(ctx.session, ctx.person_id)
        ]
        enrolment = ctx.enrolment(Role.MENTEE.value, Role.MENTOR.value)
        scheme = ctx.session.get(Scheme, enrolment.cohort.scheme_id) if enrolment else None
        if scheme is not None and scheme.lead_channel:
            outgoing.append(
                Outgoing(
                    parts=(Text(f"{news} Their reminders are paused {when}."),),
                    channel=scheme.lead_channel,
                    scheme_id=scheme.id,
                )
            )
        told = " and ".join([*self._partners(ctx), "the project lead"])
        return Turn(
            replies=[
                Text(
                    f"Done: I've let {told} know, and paused your reminders {when} "
                    f"{until.split(' (')[0]}. Type *resume reminders* when you're back. "
                    "Take care."
                )
            ],
            outgoing=outgoing,
        )


def register(registry: Registry) -> None:
    registry.answers[IntentName.PAUSE_REMINDERS] = pause
    registry.answers[IntentName.RESUME_REMINDERS] = resume
    registry.add_dialog(LeaveDialog(), IntentName.LEAVE)
