"""Pausing and resuming reminders: "pause reminders until 5 Jan", "I'm on leave until 3 Feb",
"pause my reminders til after easter", "im away 23rd-27th march, no reminders that wk",
"resume reminders". Nudges wait until the pause ends (``Person.paused_until``); a pause that
starts later keeps its start (``Person.pause_starts_at``). Messages from people (a meeting
proposal, say) still arrive. Deadlines that fall inside the pause are pointed out, since no
reminder will come for them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import ClassVar

from conversations.dates import Ask, format_day
from conversations.dialogs import kit
from conversations.dialogs.base import Context, Outgoing, Registry, Turn, say, to_lead_channel
from conversations.intents import Intent, IntentName
from conversations.language.away import leave_dates, read_pause
from conversations.messages import Incoming, Part, Text
from storage import contract_queries, queries, survey_queries
from storage.models import Role, Scheme

MAX_PAUSE_DAYS = 366


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
    read = read_pause(msg.text, ctx.now, ctx.tz)
    if read is None:
        return say(
            "Until when should I pause your reminders? Say, for example, "
            "*pause reminders until 5 Jan* or *away 23-27 March*."
        )
    if isinstance(read, Ask):
        return say(read.question)
    starts = read.starts if read.starts is not None and read.starts > ctx.today else None
    until = read.resumes
    if until <= ctx.today:
        return say(f"{format_day(until)} isn't in the future. Until when?")
    if until > ctx.today + timedelta(days=MAX_PAUSE_DAYS):
        return say("I can pause reminders for up to a year. Please pick an earlier date.")
    # Reminders stop at the start of the first day away and start again on the morning given.
    ctx.person.paused_until = _morning(ctx, until)
    ctx.person.pause_starts_at = _morning(ctx, starts) if starts else None
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
    return say(" ".join(lines))


def resume(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    until, starts = ctx.person.paused_until, ctx.person.pause_starts_at
    if (until is None and starts is None) or (until is not None and until <= ctx.now):
        return say("Your reminders are already on. Type *what's next* to see what's due.")
    ctx.person.paused_until = None
    ctx.person.pause_starts_at = None
    ctx.session.add(ctx.person)
    if starts is not None and starts > ctx.now:
        return say(
            f"OK: I've cancelled the pause that was to start "
            f"{format_day(ctx.local(starts).date(), ctx.today)}. Your reminders stay on."
        )
    return say("Welcome back! Your reminders are on again. Type *what's next* to see what's due.")


# -- "fyi im going on mat leave from 1st may, back next spring" --------------------------------


class LeaveState(kit.FormState):
    starts: date | None = None  # the first day away, when it is still ahead
    back: date | None = None  # the day back, only when it was said


class LeaveDialog(kit.Form[LeaveState]):
    """Time away (leave, a career break): offer to tell the partner and the project lead and to
    pause reminders from the first day away, until a return date said, or open-ended (never an
    invented one). Nobody is told what kind of leave it is."""

    name: ClassVar[str] = "leave"
    title: ClassVar[str] = "Your time away"
    schema_version: ClassVar[int] = 2
    State = LeaveState
    fields: ClassVar[tuple[kit.FormField, ...]] = ()
    save_label = "Yes, please"
    change_label = "No, thanks"
    SAVE = "dialog:leave:yes"
    CHANGE = "dialog:leave:no"

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        starts, back = leave_dates(msg.text, ctx.now, ctx.tz)
        state = LeaveState(step=kit.CONFIRM, starts=starts, back=back)
        intro = Text(f"Thanks for letting me know, {ctx.first_name}.")
        return Turn(replies=[intro, *self._confirmation(ctx, state)], state=state.to_state())

    def summary(self, ctx: Context, state: LeaveState) -> list[Part]:
        return []

    def question(self, ctx: Context, state: LeaveState) -> str:
        when, until = self._when(ctx, state)
        return (
            f"Shall I let {self._who(ctx)} know you'll be away {when}, and pause your reminders "
            f"{when} {until}?"
        )

    @staticmethod
    def _when(ctx: Context, state: LeaveState) -> tuple[str, str]:
        when = f"from {format_day(state.starts, ctx.today)}" if state.starts else "from now"
        until = (
            f"until {format_day(state.back, ctx.today)}"
            if state.back
            else "until you tell me you're back (no return date needed now)"
        )
        return when, until

    @staticmethod
    def _who(ctx: Context) -> str:
        """The person's partners and the project lead: who is told."""
        partners = [
            ctx.name_of(queries.partner_of(p, ctx.person_id))
            for p in queries.active_pairings(ctx.session, ctx.person_id)
        ]
        return " and ".join([*partners, "the project lead"])

    def declined(self, ctx: Context, state: LeaveState) -> Turn:
        return say(
            "OK: I haven't told anyone or changed your reminders. Say *pause "
            "reminders until <date>* whenever you want a break from them."
        )

    def save(self, ctx: Context, state: LeaveState) -> Turn:
        back = state.back
        ctx.person.pause_starts_at = _morning(ctx, state.starts) if state.starts else ctx.now
        ctx.person.paused_until = _morning(ctx, back) if back else None
        ctx.session.add(ctx.person)
        when, until = self._when(ctx, state)
        returning = f"back {format_day(back, ctx.today)}" if back else "return date not known yet"
        news = f"{ctx.person.display_name} has let me know they'll be away {when} ({returning})."
        outgoing = [
            Outgoing(parts=(Text(news),), recipient_id=queries.partner_of(p, ctx.person_id))
            for p in queries.active_pairings(ctx.session, ctx.person_id)
        ]
        enrolment = ctx.enrolment(Role.MENTEE.value, Role.MENTOR.value)
        scheme = ctx.session.get(Scheme, enrolment.cohort.scheme_id) if enrolment else None
        if scheme is not None and scheme.lead_channel:
            outgoing.append(
                to_lead_channel(scheme, Text(f"{news} Their reminders are paused {when}."))
            )
        return say(
            f"Done: I've let {self._who(ctx)} know, and paused your reminders {when} "
            f"{until.split(' (')[0]}. Type *resume reminders* when you're back. "
            "Take care.",
            outgoing=outgoing,
        )


def _morning(ctx: Context, day: date) -> datetime:
    """The start of ``day`` in the person's time zone."""
    return datetime.combine(day, datetime.min.time(), tzinfo=ctx.tz)


def register(registry: Registry) -> None:
    registry.answers[IntentName.PAUSE_REMINDERS] = pause
    registry.answers[IntentName.RESUME_REMINDERS] = resume
    registry.add_dialog(LeaveDialog(), IntentName.LEAVE)
