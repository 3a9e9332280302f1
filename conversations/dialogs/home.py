"""Answers that take one turn: help, menu, what's next, greetings, lists, and honest "coming soon"s."""

from __future__ import annotations

from datetime import timedelta

from conversations.dates import format_day, format_when
from conversations.dialogs.base import Context, Turn
from conversations.intents import INTENT_ACTION_PREFIX, Intent, IntentName
from conversations.messages import Choice, Incoming, Question, Text
from storage import queries
from storage.models import Person, Role

EVENTS_AHEAD_DAYS = 30


def _go(intent: IntentName) -> str:
    return INTENT_ACTION_PREFIX + intent.value


def help_answer(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    lines = [
        "Here's what I can do for you now:",
        "• *diary: ...* saves a private reflection straight away; *diary* walks you through one "
        "(What happened? So what? Now what?)",
        "• *my diary* shows your entries (only you can read them)",
        "• *what's next* lists what's due for you: meetings, actions, contract, check-ins, events",
        "• *my actions* and *my meetings* list your open actions and booked meetings",
        "",
        "Coming soon (I'm still learning these): booking meetings, logging minutes and actions, "
        "the mentoring contract, applying, mentor profiles, check-ins and raising concerns. "
        "Until then, your project lead can help.",
        "",
        "Type *menu* for buttons, *back* to change your last answer, or *cancel* to stop.",
    ]
    return Turn(replies=[Text("\n".join(lines))])


def menu_answer(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    choices = []
    if Role.MENTEE.value in ctx.roles:
        choices += [
            Choice("Write in my diary", _go(IntentName.DIARY_GUIDED)),
            Choice("Read my diary", _go(IntentName.MY_DIARY)),
        ]
    choices += [
        Choice("What's next", _go(IntentName.WHATS_NEXT)),
        Choice("My meetings", _go(IntentName.MY_MEETINGS)),
        Choice("My actions", _go(IntentName.MY_ACTIONS)),
        Choice("Help", _go(IntentName.HELP)),
    ]
    return Turn(replies=[Question("What would you like to do?", tuple(choices))])


def greeting_answer(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    hello = Text(f"Hello {ctx.first_name}! I'm mentorbot, here to help with your mentoring.")
    return Turn(replies=[hello, *menu_answer(ctx, msg, intent).replies])


def thanks_answer(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    return Turn(replies=[Text("You're welcome! Type *what's next* any time to see what's due.")])


def unknown_answer(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    if msg.action is not None:
        return Turn(
            replies=[
                Text(
                    "That button belongs to something we've already finished. Type *menu* to start again."
                )
            ]
        )
    if not msg.text.strip():
        return Turn(
            replies=[Text("I didn't get any words there. Type *help* to see what I can do.")]
        )
    return Turn(
        replies=[
            Text(
                "Sorry, I didn't understand that. Type *help* to see what I can do, "
                "or *menu* for buttons."
            )
        ]
    )


COMING_SOON = {
    IntentName.BOOK_MEETING: "Booking meetings in chat",
    IntentName.RESCHEDULE_MEETING: "Rescheduling meetings in chat",
    IntentName.CANCEL_MEETING: "Cancelling meetings in chat",
    IntentName.LOG_MINUTES: "Logging minutes and actions in chat",
    IntentName.MY_MINUTES: "Reading minutes in chat",
    IntentName.DONE_ACTION: "Ticking off actions in chat",
    IntentName.APPLY: "Applying in chat",
    IntentName.PREFERENCES: "Choosing mentor preferences in chat",
    IntentName.REGISTER_MENTOR: "Mentor profiles in chat",
    IntentName.MENTOR_CAPACITY: "Changing your mentoring capacity in chat",
    IntentName.CONTRACT: "Signing the mentoring contract in chat",
    IntentName.CHECKIN: "Check-ins and evaluations in chat",
}


def _lead(ctx: Context) -> Person | None:
    for enrolment in ctx.enrolments:
        for membership_person in queries.people_with_role(
            ctx.session, enrolment.cohort.id or 0, Role.LEAD.value
        ):
            return membership_person
    return None


def _lead_contact(ctx: Context) -> str:
    lead = _lead(ctx)
    if lead is None:
        return "your project lead"
    return f"your project lead, {lead.display_name} ({lead.email})"


_WITH_PARTNER = {
    IntentName.BOOK_MEETING,
    IntentName.RESCHEDULE_MEETING,
    IntentName.CANCEL_MEETING,
    IntentName.LOG_MINUTES,
    IntentName.CONTRACT,
}


def coming_soon_answer(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    what = COMING_SOON.get(intent.name, "That")
    pairings = queries.active_pairings(ctx.session, ctx.person_id)
    if intent.name in _WITH_PARTNER and pairings:
        partner = _name(ctx, queries.partner_of(pairings[0], ctx.person_id))
        return Turn(
            replies=[
                Text(
                    f"{what} is coming soon: I can't do it yet, sorry. For now, please arrange "
                    f"it with {partner} directly. Type *help* to see what I can do now."
                )
            ]
        )
    return Turn(
        replies=[
            Text(
                f"{what} is coming soon: I can't do it yet, sorry. "
                f"Until then, please get in touch with {_lead_contact(ctx)}. "
                "Type *help* to see what I can do now."
            )
        ]
    )


def concern_answer(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    return Turn(
        replies=[
            Text(
                "Raising a concern in chat is coming soon, so I can't pass this on yet. "
                f"Please contact {_lead_contact(ctx)} directly. If it's about patient safety, "
                "safeguarding or fitness to practise, please do so today and follow your "
                "organisation's usual reporting route too."
            )
        ]
    )


def _name(ctx: Context, person_id: int) -> str:
    person = ctx.session.get(Person, person_id)
    return person.display_name if person is not None else "your partner"


def my_meetings_answer(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    meetings = queries.upcoming_meetings(ctx.session, ctx.person_id, ctx.now)
    if not meetings:
        return Turn(
            replies=[Text("You have no meetings booked. Type *what's next* to see what's due.")]
        )
    lines = ["Your upcoming meetings:"]
    for meeting in meetings:
        lines.append(
            f"• {format_when(meeting.starts_at, ctx.tz, ctx.now)}, {meeting.duration_minutes} min, "
            f"{meeting.mode} ({meeting.status})"
        )
    return Turn(replies=[Text("\n".join(lines))])


def my_actions_answer(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    actions = queries.open_actions(ctx.session, ctx.person_id)
    if not actions:
        return Turn(replies=[Text("You have no open actions. Nice work!")])
    lines = ["Your open actions:"]
    for number, action in enumerate(actions, start=1):
        due = f", due {format_day(action.due)}" if action.due else ""
        owner = f" ({action.owner_name})" if action.owner_name else ""
        lines.append(f"{number}. {action.text}{owner}{due}")
    return Turn(replies=[Text("\n".join(lines))])


def whats_next_answer(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    """The person's due items, soonest first."""
    items: list[str] = []
    session, me, now = ctx.session, ctx.person_id, ctx.now
    deadlines = {e.cohort.id: e.cohort.contract_deadline for e in ctx.enrolments}
    for pairing, _contract in queries.unsigned_contracts(session, me):
        deadline = deadlines.get(pairing.cohort_id)
        by = f" by {format_day(deadline)}" if deadline else ""
        partner = _name(ctx, queries.partner_of(pairing, me))
        items.append(f"Sign your mentoring contract with {partner}{by}.")
    meetings = queries.upcoming_meetings(session, me, now)
    for meeting in meetings[:3]:
        items.append(
            f"Meeting {meeting.status}: {format_when(meeting.starts_at, ctx.tz, now)} "
            f"({meeting.duration_minutes} min, {meeting.mode})."
        )
    if not meetings:
        for pairing in queries.active_pairings(session, me):
            if pairing.mentee_id == me:
                partner = _name(ctx, pairing.mentor_id)
                items.append(f"Book your next meeting with {partner} (you arrange meetings).")
    for action in queries.open_actions(session, me)[:5]:
        due = f" (due {format_day(action.due)})" if action.due else ""
        items.append(f"Action: {action.text}{due}.")
    for survey in queries.open_surveys(session, me, ctx.today):
        items.append(f"Answer the {survey.title} by {format_day(survey.closes_on)}.")
    soon = now + timedelta(days=EVENTS_AHEAD_DAYS)
    for event in [e for e in queries.upcoming_events(session, me, now) if e.starts_at <= soon][:2]:
        items.append(f"Event: {event.name}, {format_when(event.starts_at, ctx.tz, now)}.")
    if not items:
        return Turn(
            replies=[Text("Nothing is due right now. I'll let you know when something comes up.")]
        )
    text = "Here's what's next for you:\n" + "\n".join(f"• {item}" for item in items)
    return Turn(replies=[Text(text)])
