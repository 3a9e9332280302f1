"""Check-ins and evaluations: the scheme's surveys, answered in chat one question at a time.

- "check-in" lists the surveys open today (or starts the only one). Each is a kit form
  (``SurveyForm``) whose fields are its questions: a scale ("4", "four", "4/5", "pretty well,
  4"), a choice, or free text (guarded and safety-checked as it is given). "I'll finish it
  later" keeps the answers so far; "check-in: 4; once; no" answers in one message.
- Then: a follow-up from the project team? (a ``follow_up`` question asks it: any real answer
  is a request), the answers numbered, corrections ("change 2 to Once"), the send.
- One response per person per survey: answering again before it closes replaces the earlier
  one (and says so); after it closes nothing can be changed.
- A follow-up request reaches the lead channel as a reference (``F<id>``), never the person or
  the answers. Answers about a mentor never reach that mentor
  (``storage.survey_queries.responses_visible_to`` is the scoped read). States: ``checkins.mmd``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any, ClassVar

from pydantic import Field

from conversations import markup
from conversations.corrections import CHANGE_FIELD
from conversations.dates import format_day
from conversations.dialogs import kit, safety_check
from conversations.dialogs.base import Context, Outgoing, Registry, Turn, say, to_lead_channel
from conversations.dialogs.lead import lead_actions
from conversations.intents import IntentName, recognise
from conversations.language import Meaning, brief, is_empty, meaning
from conversations.language.choices import pick
from conversations.language.later import puts_off
from conversations.language.numbers import one_number
from conversations.language.surveys import answers_again, answers_given
from conversations.messages import Choice, Incoming, Part, Question, Text
from storage import survey_queries
from storage.models import Survey, SurveyQuestion, SurveyResponse

MAX_ANSWER = 2000
FOLLOW_UP_KEY = "follow_up"
WANTS_FOLLOW_UP = "wants_follow_up"  # asked when the survey has no follow_up question of its own

PICK = "dialog:checkin:pick"
ANSWER = "dialog:checkin:answer"
FOLLOW_UP_QUESTION = "Would you like a follow-up from the project team?"
PICK_STEP = "pick"
SAFETY = safety_check.Wording(
    keep="Keep it in my check-in answers only",
    also_ask="Would you also like to keep it as your check-in answer? The project team reads "
    "the answers.",
    also_keep="Yes, keep it as my answer",
)


class CheckinState(kit.FormState):
    """A survey's answers so far (``values``, by question key), or the surveys to pick from."""

    survey_id: int | None = None
    # Answers typed in the opening message, kept while a survey is picked.
    given: list[str] = Field(default_factory=list)
    put_off: bool = False  # put off: the next message may be a return, or another request


def _read(question: SurveyQuestion, ctx: Context, msg: Incoming) -> kit.Read:
    """A question's reading of an answer (a pressed button carries its value)."""
    text = str(msg.values.get("value", "")) if msg.action == ANSWER else msg.text.strip()
    if brief(text) is Meaning.SKIP or (not question.required and is_empty(text, question.text)):
        if question.required:
            return kit.Read(problem="This one needs an answer, please: even a short one helps.")
        return kit.Read("")
    if question.kind == "scale":
        # A point on the scale from "4", "four", "4/5", "4 out of 5", or the one number in a
        # longer answer ("pretty well, 4", "3 tbh, hard to get time w him").
        value = one_number(text)
        if value is not None and str(value) in question.choices:
            return kit.Read(value)
        scale = f"{question.choices[0]} to {question.choices[-1]}" if question.choices else ""
        return kit.Read(problem=f"Please answer with a number from {scale}.")
    if question.kind == "choice":
        # By number, label, a word or the start of it, or a typo.
        found = pick(text, [Choice(label, label) for label in question.choices])
        why = None if found else "Please pick one of the options (or its number)."
        return kit.Read(found.label if found else None, why)
    return kit.Read(text)


def _field(question: SurveyQuestion, number: int, total: int) -> kit.FormField:
    head = f"Question {number} of {total}: {question.text}"
    if not question.required:
        head += " (optional: type *skip* to leave it out)"
    buttons = tuple(Choice(c, ANSWER, c) for c in question.choices)
    asked: list[Part] = [Question(head, buttons) if question.kind != "text" else Text(head)]
    return kit.FormField(
        question.key,
        question.text,
        head,
        optional=not question.required,
        guarded=question.kind == "text",
        reader=partial(_read, question),
        max_length=MAX_ANSWER,
        words=(
            *(f"{w}{number}" for w in ("", "question ", "answer ", "number ", "q", "#")),
            *{question.key.replace("_", " "), question.key.replace("_", "-")},
        ),
        asker=lambda ctx: asked,
    )


class SurveyForm(kit.Form[CheckinState]):
    """One survey as a kit form: its questions, the follow-up wish, a confirmation, a send."""

    name: ClassVar[str] = "checkin"
    title: ClassVar[str] = "Your check-in"
    schema_version: ClassVar[int] = 2
    State = CheckinState
    confirm_question = "Shall I send them? To correct one, type e.g. *change 2*."
    save_label = "Send"
    change_label = "Change an answer"
    which_question = "Which question would you like to change?"
    guard_where = "your check-in answers"
    current_label = "Your answer"
    check_on_answer = True
    still_needed = "This question needs an answer for the check-in: a short one is fine."
    wording = SAFETY
    SAVE = "dialog:checkin:submit"
    CHANGE = "dialog:checkin:change"
    PART = "dialog:checkin:part"

    def __init__(self, survey: Survey, questions: list[SurveyQuestion]) -> None:
        self.survey, self.questions = survey, questions
        total = len(questions)
        asked = [_field(q, n, total) for n, q in enumerate(questions, start=1)]
        if FOLLOW_UP_KEY not in {q.key for q in questions}:
            asked.append(
                kit.FormField(
                    WANTS_FOLLOW_UP,
                    "Follow-up from the project team",
                    FOLLOW_UP_QUESTION,
                    guarded=False,
                    choices=(("yes", "Yes please"), ("no", "No thanks")),
                    problem="Please answer *yes* or *no*.",
                    words=(f"{total + 1}", "follow-up", "follow up"),
                )
            )
        self._fields = tuple(asked)

    @property
    def fields(self) -> Sequence[kit.FormField]:  # type: ignore[override]
        return self._fields

    def wants_follow_up(self, state: CheckinState) -> bool:
        if WANTS_FOLLOW_UP in state.values:
            return state.values[WANTS_FOLLOW_UP] in ("yes", True)  # True: an older state
        # The survey's own follow_up question: any real answer there is a request.
        given = state.values.get(FOLLOW_UP_KEY)
        said = brief(str(given)) if given else Meaning.NONE
        return said not in (Meaning.NO, Meaning.NONE, Meaning.SKIP, Meaning.LATER)

    def begin_with(self, ctx: Context, given: list[str]) -> Turn:
        """The survey's first question, after the answers the opening message gave."""
        survey, previous = self.survey, self._previous(ctx)
        intro = [
            f"*{survey.title}*: {len(self.questions)} question"
            f"{'s' * (len(self.questions) != 1)}, open until {format_day(survey.closes_on)}. "
            "Type *skip* to leave out an optional one and *back* to change your last answer."
        ]
        if survey.about_mentor:
            intro.append(
                "Your answers go to the project team; your mentor won't see what you write."
            )
        if previous is not None:
            intro.append(
                f"You answered this on {format_day(ctx.local(previous.submitted_at).date())}. "
                "If you answer again, your new answers will replace those."
            )
        said: list[Part] = [Text(" ".join(intro))]
        state = CheckinState(step=self.fields[0].name, survey_id=survey.id)
        for text in given:
            field = self._missing(state)
            assert field is not None
            reading = field.read(ctx, Incoming(person_id=ctx.person_id, text=text))
            if reading.value is None:  # not an acceptable answer: ask this question properly
                problem = [Text(reading.problem or ""), *field.ask(ctx)]
                return Turn(replies=[*said, *problem], state=state.to_state(), advanced=False)
            turn = self._take(ctx, state, field, reading.value)
            state = self.load(turn.state or {})
            if state.step not in {q.key for q in self.questions}:
                return Turn([*said, *turn.replies], turn.state, turn.outgoing)
        if given:
            said.append(Text("Thanks, I've noted those. Next:"))
        return Turn(replies=[*said, *self.prompt(ctx, state.to_state())], state=state.to_state())

    def _previous(self, ctx: Context) -> SurveyResponse | None:
        assert self.survey.id is not None
        return survey_queries.own_response(ctx.session, ctx.person_id, self.survey.id)

    def step(self, ctx: Context, raw: dict[str, Any], msg: Incoming) -> Turn:
        state = self.load(raw)
        put_off, state.put_off = state.put_off, False
        asked = next((q for q in self.questions if q.key == state.step), None)
        skips = brief(msg.text) is Meaning.SKIP or (
            asked is not None and not asked.required and is_empty(msg.text, asked.text)
        )
        if put_off and msg.action is None and msg.text.strip() and not skips:
            name = recognise(msg.text).name
            if name is IntentName.CHECKIN or meaning(msg.text) is Meaning.YES:
                again = [Text("Welcome back."), *self.prompt(ctx, state.to_state())]
                return Turn(replies=again, state=state.to_state())
            if name is not IntentName.UNKNOWN or meaning(msg.text) is not None:
                # Thanks, a greeting or another request: the check-in waits (the engine starts
                # a request it knows, keeping the answers aside).
                kept = "Your check-in is kept for later: type *check-in* to carry on."
                return say(kept, state=raw, advanced=False)
        if asked is not None and msg.action is None and puts_off(msg.text):
            reading = self.field(asked.key).read(ctx, msg)
            if asked.kind == "text" or reading.value is None:
                return self._later(state)
        return super().step(ctx, state.to_state(), msg)

    def _later(self, state: CheckinState) -> Turn:
        """Put off: the answers so far are kept (nothing is sent) until the person is back."""
        done = len([v for k, v in state.values.items() if v not in (None, "")])
        kept = f"your {done} answer{'s' * (done != 1)} so far" if done else "your place"
        number = next(n for n, f in enumerate(self.fields, start=1) if f.name == state.step)
        state.put_off = True
        return say(
            f"No problem: I've kept {kept}, and nothing has been sent. Type *check-in* "
            f"when you're ready and I'll carry on from question {number}.",
            state=state.to_state(),
        )

    def _on_confirm(self, ctx: Context, state: CheckinState, msg: Incoming) -> Turn:
        # "change 2", "change 2 to Once": a question by its number, with or without its answer.
        if (changed := self._named_change(ctx, state, msg)) is not None:
            return changed
        named = CHANGE_FIELD.match(msg.text) if msg.action is None else None
        if named is not None and any(c.isdigit() for c in named.group("field")):
            total = len(self.questions)
            why = f"There are {total} questions: please pick 1 to {total}."
            return kit.reask(why, self._confirmation(ctx, state)[-1:], state.to_state())
        return super()._on_confirm(ctx, state, msg)

    def summary(self, ctx: Context, state: CheckinState) -> list[Part]:
        lines = [f"Your answers to the {self.survey.title}:"]
        for number, question in enumerate(self.questions, start=1):
            given = state.values.get(question.key)
            shown = markup.literal(str(given)) if given else "(skipped)"
            lines.append(f"{number}. {question.text}\n   → {shown}")
        lines.append(
            f"Follow-up from the project team: {'yes' if self.wants_follow_up(state) else 'no'}"
        )
        return [Text("\n".join(lines), private=True)]

    def save(self, ctx: Context, state: CheckinState) -> Turn:
        survey = self.survey
        assert survey.id is not None
        answers = {q.key: state.values.get(q.key) or None for q in self.questions}
        wanted = self.wants_follow_up(state)
        response = self._previous(ctx)
        asked_before = response is not None and response.follow_up_requested
        if response is None:
            replies = [f"Thank you, {ctx.first_name}: your answers to the {survey.title} are in."]
            response = SurveyResponse(
                survey_id=survey.id, person_id=ctx.person_id, answers={}, submitted_at=ctx.now
            )
        else:
            when = format_day(ctx.local(response.submitted_at).date())
            replies = [f"Sent: these replace the answers you gave on {when}."]
        response.answers, response.follow_up_requested = answers, wanted
        response.submitted_at = ctx.now
        ctx.session.add(response)
        ctx.session.flush()  # its id is the follow-up's reference
        outgoing: list[Outgoing] = []
        if wanted:
            replies.append("The project team will be in touch to follow up.")
            if not asked_before:
                outgoing.append(_follow_up_note(ctx, survey, response))
        if survey.about_mentor:
            replies.append("Your mentor won't see your answers.")
        replies.append(
            f"You can change them until {format_day(survey.closes_on)} by typing "
            "*change my check-in*."
        )
        return say(" ".join(replies), outgoing=outgoing)


def _follow_up_note(ctx: Context, survey: Survey, response: SurveyResponse) -> Outgoing:
    """The lead channel's alert: a reference, never who asked (feedback about a mentor, say,
    must not tell a mentor in the channel that their mentee wants a follow-up). Those who may
    read the answers press *Open* to see who, in their own chat."""
    cohort, scheme = survey_queries.cohort_and_scheme(ctx.session, survey)
    ref = f"F{response.id}"
    said = (
        f"Follow-up requested ({ref}): someone in {cohort.name} asked for a follow-up from the "
        f"project team in the {survey.title}. Press *Open* (or type *open {ref}*) to see who, in "
        "your own chat."
    )
    return to_lead_channel(scheme, Text(said), lead_actions(ref), kind="follow_up")


class CheckinDialog:
    """Pick a survey open today, then answer it as a ``SurveyForm``."""

    name: ClassVar[str] = SurveyForm.name
    title: ClassVar[str] = SurveyForm.title
    schema_version: ClassVar[int] = SurveyForm.schema_version
    # Answers put aside by another request are kept, and "check-in" picks them up again.
    keeps_aside: ClassVar[bool] = True

    @staticmethod
    def resumes(msg: Incoming) -> bool:
        """Whether the message picks up answers put aside (not one that brings its own)."""
        return msg.action is None and not answers_given(msg.text)

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        if not ctx.roles & {"mentee", "mentor"}:
            return say(
                "Check-ins and evaluations are answered by mentees and mentors, so there's "
                "none for you to fill in. Type *help* to see what I can do for you."
            )
        surveys = survey_queries.surveys_open_to(ctx.session, ctx.person_id, ctx.today)
        given = answers_given(msg.text) if msg.action is None else []
        if not surveys:
            return Turn(replies=[_none_open(ctx)])
        again = msg.action is not None or bool(given) or answers_again(msg.text)
        if not again and (done := _already_done(ctx, surveys)) is not None:
            return Turn(replies=[done])
        if len(surveys) > 1:
            choices = tuple(Choice(s.title, PICK, str(s.id)) for s in surveys)
            asked = Question("Which would you like to answer?", choices)
            return Turn(replies=[asked], state=CheckinState(step=PICK_STEP, given=given).to_state())
        return self._begin(ctx, surveys[0], given)

    def _begin(self, ctx: Context, survey: Survey, given: list[str]) -> Turn:
        assert survey.id is not None
        questions = survey_queries.questions_of(ctx.session, survey.id)
        if not questions:
            return say(f"The {survey.title} has no questions yet, sorry.")
        return SurveyForm(survey, questions).begin_with(ctx, given)

    def _form(self, ctx: Context, state: CheckinState) -> SurveyForm | None:
        """The survey being answered, while it is still open to the person."""
        assert state.survey_id is not None
        survey = survey_queries.survey_open_to(
            ctx.session, ctx.person_id, state.survey_id, ctx.today
        )
        if survey is None:
            return None
        return SurveyForm(survey, survey_queries.questions_of(ctx.session, state.survey_id))

    def prompt(self, ctx: Context, raw: dict[str, Any]) -> list[Part]:
        state = CheckinState.model_validate(raw)
        form = self._form(ctx, state) if state.step != PICK_STEP else None
        if form is None:
            return [Text("Please pick a check-in from the list, or type *cancel*.")]
        return form.prompt(ctx, raw)

    def step(self, ctx: Context, raw: dict[str, Any], msg: Incoming) -> Turn:
        state = CheckinState.model_validate(raw)
        if state.step == PICK_STEP:
            return self._on_pick(ctx, state, msg)
        form = self._form(ctx, state)
        if form is None:
            return _closed(ctx, state)
        return form.step(ctx, raw, msg)

    def _on_pick(self, ctx: Context, state: CheckinState, msg: Incoming) -> Turn:
        surveys = survey_queries.surveys_open_to(ctx.session, ctx.person_id, ctx.today)
        chosen = kit.chosen(msg, [Choice(s.title, PICK, str(s.id)) for s in surveys])
        survey = next((s for s in surveys if chosen and str(s.id) == chosen.value), None)
        if survey is None:
            why = "Please pick one from the list, or type *cancel*."
            return say(why, state=state.to_state(), advanced=False)
        return self._begin(ctx, survey, state.given)


def _closed(ctx: Context, state: CheckinState) -> Turn:
    survey = ctx.session.get(Survey, state.survey_id)
    title = survey.title if survey is not None else "check-in"
    when = f" on {format_day(survey.closes_on)}" if survey is not None else ""
    return say(
        f"Sorry, the {title} closed{when}, so I can't take answers for it any more. "
        "Nothing was saved. If something needs attention, type *raise a concern*."
    )


def _already_done(ctx: Context, surveys: list[Survey]) -> Text | None:
    """ "You already did it" when every open survey has the person's answers."""
    sent = []
    for survey in surveys:
        assert survey.id is not None
        previous = survey_queries.own_response(ctx.session, ctx.person_id, survey.id)
        if previous is None:
            return None
        sent.append((survey, previous))
    lines = [
        f"You already completed the {survey.title} on "
        f"{format_day(ctx.local(previous.submitted_at).date())}: thank you."
        for survey, previous in sent
    ]
    last = max(survey.closes_on for survey, _ in sent)
    lines.append(f"To change your answers before {format_day(last)}, type *change my check-in*.")
    return Text(" ".join(lines))


def _none_open(ctx: Context) -> Text:
    closed = survey_queries.last_closed_survey_for(ctx.session, ctx.person_id, ctx.today)
    upcoming = survey_queries.next_survey_for(ctx.session, ctx.person_id, ctx.today)
    lines = ["There's no check-in or evaluation open for you right now."]
    if closed is not None:
        lines.append(
            f"The {closed.title} closed on {format_day(closed.closes_on)}, so it can't be "
            "answered or changed any more."
        )
    if upcoming is not None:
        lines.append(
            f"The next one, the {upcoming.title}, opens on {format_day(upcoming.opens_on)} "
            f"and closes on {format_day(upcoming.closes_on)}."
        )
    return Text(" ".join(lines))


def register(registry: Registry) -> None:
    """Wire this journey's intents, dialogs and button routes into ``registry``."""
    registry.add_dialog(CheckinDialog(), IntentName.CHECKIN)
