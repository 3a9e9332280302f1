"""Applying to a cohort (mentee): the application form (``FIELDS``, SCHEME.md's questions).

:class:`ApplyDialog` ("apply") asks while the cohort's applications window is open (the closing
day, in the person's time zone, still counts). Each answer is written to a *draft*
``Application`` as it is given, so the draft outlives ``cancel`` or a pause: "apply" resumes at
the first unanswered question; "apply: I'm a CT manager at ..." fills in what it says. *Submit*
gives a per-cohort reference ("A-07"), a receipt, and a line to the lead channel (never the name
or the answers). One application per cohort; "my application" shows it. See ``apply.mmd``.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import replace
from datetime import date
from functools import partial
from typing import Any, ClassVar

from conversations.corrections import CHANGE_FIELD
from conversations.dates import format_day
from conversations.dialogs import kit
from conversations.dialogs.base import Context, Turn, say, to_lead_channel
from conversations.intents import IntentName, recognise
from conversations.language.applications import asks_to_see_application
from conversations.language.choices import mentioned_first
from conversations.language.work import read_travel, work_facts
from conversations.messages import Choice, Incoming, Part, Question, Text
from storage import application_queries as apps
from storage import queries
from storage.models import Application, ApplicationStatus, Cohort, Role, Scheme
from storage.queries import Enrolment

MAX_ANSWER = 3000
MAX_SHORT = 200
VIEW = "application:view"
STATEMENT = "supporting_statement"
TRAVEL = ("travel", "travel_number", "travel_unit")  # one answer, kept as three
LEADERSHIP = (
    ("team", "Leading a team"),
    ("service", "Delivering a service"),
    ("project", "Managing a high-level project"),
)
# For a yes the scheme requires: why "no" cannot be sent.
NEEDS_YES = {
    "professional_body": "Membership of your professional body is one of the scheme's "
    "eligibility criteria, so I can't send an application without it.",
    "commitment": "Every mentee commits to the full scheme, including the training and the "
    "launch event, so I can't send an application without it.",
    "head_of_service_support": "The scheme needs your head of service's support, with a short "
    "supporting statement from them, so I can't send an application without it.",
    "line_manager_told": "Please tell your line manager before you apply: it helps us avoid "
    "conflicts of interest when we match you with a mentor.",
}


def _shown(key: str, value: Any) -> str:
    if value is None or value == "":
        return "(still needed)" if key == STATEMENT else "(not answered yet)"
    if key == "travel" and isinstance(value, dict):
        return str(value["travel"])
    labels = dict(LEADERSHIP if key == "leadership" else kit.YES_NO if key in NEEDS_YES else ())
    return labels.get(value, str(value))


def _leadership(ctx: Context, msg: Incoming) -> kit.Read:
    """ "I lead a team of 12 radiographers in CT": the position, and the detail too."""
    kind = mentioned_first(msg.text, [value for value, _label in LEADERSHIP])
    if kind is None:
        return kit.Read(problem="Please pick the one that fits best.")
    detail = {"leadership_detail": msg.text.strip()} if len(msg.text.split()) >= 5 else {}
    return kit.Read(kind, also=detail)


def _travel(ctx: Context, msg: Incoming) -> kit.Read:
    travel = read_travel(msg.text)
    return kit.Read(problem=travel) if isinstance(travel, str) else kit.Read(travel)


def _text(key: str, label: str, question: str, *words: str, short: bool = False) -> kit.FormField:
    return kit.FormField(
        key, label, question, max_length=MAX_SHORT if short else MAX_ANSWER, words=words
    )


def _yes_no(key: str, label: str, question: str, *words: str) -> kit.FormField:
    return kit.FormField(
        key,
        label,
        question,
        guarded=False,
        choices=kit.YES_NO,
        problem="Please answer *yes* or *no*.",
        words=words,
    )


_QUESTIONS = (
    _text(
        "job_role",
        "Job role and grade",
        "What's your current job role and grade? (For example: 'Radiography service manager, "
        "Band 8a'.)",
        *("job role", "job title", "role", "job", "grade", "band"),
        short=True,
    ),
    _text(
        "workplace",
        "Place of work",
        "Where do you work? (Your hospital or organisation.)",
        *("workplace", "work place", "where i work", "hospital", "organisation"),
        short=True,
    ),
    _yes_no(
        "professional_body",
        "Member of your professional body",
        "Are you a member of your professional body (for example, the Society of Radiographers)?",
        *("professional body", "membership", "member"),
    ),
    kit.FormField(
        "leadership",
        "Leadership position",
        "Which best describes your leadership position?",
        guarded=False,
        reader=_leadership,
        choices=LEADERSHIP,
        problem="Please pick the one that fits best.",
        words=("leadership position", "leadership", "position"),
    ),
    _text(
        "leadership_detail",
        "About your leadership role",
        "Tell me a little about it: the team, service or project, and your part in it.",
        *("leadership detail", "about my leadership role", "leadership role", "detail", "details"),
    ),
    _text(
        "autonomy",
        "Autonomy",
        "How much autonomy do you have in your role? An example of a decision you make on your "
        "own helps.",
    ),
    _text(
        "responsibilities",
        "Responsibilities and accountabilities",
        "What are your responsibilities and accountabilities, including any budget you hold?",
        *("responsibilities", "accountabilities", "budget"),
    ),
    _yes_no(
        "commitment",
        "Commitment to the full scheme",
        "The scheme runs for twelve months. Can you commit to all of it, including the training "
        "and the launch event?",
        *("commitment", "commit"),
    ),
    _yes_no(
        "head_of_service_support",
        "Head of service supports it",
        "Does your head of service support your application?",
        *("head of service support", "head of service", "support"),
    ),
    kit.FormField(
        STATEMENT,
        "Head of service's statement",
        "Please paste your head of service's supporting statement (a few lines from them). "
        "If you don't have it yet, type *later*: I'll ask again before you submit.",
        max_length=MAX_ANSWER,
        words=("supporting statement", "statement"),
        later=kit.Later(
            "No problem: I'll ask for it again before you submit.",
            "Everything else is ready, but I can't send the application without your head of "
            "service's supporting statement. Please paste it here. (Or type *cancel*: your "
            "draft is kept, and *apply* brings you back here.)",
            "I can't send the application without the statement, I'm afraid.",
        ),
    ),
    kit.FormField(
        "travel",
        "Furthest you'd travel",
        "What's the furthest you'd travel to meet your mentor? For example '20 miles', "
        "'30 km', 'an hour', or 'online only'.",
        guarded=False,
        reader=_travel,
        max_length=MAX_SHORT,
        words=("travel distance", "maximum travel", "distance", "travel"),
    ),
    _text(
        "why",
        "Why you want to take part",
        "Why do you want to take part in the mentoring scheme?",
        *("why", "reason", "reasons"),
    ),
    _text(
        "professional_interests",
        "Professional interests",
        "What are your professional interests?",
    ),
    _text(
        "personal_interests",
        "Personal interests",
        "And your personal interests and hobbies? (They help us find a mentor you'll get on with.)",
        "hobbies",
    ),
    _yes_no(
        "line_manager_told",
        "Line manager told",
        "Last one: have you told your line manager that you're applying? (It helps us avoid "
        "conflicts of interest when we match you with a mentor.)",
        "line manager",
    ),
)
# Every answer is shown by ``_shown`` ("(not answered yet)", "Yes", "Leading a team").
FIELDS = tuple(replace(field, show=partial(_shown, field.name)) for field in _QUESTIONS)
BY_KEY = {field.name: field for field in FIELDS}


def as_answers(values: dict[str, Any]) -> dict[str, Any]:
    """The form's values as ``Application.answers`` (the travel answer as its three keys)."""
    answers = {k: v for k, v in values.items() if k != "travel"}
    return answers | (values["travel"] if isinstance(values.get("travel"), dict) else {})


def as_values(answers: dict[str, Any]) -> dict[str, Any]:
    values = {k: v for k, v in answers.items() if k not in TRAVEL}
    return values | ({"travel": {k: answers[k] for k in TRAVEL}} if "travel" in answers else {})


def summary(answers: dict[str, Any]) -> str:
    values = as_values(answers)
    return "\n".join(f"*{f.label}:* {f.shown(values.get(f.name))}" for f in FIELDS)


def prefill(text: str) -> dict[str, Any]:
    """The form's values a one-shot "apply: I'm a ... at ..." message already gives."""
    facts = work_facts(text, MAX_SHORT)
    given = {"job_role": facts.role, "workplace": facts.place, "travel": facts.travel}
    given["professional_body"] = "yes" if facts.member else ""
    return {k: v for k, v in given.items() if v}


# -- the cohort, its window and its people ---------------------------------------------------


def lead_contact(ctx: Context, cohort_id: int | None) -> str:
    """ "your project lead, Morgan Ellis (lead@example.org)" for the cohort, or a plain fallback."""
    ids = [cohort_id] if cohort_id is not None else []
    ids += [e.cohort.id for e in ctx.enrolments if e.cohort.id is not None]
    for cid in ids:
        for lead in queries.people_with_role(ctx.session, cid, Role.LEAD.value):
            return f"your project lead, {lead.display_name} ({lead.email})"
    return "your project lead"


def _closing(cohort: Cohort, today: date, wording: str) -> str:
    """``wording`` with the cohort's closing day in it ("" when it has none)."""
    close = cohort.applications_close
    return wording.format(format_day(close, today)) if close is not None else ""


def window_problem(cohort: Cohort, today: date, ctx: Context) -> str | None:
    """Why applications to ``cohort`` can't be made ``today`` (the person's own date), if so."""
    if cohort.applications_open is not None and today < cohort.applications_open:
        return (
            f"Applications for *{cohort.name}* open on "
            f"{format_day(cohort.applications_open, today)}"
            + _closing(cohort, today, " and close on {}")
            + ". Type *apply* then and I'll take you through it."
        )
    if cohort.applications_close is not None and today > cohort.applications_close:
        return (
            f"Applications for *{cohort.name}* closed on "
            f"{format_day(cohort.applications_close, today)}, so I can't take an application "
            f"now. If you think that's a mistake, or you'd like to join a later round, please "
            f"contact {lead_contact(ctx, cohort.id)}."
        )
    return None


def mentee_enrolments(ctx: Context) -> list[Enrolment]:
    return [e for e in ctx.enrolments if e.role == Role.MENTEE.value]


def not_a_mentee(ctx: Context, what: str) -> Turn | None:
    if mentee_enrolments(ctx):
        return None
    if Role.MENTOR.value in ctx.roles:
        extra = " As a mentor, you can set up or update your profile: type *my mentor profile*."
    else:
        extra = f" The scheme's project lead decides who takes part: please contact {lead_contact(ctx, None)}."
    return say(f"{what} is for mentees, and you're not taking part as one.{extra}")


def _target(ctx: Context) -> Enrolment:
    """The cohort to apply to: the newest whose window is open, else the newest."""
    enrolled = mentee_enrolments(ctx)
    open_now = (e for e in enrolled if window_problem(e.cohort, ctx.today, ctx) is None)
    return next(open_now, enrolled[0])


def show_application(ctx: Context) -> Turn:
    """The person's newest application, whatever its status (only their own)."""
    rows = apps.applications_of(ctx.session, ctx.person_id)
    rows = [(a, c) for a, c in rows if a.answers or a.status != ApplicationStatus.DRAFT.value]
    if not rows:
        return say("You haven't started an application yet. Type *apply* to begin.")
    application, cohort = rows[0]
    if application.status == ApplicationStatus.DRAFT.value:
        head = f"Your draft application to *{cohort.name}* (not sent yet; only you can see it):"
        tail = "Type *apply* to carry on where you left off."
    else:
        head = (
            f"Your application to *{cohort.name}*, reference *{application.reference}*, sent "
            f"{_sent_on(ctx, application)} (status: {application.status}):"
        )
        tail = (
            f"If you need to change something now, please contact {lead_contact(ctx, cohort.id)}."
        )
    return Turn(
        replies=[Text(head + "\n" + summary(application.answers), private=True), Text(tail)]
    )


def _sent_on(ctx: Context, application: Application) -> str:
    assert application.submitted_at is not None
    return format_day(ctx.local(application.submitted_at).date(), ctx.today)


KEPT = " Your draft answers are still kept."


class ApplyState(kit.FormState):
    application_id: int


class ApplyDialog(kit.Form[ApplyState]):
    """The application form, one question at a time, with a kept draft and a review."""

    name: ClassVar[str] = "apply"
    title: ClassVar[str] = "Your application"
    schema_version: ClassVar[int] = 2
    State = ApplyState
    fields = FIELDS
    confirm_question = "Shall I send it? (You can also type, say, *change my workplace to ...*.)"
    which_question = "Which answer would you like to change?"
    save_label = "Submit"
    guard_where = "your application"
    current_label = "At the moment"
    check_on_answer = True
    SAVE = "dialog:apply:submit"
    CHANGE = "dialog:apply:change"
    PART = "dialog:apply:which"

    def cancel_note(self, ctx: Context, state: dict[str, Any]) -> str:
        """Every answer is already in the draft, so cancelling keeps it."""
        return "your answers so far are kept as a draft; type *apply* to carry on."

    # -- start -------------------------------------------------------------------------------

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        if (refusal := not_a_mentee(ctx, "Applying")) is not None:
            return refusal
        if msg.action == VIEW or asks_to_see_application(msg.text):
            return show_application(ctx)
        cohort = _target(ctx).cohort
        assert cohort.id is not None
        application = apps.application_for(ctx.session, ctx.person_id, cohort.id)
        if application is not None and application.status != ApplicationStatus.DRAFT.value:
            applied = Text(
                f"You've already applied to *{cohort.name}*: reference "
                f"*{application.reference}*, sent {_sent_on(ctx, application)}. There's one "
                "application per person for each cohort."
            )
            see = Question("Would you like to see it?", (Choice("Show my application", VIEW),))
            return Turn(replies=[applied, see])
        if (problem := window_problem(cohort, ctx.today, ctx)) is not None:
            kept = KEPT if application is not None and application.answers else ""
            return say(problem + kept)
        matched = apps.active_mentor_of(ctx.session, ctx.person_id, cohort.id)
        if matched is not None and application is None:
            return say(
                f"You're already paired with {ctx.name_of(matched)} in *{cohort.name}*, "
                "so there's no need to apply. Type *what's next* to see what's due."
            )
        if application is None:
            application = Application(
                cohort_id=cohort.id, person_id=ctx.person_id, answers={}, created_at=ctx.now
            )
            ctx.session.add(application)
            ctx.session.flush()
        assert application.id is not None
        values = as_values(application.answers)
        given = prefill(msg.text)
        state = ApplyState(
            step=FIELDS[0].name, application_id=application.id, values={**values, **given}
        )
        close = _closing(cohort, ctx.today, " Applications close on {}.")
        if values:
            done = len([f for f in FIELDS if values.get(f.name) not in (None, "")])
            hello = (
                f"Welcome back, {ctx.first_name}. You've answered {done} of {len(FIELDS)} "
                f"questions for *{cohort.name}*, and I've kept them. Let's carry on.{close}"
            )
        else:
            hello = (
                f"Let's apply to *{cohort.name}*. I'll ask {len(FIELDS)} short questions, one "
                "at a time. I keep your answers as a draft as we go: you can stop any time "
                "and type *apply* later to carry on. Nothing is sent until you've checked it "
                f"and said *submit*.{close}"
            )
        replies: list[Part] = [Text(hello)]
        if given:
            facts = [
                f"{f.label.lower()} ({f.shown(given[f.name])})" for f in FIELDS if f.name in given
            ]
            noted = facts[0] if len(facts) == 1 else ", ".join(facts[:-1]) + " and " + facts[-1]
            replies.append(Text(f"I've noted your {noted}. You can change anything at the end."))
        turn = self._next(ctx, state)
        return Turn(replies=[*replies, *turn.replies], state=turn.state)

    # -- each turn: the draft kept as it grows -------------------------------------------------

    def step(self, ctx: Context, raw: dict[str, Any], msg: Incoming) -> Turn:
        state = self.load(raw)
        application = self._draft(ctx, state)
        if application is None:
            return say(
                "This application has already been sent or is no longer open. "
                "Type *my application* to see it."
            )
        cohort = ctx.session.get(Cohort, application.cohort_id)
        if cohort is not None and (problem := window_problem(cohort, ctx.today, ctx)):
            return say(problem + KEPT)
        if msg.action is None and len(msg.text.split()) <= 4:
            if asks_to_see_application(msg.text):  # "my application" mid-way: a look at it
                draft = "Your draft application (not sent yet; only you can see it):\n"
                shown = Text(draft + summary(application.answers), private=True)
                again = "Let's carry on where we were:"
                return Turn([shown, Text(again), *self.prompt(ctx, raw)], raw, advanced=False)
            if recognise(msg.text).name is IntentName.APPLY and len(msg.text.split()) <= 2:
                # "apply" again mid-way (after a pause, say) is not an answer.
                where = "We're in the middle of your application. Here's where we were:"
                return kit.reask(where, self.prompt(ctx, raw), raw)
        return super().step(ctx, raw, msg)

    def confirm_reply(self, ctx: Context, state: ApplyState, msg: Incoming) -> Turn | None:
        """ "change my shoe size to 9" names no answer: which one, then?"""
        named = CHANGE_FIELD.match(msg.text) if msg.action is None else None
        if not named or not named["value"] or self._field_named(msg.text):
            return None
        if self._names().find(named["field"]) is not None:
            return None
        state.step = kit.WHICH
        unsure = Text("I'm not sure which answer you mean.")
        return Turn(replies=[unsure, self._which_part()], state=state.to_state())

    def _draft(self, ctx: Context, state: ApplyState) -> Application | None:
        application = ctx.session.get(Application, state.application_id)
        if (
            application is None
            or application.person_id != ctx.person_id
            or application.status != ApplicationStatus.DRAFT.value
        ):
            return None
        return application

    def _keep(self, ctx: Context, state: ApplyState) -> Application | None:
        """Write the answers so far to the draft (None: no draft to write to)."""
        application = self._draft(ctx, state)
        if application is not None:
            application.answers = as_answers(state.values)
            ctx.session.add(application)
        return application

    def _next(self, ctx: Context, state: ApplyState) -> Turn:
        self._keep(ctx, state)
        return super()._next(ctx, state)

    def _take(
        self,
        ctx: Context,
        state: ApplyState,
        field: kit.FormField,
        value: Any,
        *,
        guarded: bool = False,
    ) -> Turn:
        if value == "no" and field.name in NEEDS_YES:
            state.values.pop(field.name, None)
            draft = self._keep(ctx, state)
            return say(
                f"{NEEDS_YES[field.name]} I've kept your draft with your other answers: "
                "if things change, type *apply* and we'll carry on from this question. If "
                "you'd like to talk it through, contact "
                f"{lead_contact(ctx, draft.cohort_id if draft is not None else None)}."
            )
        return super()._take(ctx, state, field, value, guarded=guarded)

    # -- the review and submitting -----------------------------------------------------------

    def summary(self, ctx: Context, state: ApplyState) -> list[Part]:
        return [
            Text("Here's your application:\n" + summary(as_answers(state.values)), private=True)
        ]

    def save(self, ctx: Context, state: ApplyState) -> Turn:
        application = self._draft(ctx, state)
        cohort = ctx.session.get(Cohort, application.cohort_id) if application else None
        assert application is not None
        assert cohort is not None
        assert cohort.id is not None
        if (problem := window_problem(cohort, ctx.today, ctx)) is not None:
            return say(problem + KEPT)
        reference = apps.submit(ctx.session, application, cohort.id, ctx.now)
        scheme = ctx.session.get(Scheme, cohort.scheme_id)
        assert scheme is not None
        # No name: the steering group reads this channel and reviews anonymously.
        count = apps.submitted_count(ctx.session, cohort.id)
        told = Text(f"New application {reference} received for {cohort.name} ({count} so far).")
        when = ""
        decision: Any = cohort.settings.get("decisions_by")  # an ISO date, if the scheme has one
        with suppress(TypeError, ValueError):
            by = format_day(date.fromisoformat(decision), ctx.today)
            when = f" You'll hear the decision by {by}."
        after_close = _closing(cohort, ctx.today, " on {}")
        receipt = Text(
            f"Thank you, {ctx.first_name}: your application to *{cohort.name}* has been sent. "
            f"Your reference is *{reference}*.\n"
            f"What happens next: once applications close{after_close}, the steering group "
            "reviews them anonymised (without names) against the scheme's criteria."
            f"{when} If you're selected, I'll ask you to choose your top three mentors from "
            "their bios. Type *my application* any time to see what you sent."
        )
        return Turn(replies=[receipt], outgoing=[to_lead_channel(scheme, told)])
