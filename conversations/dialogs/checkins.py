"""Check-ins and evaluations: the scheme's surveys, answered in chat one question at a time.

Map:
- "check-in" lists the surveys open to the person today (or starts the only one). Questions come
  in order: a scale (buttons 1-5, or "4", "four", "4/5"), a single choice (buttons, a number or
  the label) or free text (through the patient data guard). Optional ones take "skip"; required
  ones are asked again, kindly.
- At the end the person is asked whether they'd like a follow-up from the project team (a
  question keyed ``follow_up`` in the survey asks it: any real answer there is a request), sees
  their answers numbered, may correct any ("change 2", "change 2 to Once"), and submits.
- One response per person per survey (a unique constraint): answering again before the survey
  closes replaces the earlier answers (and says so); after it closes nothing can be changed.
- A follow-up request goes to the lead channel as a reference (``F<id>``) and the survey, never
  the person or the answers; those who may read the answers see who asked with *Open*. Answers about a mentor (``about_mentor`` surveys) are never shown to that mentor:
  ``storage.survey_queries.responses_visible_to`` is the scoped read.
- "check-in: 4; once; the budget coaching; no" answers a whole survey in one message.

See ``checkins.mmd`` for the states.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, ClassVar

from conversations.dates import format_day
from conversations.dialogs import safety_check
from conversations.dialogs.base import Context, Outgoing, Registry, Turn
from conversations.dialogs.lead import lead_actions
from conversations.intents import IntentName, recognise
from conversations.language import Meaning, brief, meaning
from conversations.language.choices import answer, pick
from conversations.language.later import puts_off
from conversations.language.numbers import one_number
from conversations.language.vocabulary import is_empty
from conversations.messages import Choice, Incoming, Part, Question, Text
from conversations.patient_data import (
    GUARD_EDIT,
    GUARD_KEEP,
    GUARD_REMOVE,
    find_patient_data,
    guard_choice,
    guard_question,
    remove_patient_data,
)
from storage import survey_queries
from storage.models import Cohort, Scheme, Survey, SurveyQuestion, SurveyResponse

MAX_ANSWER = 2000
FOLLOW_UP_KEY = "follow_up"

PICK = "dialog:checkin:pick"
ANSWER = "dialog:checkin:answer"
SUBMIT = "dialog:checkin:submit"
CHANGE = "dialog:checkin:change"
YES = "dialog:checkin:yes"
NO = "dialog:checkin:no"
CONFIRM = (Choice("Send", SUBMIT), Choice("Change an answer", CHANGE))
FOLLOW_UP = (Choice("Yes please", YES), Choice("No thanks", NO))

# "check-in again", "change my check-in answers": answering a survey already sent, again.
_AGAIN = re.compile(r"\b(?:again|change|redo|re-do|update|amend|edit|correct|replace)\b", re.I)
_CHANGE = re.compile(
    r"^(?:change|edit|correct|redo)\s+(?:question\s+|answer\s+|number\s+|no\.?\s*|q)?#?"
    r"(?P<n>\d+)(?:\s+to\s*[:\-]?\s*(?P<value>.+))?$",
    re.IGNORECASE | re.DOTALL,
)
SAFETY = safety_check.Wording(
    keep="Keep it in my check-in answers only",
    also_ask="Would you also like to keep it as your check-in answer? The project team reads "
    "the answers.",
    also_keep="Yes, keep it as my answer",
)


class Step(StrEnum):
    PICK = "pick"
    QUESTION = "question"
    GUARD = "guard"
    # A written answer reads like a concern: send it to the project lead, keep it, or both.
    SAFETY = safety_check.STEP
    FOLLOW_UP = "follow_up"
    CONFIRM = "confirm"
    WHICH = "which"


def parse_scale(text: str, question: SurveyQuestion) -> int | None:
    """A point on the question's scale from "4", "four", "4/5", "4 out of 5", or the one number
    in a longer answer ("pretty well, 4", "3 tbh, hard to get time w him")."""
    value = one_number(text)
    if value is None or str(value) not in question.choices:
        return None
    return value


def parse_choice(text: str, question: SurveyQuestion) -> str | None:
    """One of the question's choices, by number, label, a word or the start of it, or a typo."""
    found = pick(text, [Choice(label, label) for label in question.choices])
    return found.label if found is not None else None


def _scale_range(question: SurveyQuestion) -> str:
    return f"{question.choices[0]} to {question.choices[-1]}" if question.choices else ""


def _show(value: Any) -> str:
    return "(skipped)" if value is None or value == "" else str(value)


def _wants_follow_up(answer: Any) -> bool:
    said = brief(str(answer)) if answer else Meaning.NONE
    return said not in (Meaning.NO, Meaning.NONE, Meaning.SKIP, Meaning.LATER)


class CheckinDialog:
    """Answer one survey, a question at a time, then confirm and submit."""

    name: ClassVar[str] = "checkin"
    title: ClassVar[str] = "Your check-in"
    schema_version: ClassVar[int] = 1
    # Answers put aside by another request are kept, and "check-in" picks them up again.
    keeps_aside: ClassVar[bool] = True

    @staticmethod
    def resumes(msg: Incoming) -> bool:
        """Whether the message picks up answers put aside (not one that brings its own)."""
        return msg.action is None and not CheckinDialog._given_answers(msg.text)

    # -- starting -------------------------------------------------------------------------

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        if not ctx.roles & {"mentee", "mentor"}:
            return Turn(
                replies=[
                    Text(
                        "Check-ins and evaluations are answered by mentees and mentors, so there's "
                        "none for you to fill in. Type *help* to see what I can do for you."
                    )
                ]
            )
        surveys = survey_queries.surveys_open_to(ctx.session, ctx.person_id, ctx.today)
        given = self._given_answers(msg.text) if msg.action is None else []
        if not surveys:
            return Turn(replies=[self._none_open(ctx)])
        again = msg.action is not None or bool(given) or _AGAIN.search(msg.text) is not None
        if not again and (done := self._already_done(ctx, surveys)) is not None:
            return Turn(replies=[done])
        if len(surveys) > 1:
            choices = tuple(Choice(s.title, PICK, str(s.id)) for s in surveys)
            return Turn(
                replies=[Question("Which would you like to answer?", choices)],
                state={"step": Step.PICK.value, "given": given},
            )
        return self._begin(ctx, surveys[0], given)

    @staticmethod
    def _given_answers(text: str) -> list[str]:
        """Answers written after a colon in the opening message, separated by ";" or lines."""
        _, colon, rest = text.partition(":")
        if not colon or not rest.strip():
            return []
        return [part.strip() for part in re.split(r"[;\n]", rest) if part.strip()]

    @staticmethod
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
        lines.append(
            f"To change your answers before {format_day(last)}, type *change my check-in*."
        )
        return Text(" ".join(lines))

    @staticmethod
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

    def _begin(self, ctx: Context, survey: Survey, given: list[str]) -> Turn:
        assert survey.id is not None
        questions = survey_queries.questions_of(ctx.session, survey.id)
        if not questions:
            return Turn(replies=[Text(f"The {survey.title} has no questions yet, sorry.")])
        previous = survey_queries.own_response(ctx.session, ctx.person_id, survey.id)
        intro = [
            f"*{survey.title}*: {len(questions)} question{'s' * (len(questions) != 1)}, "
            f"open until {format_day(survey.closes_on)}. Type *skip* to leave out an optional "
            "one and *back* to change your last answer."
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
        state: dict[str, Any] = {
            "step": Step.QUESTION.value,
            "survey_id": survey.id,
            "index": 0,
            "answers": {},
            "follow_up": None,
        }
        replies: list[Part] = [Text(" ".join(intro))]
        for text in given:
            turn = self._answer(ctx, state, Incoming(person_id=ctx.person_id, text=text))
            if turn.state is None or turn.state.get("step") != Step.QUESTION.value:
                return Turn(replies=replies + turn.replies, state=turn.state)
            if turn.state.get("index") == state["index"]:
                # Not an acceptable answer: stop here and ask this question properly.
                return Turn(replies=replies + turn.replies, state=turn.state)
            state = turn.state
        if given and state["step"] == Step.QUESTION.value:
            replies.append(Text("Thanks, I've noted those. Next:"))
        return Turn(replies=replies + self.prompt(ctx, state), state=state)

    # -- prompts --------------------------------------------------------------------------

    def _survey(self, ctx: Context, state: dict[str, Any]) -> Survey:
        survey = ctx.session.get(Survey, state["survey_id"])
        assert survey is not None
        return survey

    def _questions(self, ctx: Context, state: dict[str, Any]) -> list[SurveyQuestion]:
        return survey_queries.questions_of(ctx.session, state["survey_id"])

    def _ask(self, question: SurveyQuestion, number: int, total: int) -> Part:
        head = f"Question {number} of {total}: {question.text}"
        if not question.required:
            head += " (optional: type *skip* to leave it out)"
        if question.kind == "scale":
            return Question(head, tuple(Choice(c, ANSWER, c) for c in question.choices))
        if question.kind == "choice":
            return Question(head, tuple(Choice(c, ANSWER, c) for c in question.choices))
        return Text(head)

    def prompt(self, ctx: Context, state: dict[str, Any]) -> list[Part]:
        step = Step(state["step"])
        if step is Step.PICK:
            return [Text("Please pick a check-in from the list, or type *cancel*.")]
        if step is Step.FOLLOW_UP:
            return [self._follow_up_question()]
        if step is Step.CONFIRM:
            return self._confirmation(ctx, state)
        if step is Step.WHICH:
            return [Text("Which question would you like to change? Type its number.")]
        questions = self._questions(ctx, state)
        index = min(state["index"], len(questions) - 1)
        if step is Step.GUARD:
            return guard_question(self._findings(ctx, state["pending"]), "your check-in answers")
        if step is Step.SAFETY:
            return safety_check.prompt(state, SAFETY)
        return [self._ask(questions[index], index + 1, len(questions))]

    @staticmethod
    def _follow_up_question() -> Question:
        return Question(
            "Would you like a follow-up from the project team?",
            FOLLOW_UP,
        )

    def _confirmation(self, ctx: Context, state: dict[str, Any]) -> list[Part]:
        survey = self._survey(ctx, state)
        questions = self._questions(ctx, state)
        lines = [f"Your answers to the {survey.title}:"]
        for number, question in enumerate(questions, start=1):
            lines.append(
                f"{number}. {question.text}\n   → {_show(state['answers'].get(question.key))}"
            )
        follow = "yes" if state.get("follow_up") else "no"
        lines.append(f"Follow-up from the project team: {follow}")
        return [
            Text("\n".join(lines), private=True),
            Question(
                "Shall I send them? To correct one, type e.g. *change 2*.",
                CONFIRM,
            ),
        ]

    # -- steps ----------------------------------------------------------------------------

    def step(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        step = Step(state["step"])
        if step is Step.PICK:
            return self._on_pick(ctx, state, msg)
        if survey_queries.survey_open_to(ctx.session, ctx.person_id, state["survey_id"],
                                         ctx.today) is None:  # fmt: skip
            return self._closed(ctx, state)
        if step is Step.QUESTION:
            return self._answer(ctx, state, msg)
        if step is Step.GUARD:
            return self._on_guard(ctx, state, msg)
        if step is Step.SAFETY:
            return safety_check.step(
                ctx,
                state,
                msg,
                SAFETY,
                save=lambda kept: self._record(
                    ctx, kept, self._current(ctx, kept), kept["pending"]
                ),
                leave_out=lambda kept, _texts: self._leave_out(ctx, kept),
            )
        if step is Step.FOLLOW_UP:
            return self._on_follow_up(ctx, state, msg)
        if step is Step.CONFIRM:
            return self._on_confirm(ctx, state, msg)
        return self._on_which(ctx, state, msg)

    def _closed(self, ctx: Context, state: dict[str, Any]) -> Turn:
        survey = ctx.session.get(Survey, state["survey_id"])
        title = survey.title if survey is not None else "check-in"
        when = f" on {format_day(survey.closes_on)}" if survey is not None else ""
        return Turn(
            replies=[
                Text(
                    f"Sorry, the {title} closed{when}, so I can't take answers for it any more. "
                    "Nothing was saved. If something needs attention, type *raise a concern*."
                )
            ]
        )

    def _on_pick(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        chosen = msg.values.get("value") if msg.action == PICK else None
        survey = None
        if chosen is not None and str(chosen).isdigit():
            survey = survey_queries.survey_open_to(
                ctx.session, ctx.person_id, int(chosen), ctx.today
            )
        if survey is None:
            return Turn(
                replies=[Text("Please pick one from the list, or type *cancel*.")],
                state=state,
                advanced=False,
            )
        return self._begin(ctx, survey, list(state.get("given", [])))

    def _reask(self, ctx: Context, state: dict[str, Any], why: str) -> Turn:
        return Turn(replies=[Text(why), *self.prompt(ctx, state)], state=state, advanced=False)

    def _answer(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        questions = self._questions(ctx, state)
        index = state["index"]
        if index >= len(questions):
            return self._after_last(ctx, state)
        question = questions[index]
        text = str(msg.values.get("value", "")) if msg.action == ANSWER else msg.text.strip()
        if brief(text) is Meaning.SKIP or (not question.required and is_empty(text)):
            if question.required:
                return self._reask(
                    ctx, state, "This one needs an answer, please: even a short one helps."
                )
            return self._record(ctx, state, question, None)
        if not text:
            return self._reask(ctx, state, "I didn't get an answer there.")
        if msg.action is None and state.get("later"):
            return self._after_later(ctx, state, msg)
        if question.kind == "scale":
            value = parse_scale(text, question)
            if value is None and puts_off(text):
                return self._later(ctx, state)
            if value is None:
                return self._reask(
                    ctx, state, f"Please answer with a number from {_scale_range(question)}."
                )
            return self._record(ctx, state, question, value)
        if question.kind == "choice":
            picked = parse_choice(text, question)
            if picked is None and puts_off(text):
                return self._later(ctx, state)
            if picked is None:
                return self._reask(ctx, state, "Please pick one of the options (or its number).")
            return self._record(ctx, state, question, picked)
        if len(text) > MAX_ANSWER:
            return self._reask(
                ctx,
                state,
                f"That's {len(text):,} characters; please keep an answer under {MAX_ANSWER:,}. "
                "Nothing was saved.",
            )
        if msg.action is None and puts_off(text):
            return self._later(ctx, state)
        findings = self._findings(ctx, text)
        if findings:
            guarded = {**state, "step": Step.GUARD.value, "pending": text}
            return Turn(replies=guard_question(findings, "your check-in answers"), state=guarded)
        return self._record(ctx, state, question, text)

    def _later(self, ctx: Context, state: dict[str, Any]) -> Turn:
        """Put off: the answers so far are kept (nothing is sent) until the person is back."""
        done = len([v for v in state["answers"].values() if v not in (None, "")])
        kept = f"your {done} answer{'s' * (done != 1)} so far" if done else "your place"
        return Turn(
            replies=[
                Text(
                    f"No problem: I've kept {kept}, and nothing has been sent. Type *check-in* "
                    f"when you're ready and I'll carry on from question {state['index'] + 1}."
                )
            ],
            state={**state, "later": True},
        )

    def _after_later(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        """The first message after putting it off: coming back, or (after the question was
        shown again, say when picked up) the answer itself."""
        back = {k: v for k, v in state.items() if k != "later"}
        name = recognise(msg.text).name
        if name is IntentName.CHECKIN or meaning(msg.text) is Meaning.YES:
            return Turn(replies=[Text("Welcome back."), *self.prompt(ctx, back)], state=back)
        if name is not IntentName.UNKNOWN or meaning(msg.text) is not None:
            # Thanks, a greeting or another request: the check-in waits (the engine starts a
            # request it knows, keeping the answers aside).
            return Turn(
                replies=[Text("Your check-in is kept for later: type *check-in* to carry on.")],
                state=state,
                advanced=False,
            )
        return self._answer(ctx, back, msg)

    def _findings(self, ctx: Context, text: str) -> list[Any]:
        return find_patient_data(text, ctx.settings().hospital_number_pattern)

    def _on_guard(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        questions = self._questions(ctx, state)
        question = questions[state["index"]]
        pending = str(state.get("pending", ""))
        choice = guard_choice(msg.action, msg.text)
        base = {k: v for k, v in state.items() if k != "pending"}
        if choice == GUARD_REMOVE:
            return self._record(
                ctx, base, question, remove_patient_data(pending, self._findings(ctx, pending))
            )
        if choice == GUARD_KEEP:
            return self._record(ctx, base, question, pending)
        if choice == GUARD_EDIT:
            asked = {**base, "step": Step.QUESTION.value}
            return Turn(replies=[Text("OK, please write it again."), *self.prompt(ctx, asked)],
                        state=asked)  # fmt: skip
        return Turn(
            replies=[Text("Please choose one of these."), *self.prompt(ctx, state)[1:]],
            state=state,
            advanced=False,
        )

    def _current(self, ctx: Context, state: dict[str, Any]) -> SurveyQuestion:
        return self._questions(ctx, state)[int(state["index"])]

    def _leave_out(self, ctx: Context, state: dict[str, Any]) -> Turn:
        """After a concern went to the lead: this answer without it."""
        question = self._current(ctx, state)
        left = "OK, I've left it out of your check-in answers: it's with the project lead."
        if not question.required:
            return safety_check.with_note(left, self._record(ctx, state, question, None))
        asking = {k: v for k, v in state.items() if k != "pending"}
        asking["step"] = Step.QUESTION.value
        return Turn(
            replies=[
                Text(
                    f"{left} This question needs an answer for the check-in: a short one is fine."
                ),
                *self.prompt(ctx, asking),
            ],
            state=asking,
        )

    def _record(
        self, ctx: Context, state: dict[str, Any], question: SurveyQuestion, value: Any
    ) -> Turn:
        if question.kind == "text" and isinstance(value, str):
            held = {**state, "pending": value}
            if (asking := safety_check.gate(ctx, held, [value], SAFETY)) is not None:
                return asking
        answers = {**state["answers"], question.key: value}
        new_state = {**state, "answers": answers, "step": Step.QUESTION.value}
        new_state.pop("pending", None)
        if question.key == FOLLOW_UP_KEY:
            new_state["follow_up"] = _wants_follow_up(value)
        if state.get("editing"):
            new_state.pop("editing")
            new_state["index"] = len(self._questions(ctx, state))
            return self._after_last(ctx, new_state)
        new_state["index"] = state["index"] + 1
        if new_state["index"] >= len(self._questions(ctx, state)):
            return self._after_last(ctx, new_state)
        return Turn(replies=self.prompt(ctx, new_state), state=new_state)

    def _after_last(self, ctx: Context, state: dict[str, Any]) -> Turn:
        keys = {q.key for q in self._questions(ctx, state)}
        if FOLLOW_UP_KEY not in keys and state.get("follow_up") is None:
            asked = {**state, "step": Step.FOLLOW_UP.value}
            return Turn(replies=[self._follow_up_question()], state=asked)
        done = {**state, "step": Step.CONFIRM.value}
        return Turn(replies=self._confirmation(ctx, done), state=done)

    def _on_follow_up(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        picked = msg.action or answer(msg.text, FOLLOW_UP, yes=YES, no=NO)
        if picked == YES:
            wanted = True
        elif picked == NO:
            wanted = False
        else:
            return self._reask(ctx, state, "Please answer *yes* or *no*.")
        done = {**state, "follow_up": wanted, "step": Step.CONFIRM.value}
        return Turn(replies=self._confirmation(ctx, done), state=done)

    def _on_confirm(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        text = msg.text.strip()
        if (change := _CHANGE.match(text)) is not None:
            return self._change(ctx, state, int(change.group("n")), change.group("value"))
        picked = msg.action or answer(text, CONFIRM, yes=SUBMIT, no=CHANGE)
        if picked == SUBMIT:
            return self._submit(ctx, state)
        if picked == CHANGE:
            return Turn(
                replies=[Text("Which question would you like to change? Type its number.")],
                state={**state, "step": Step.WHICH.value},
            )
        return self._reask(ctx, state, "Please choose *Send* or *Change an answer*.")

    def _on_which(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        text = msg.text.strip()
        change = _CHANGE.match(text)
        if change is not None:
            return self._change(ctx, state, int(change.group("n")), change.group("value"))
        if text.isdigit():
            return self._change(ctx, state, int(text), None)
        return self._reask(ctx, state, "Please type the number of the question.")

    def _change(self, ctx: Context, state: dict[str, Any], number: int, value: str | None) -> Turn:
        questions = self._questions(ctx, state)
        if not 1 <= number <= len(questions):
            return Turn(
                replies=[Text(f"There are {len(questions)} questions: please pick 1 to "
                              f"{len(questions)}."), *self._confirmation(ctx, state)[1:]],
                state=state,
                advanced=False,
            )  # fmt: skip
        editing = {**state, "step": Step.QUESTION.value, "index": number - 1, "editing": True}
        if value:
            turn = self._answer(ctx, editing, Incoming(person_id=ctx.person_id, text=value))
            if turn.state is not None and turn.state.get("step") != Step.QUESTION.value:
                return turn
            return Turn(replies=turn.replies, state=turn.state)
        return Turn(replies=self.prompt(ctx, editing), state=editing)

    # -- submitting -----------------------------------------------------------------------

    def _submit(self, ctx: Context, state: dict[str, Any]) -> Turn:
        survey = self._survey(ctx, state)
        assert survey.id is not None
        answers = dict(state["answers"])
        wanted = bool(state.get("follow_up"))
        previous = survey_queries.own_response(ctx.session, ctx.person_id, survey.id)
        replies: list[str] = []
        asked_before = previous is not None and previous.follow_up_requested
        if previous is not None:
            replies.append(
                f"Sent: these replace the answers you gave on "
                f"{format_day(ctx.local(previous.submitted_at).date())}."
            )
            previous.answers = answers
            previous.follow_up_requested = wanted
            previous.submitted_at = ctx.now
            ctx.session.add(previous)
        else:
            previous = SurveyResponse(
                survey_id=survey.id,
                person_id=ctx.person_id,
                answers=answers,
                follow_up_requested=wanted,
                submitted_at=ctx.now,
            )
            ctx.session.add(previous)
            ctx.session.flush()  # its id is the follow-up's reference
            replies.append(
                f"Thank you, {ctx.first_name}: your answers to the {survey.title} are in."
            )
        outgoing: list[Outgoing] = []
        if wanted:
            replies.append("The project team will be in touch to follow up.")
            if not asked_before:
                outgoing.append(self._follow_up_note(ctx, survey, previous))
        if survey.about_mentor:
            replies.append("Your mentor won't see your answers.")
        replies.append(
            f"You can change them until {format_day(survey.closes_on)} by typing "
            "*change my check-in*."
        )
        return Turn(replies=[Text(" ".join(replies))], outgoing=outgoing)

    def _follow_up_note(self, ctx: Context, survey: Survey, response: SurveyResponse) -> Outgoing:
        """The lead channel's alert: a reference, never who asked (feedback about a mentor, say,
        must not tell a mentor in the channel that their mentee wants a follow-up). Those who
        may read the answers press *Open* to see who, in their own chat."""
        cohort = ctx.session.get(Cohort, survey.cohort_id)
        assert cohort is not None
        scheme = ctx.session.get(Scheme, cohort.scheme_id)
        assert scheme is not None
        ref = f"F{response.id}"
        return Outgoing(
            parts=(
                Text(
                    f"Follow-up requested ({ref}): someone in {cohort.name} asked for a follow-up "
                    f"from the project team in the {survey.title}. Press *Open* (or type "
                    f"*open {ref}*) to see who, in your own chat."
                ),
                lead_actions(ref),
            ),
            channel=scheme.lead_channel,
            scheme_id=scheme.id,
            kind="follow_up",
        )


def register(registry: Registry) -> None:
    """Wire this journey's intents, dialogs and button routes into ``registry``."""
    registry.add_dialog(CheckinDialog(), IntentName.CHECKIN)
