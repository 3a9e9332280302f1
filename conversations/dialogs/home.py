"""Answers that take one turn: help and the menu (by role), what's next, greetings."""

from __future__ import annotations

from datetime import timedelta

from conversations.dates import format_day
from conversations.dialogs.base import Context, Turn, say
from conversations.dialogs.suggest import LABELS, nothing_to_read
from conversations.intents import INTENT_ACTION_PREFIX, Intent, IntentName, names_journey
from conversations.language.normalise import normalise
from conversations.messages import Choice, Incoming, Question, Text
from storage import (
    application_queries,
    contract_queries,
    minutes_queries,
    partner_queries,
    queries,
    survey_queries,
)
from storage import selection_queries as sel
from storage.access import STEERING_ROLES
from storage.models import ApplicationStatus, Event, ReviewStage, Role

EVENTS_AHEAD_DAYS = 30


_EVERYONE = [
    "• *what's next* lists what's due for you; *pause reminders until 5 Jan* gives you a break",
    "• *raise a concern*: only the project lead, the steering group and the moderator will see it",
]
_MENTEE = [
    "• *book a meeting next Tuesday 3pm for an hour by video*; *my meetings*, *reschedule*, "
    "*cancel the meeting on Tuesday*",
    "• after a meeting: *met Tom today; actions: ...* or *log minutes*; then *my actions*, "
    "*done 2*, *our minutes*",
    "• *diary: ...* saves a private note; *diary* walks you through a reflection; *my diary*",
    "• *sign the contract*, *check-in* when a survey is open, *apply*, *choose my mentor*",
    "• *Dr Jones is my appraiser* (or line manager, supervisor): you won't be matched with them",
]
_MENTOR = [
    "• *my meetings* to answer your mentee's proposals; *reschedule* or *cancel the meeting*",
    "• *our minutes*, *my actions*, *done 2*",
    "• *sign the contract*, *check-in* when a survey is open",
    "• *my mentor profile*, *I'm at full capacity*, *taking mentees again*",
    "• *conflict of interest with Sam Lee* (you appraise or manage them): you won't be matched",
]
_LEAD = [
    "• alerts in the lead channel: *open C7* reads a concern here, in your own chat; *ack C7*, "
    "*contact C7* or *snooze C7* (or use their buttons); *resolve C7* once it is dealt with",
    "• *failed messages* lists anything the bot could not deliver",
    "• *propose matches* pairs the selected mentees from their top 3; then *swap A-03 and A-05*, "
    "*move A-03 to <mentor>*, and *approve* with a reason",
    "• *conflict A-07 mentor2@example.org line management* records a conflict of interest",
    "• *scheme health*, *6 month report* (or 9, 12), *annual report*; add *as xlsx* or *as csv* "
    "for the tables, *post it to the lead channel* to share it",
    "• *change made: ...* records a change made after feedback, for the annual report",
]

_SELECTION = [
    "• *review applications* shows the applications waiting for you, anonymised, one at a "
    "time; or in one message: *review A-07 accept: clear evidence of budget responsibility*",
]
_SELECTION_PROGRESS = [
    "• *selection status* shows where each application stands (references only)",
]


_LEADING = set(STEERING_ROLES)
_STEERING = _LEADING - {Role.LEAD.value}
# Who sees which lines of help, and which buttons of the menu (by their intents).
_HELP: tuple[tuple[set[str], list[str]], ...] = (
    ({Role.MENTEE.value}, _MENTEE),
    ({Role.MENTOR.value}, _MENTOR),
    (_LEADING, _LEAD),
    (_STEERING, _SELECTION),
    (_LEADING, _SELECTION_PROGRESS),
)
_MENU: tuple[tuple[set[str], tuple[IntentName, ...]], ...] = (
    (
        {Role.MENTEE.value},
        (
            IntentName.BOOK_MEETING,
            IntentName.LOG_MINUTES,
            IntentName.DIARY_GUIDED,
            IntentName.MY_DIARY,
        ),
    ),
    (
        {Role.MENTOR.value},
        (IntentName.MY_MEETINGS, IntentName.MY_MINUTES, IntentName.REGISTER_MENTOR),
    ),
    ({Role.MENTEE.value, Role.MENTOR.value}, (IntentName.MY_ACTIONS, IntentName.CONCERN)),
    (_STEERING, (IntentName.REVIEW_APPLICATIONS,)),
    (_LEADING, (IntentName.SELECTION_STATUS,)),
    (set(), (IntentName.WHATS_NEXT, IntentName.HELP)),
)


def help_answer(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    lines = ["Here's what I can do for you:"]
    lines += [line for roles, said in _HELP if ctx.roles & roles for line in said]
    lines += _EVERYONE
    lines += [
        "",
        "Type *menu* for buttons, *back* to change your last answer, or *cancel* to stop.",
    ]
    return say("\n".join(lines))


def menu_answer(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    # A mentee whose cohort takes applications they haven't sent sees Apply first.
    applying = (IntentName.APPLY,) if _to_apply(ctx) else ()
    choices = tuple(
        Choice(LABELS[intent], INTENT_ACTION_PREFIX + intent.value)
        for intent in (
            *applying,
            *(i for roles, intents in _MENU if not roles or ctx.roles & roles for i in intents),
        )
    )
    return Turn(replies=[Question("What would you like to do?", choices)])


def greeting_answer(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    hello = Text(f"Hello {ctx.first_name}! I'm mentorbot, here to help with your mentoring.")
    return Turn(replies=[hello, *menu_answer(ctx, msg, intent).replies])


def thanks_answer(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    return say("You're welcome! Type *what's next* any time to see what's due.")


def unknown_answer(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    if (nothing := nothing_to_read(msg)) is not None:
        return nothing
    return say(
        "Sorry, I didn't understand that. Type *help* to see what I can do, or *menu* for buttons."
    )


def whats_next_answer(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    """The person's due items, soonest first."""
    session, me, now = ctx.session, ctx.person_id, ctx.now
    items = _to_apply(ctx)
    items += [f"Sign your mentoring contract with {partner}{by}." for partner, by in _to_sign(ctx)]
    meetings = queries.upcoming_meetings(session, me, now)
    items += [
        f"Meeting {m.status}: {ctx.when(m.starts_at)} ({m.duration_minutes} min, {m.mode})."
        for m in meetings[:3]
    ]
    if not meetings:
        items += [
            f"Book your next meeting with {ctx.name_of(p.mentor_id)} (you arrange meetings)."
            for p in queries.active_pairings(session, me)
            if p.mentee_id == me
        ]
    for action in minutes_queries.open_actions(session, me)[:5]:
        due = f" (due {format_day(action.due)})" if action.due else ""
        items.append(f"Action: {action.text}{due}.")
    items += [
        f"Answer the {survey.title} by {format_day(survey.closes_on)}."
        for survey in queries.open_surveys(session, me, ctx.today)
    ]
    items += _survey_coming(ctx)
    soon = now + timedelta(days=EVENTS_AHEAD_DAYS)
    events = [e for e in queries.upcoming_events(session, me, now) if e.starts_at <= soon]
    items += [f"Event: {e.name}, {ctx.when(e.starts_at)}." for e in events[:2]]
    decisions = _decisions(ctx)
    items += decisions
    if not items:
        return say("Nothing is due right now. I'll let you know when something comes up.")
    text = "Here's what's next for you:\n" + "\n".join(f"• {item}" for item in items)
    if decisions:
        text += "\nWould you like to decide now? Say *review applications*."
    return Turn(replies=[Text(text, private=bool(decisions))])


def _to_apply(ctx: Context) -> list[str]:
    """Each cohort the person is a mentee of whose applications window is open today (the
    person's date) and to which they have sent nothing yet, nor been paired: what to do, by
    when. A rolling intake (no closing day) is not pressed on anyone."""
    lines = []
    for enrolment in ctx.enrolments:
        cohort = enrolment.cohort
        opens, closes = cohort.applications_open, cohort.applications_close
        if (
            enrolment.role != Role.MENTEE.value
            or cohort.id is None
            or closes is None
            or ctx.today > closes
            or (opens is not None and ctx.today < opens)
            or application_queries.active_mentor_of(ctx.session, ctx.person_id, cohort.id)
        ):
            continue
        draft = application_queries.application_for(ctx.session, ctx.person_id, cohort.id)
        by = format_day(closes, ctx.today)
        if draft is None or not draft.answers:
            lines.append(f"Apply to *{cohort.name}* by {by}: type *apply* to start.")
        elif draft.status == ApplicationStatus.DRAFT.value:
            lines.append(
                f"Finish your application to *{cohort.name}* by {by}: your draft is kept; "
                "type *apply* to carry on."
            )
    return lines


def _survey_coming(ctx: Context) -> list[str]:
    """The person's next check-in or evaluation, when one is coming up."""
    survey = survey_queries.next_survey_for(ctx.session, ctx.person_id, ctx.today)
    if survey is None:
        return []
    return [
        f"The {survey.title} opens {format_day(survey.opens_on)} and closes "
        f"{format_day(survey.closes_on)}: type *check-in* then."
    ]


def _event_line(ctx: Context, event: Event) -> str:
    when = ctx.when(event.starts_at)
    ends = partner_queries.event_ends_at(ctx.session, event)
    if ends is not None:
        when += f"-{ctx.local(ends):%H:%M}"
    where = f" ({event.location})" if event.location else ""
    return f"{event.name}: {when}{where}."


def _to_sign(ctx: Context) -> list[tuple[str, str]]:
    """The contracts the person has still to sign: their partner, and " by <deadline>"."""
    signing = []
    for pairing, _contract in queries.unsigned_contracts(ctx.session, ctx.person_id):
        deadline = contract_queries.deadline_of(ctx.session, pairing)
        partner = ctx.name_of(queries.partner_of(pairing, ctx.person_id))
        signing.append((partner, f" by {format_day(deadline)}" if deadline else ""))
    return signing


def when_is_answer(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    """When something the scheme set happens: the contract deadline, a check-in, an event."""
    text = normalise(msg.text)
    if names_journey(text, IntentName.CONTRACT):
        lines = [
            f"Your mentoring contract with {partner} needs signing{by}. You both sign it, and a "
            "copy goes to the project team. Type *sign the contract* to start."
            for partner, by in _to_sign(ctx)
        ]
        none = "You have no contract waiting to be signed."
    elif names_journey(text, IntentName.CHECKIN):
        lines = [
            f"The {survey.title} is open now, until {format_day(survey.closes_on)}: type "
            "*check-in* to answer it."
            for survey in survey_queries.surveys_open_to(ctx.session, ctx.person_id, ctx.today)
        ]
        lines += _survey_coming(ctx)
        none = "There's no check-in or evaluation coming up for you."
    else:
        events = queries.upcoming_events(ctx.session, ctx.person_id, ctx.now)
        words = set(text.split())
        named = [e for e in events if words & set(e.name.lower().split())]
        lines = [_event_line(ctx, event) for event in named or events[:3]]
        none = "There are no scheme events coming up for you."
    return say("\n".join(lines or [none]))


def _decisions(ctx: Context) -> list[str]:
    """Applications waiting for this person's decision as chair or moderator, by reference
    only, with the reviews so far (never the applicant's name)."""
    waiting = []
    for task in sel.tasks(ctx.session, ctx.person_id, ctx.today).tasks:
        if task.stage not in (ReviewStage.CHAIR, ReviewStage.MODERATOR):
            continue
        reviews = "; ".join(
            f"{said.reviewer}: {_VERDICT.get(said.verdict, said.verdict)} (“{said.reason}”)"
            for said in sel.verdicts(ctx.session, ctx.person_id, task.application_id)
        )
        waiting.append(
            f"{task.reference} waits for your decision ({task.stage.value}): select or do "
            f"not select, with a reason. Reviews: {reviews or 'none yet'}."
        )
    return waiting


_VERDICT = {"accept": "select", "reject": "do not select", "unsure": "unsure"}
