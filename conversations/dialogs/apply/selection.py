"""Selection: the steering group reviews the applications anonymised, and decides.

- :class:`ReviewDialog` ("review applications"): once a cohort's applications window has closed
  (the reviewer's own date), each steering member of that cohort sees the applications waiting
  for them, with their progress, one at a time: the reference ("A-07") and the answers that bear
  on the criteria, never who applied (``storage.selection_queries.SHOWN_TO_REVIEWERS``). They
  choose *Accept*, *Reject* or *Unsure* and give a short reason. "review A-07 accept: clear
  evidence of budget responsibility" does it in one message, confirmed before saving (a typed
  reference may be mistyped). A review can be changed until the outcome is final.
- When every reviewer agrees, the outcome is final. Otherwise the chair is asked in chat (buttons
  ``selection:chair:<id>:<verdict>``), and when the chair can't decide, the independent moderator.
- A final outcome is told to the applicant kindly (never who reviewed) and to the lead channel
  (reference and outcome, no name), which also hears of each referral.
- :func:`status_answer` ("selection status"): counts per state with references, for the project
  lead (who follows, and does not vote) and the steering group.
Everyone else is refused the same way whatever they name, so nobody learns whether an
application exists. See ``selection.mmd`` for the states.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from pydantic import Field

from conversations.dates import format_day, format_when
from conversations.dialogs import kit
from conversations.dialogs.apply.form import BY_KEY, lead_contact
from conversations.dialogs.base import Context, Outgoing, Registry, Turn, say, to_lead_channel
from conversations.intents import REVIEW_ONE_SHOT, Intent, IntentName, recognise
from conversations.language.applications import KEEP, SKIP, read_verdict
from conversations.messages import Choice, Incoming, Part, Question, Text
from storage import selection_queries as sel
from storage.models import Cohort, Person, ReviewStage, Role, Scheme, Verdict

VERDICT = "dialog:selection:verdict"
# Buttons on the chair's and the moderator's messages: "selection:chair:12:accept".
ACTION_PREFIX = "selection"
MIN_REASON_WORDS = 2  # "fine" is not a reason; "strong budget evidence" is

# How a reviewer reads each answer: the form's labels, but for those that speak to the applicant.
LABELS = {key: field.label for key, field in BY_KEY.items()} | {
    "professional_body": "Member of their professional body",
    "leadership_detail": "About their leadership role",
    "responsibilities": "Responsibilities and accountabilities (including budget)",
    "commitment": "Commits to the full scheme, training and launch",
    "why": "Why they want to take part",
}
VERDICT_WORDS = {
    Verdict.ACCEPT.value: "Accept",
    Verdict.REJECT.value: "Reject",
    Verdict.UNSURE.value: "Unsure",
}
STAGE_NAMES = {
    sel.Stage.MEMBERS: "awaiting reviews",
    sel.Stage.CHAIR: "with the chair",
    sel.Stage.MODERATOR: "with the independent moderator",
    sel.Stage.SELECTED: "selected",
    sel.Stage.REJECTED: "not selected",
}
DECIDED_BY = {
    "consensus": "by consensus",
    "chair": "by the chair",
    "moderator": "by the independent moderator",
}

# -- what reviewers are shown ------------------------------------------------------------------

# What each stage is asked, the verdicts it may give, and why a decision is the chair's or the
# moderator's (the moderator's is final: no "can't decide").
ASKED = {
    ReviewStage.MEMBER: "Your review of {ref} against the criteria?",
    ReviewStage.CHAIR: "Your decision on {ref}, as chair?",
    ReviewStage.MODERATOR: "Your decision on {ref}, as the independent moderator?",
}
OPTIONS = {
    ReviewStage.MEMBER: VERDICT_WORDS,
    ReviewStage.CHAIR: {**VERDICT_WORDS, Verdict.UNSURE.value: "Can't decide"},
    ReviewStage.MODERATOR: {v: w for v, w in VERDICT_WORDS.items() if v != Verdict.UNSURE.value},
}
WHY_YOURS = {
    ReviewStage.CHAIR: "The steering group didn't agree, so it's your decision as chair.",
    ReviewStage.MODERATOR: "The chair couldn't decide, so the decision is yours as the "
    "independent moderator.",
}
# The reason asked for with each verdict: a decider's, and a member's (read by the group first).
_CRITERIA = "A line or two against the criteria, please."
_KINDLY = "so please write it kindly, as you would say it to them."
REASON_ASKED = {
    Verdict.ACCEPT.value: f"Why accept {{ref}}? {_CRITERIA}",
    Verdict.REJECT.value: f"Why reject {{ref}}? {_CRITERIA} It will be shared with the "
    f"applicant, {_KINDLY}",
    Verdict.UNSURE.value: "Why can't you decide on {ref}? (For example, a conflict of "
    "interest.) The independent moderator will see your reason.",
}
MEMBER_REASON_ASKED = REASON_ASKED | {
    Verdict.REJECT.value: f"Why reject {{ref}}? {_CRITERIA} If the steering group rejects it, "
    f"your reason may be shared with the applicant, {_KINDLY}",
    Verdict.UNSURE.value: "What makes you unsure about {ref}? A line or two, please: if the "
    "group doesn't agree, the chair sees it.",
}
# Why a named application can't be acted on (``sel.Problem``).
PROBLEMS = {
    sel.Problem.FINAL: "{ref}'s outcome is already final ({stage}): there's nothing more to "
    "decide, and its reviews can't be changed now.",
    sel.Problem.MOVED: "{ref} has moved on since: it's {stage}.",
    sel.Problem.NOT_YOURS: "{ref} isn't waiting for you: the independent moderator is asked only "
    "when the chair can't decide.",
}


def card(view: sel.Anonymised) -> Text:
    """The anonymised application: reference and the answers that bear on the criteria."""
    lines = [f"*{view.reference}*, {view.cohort_name} (anonymised):"]
    for key, value in view.answers:
        shown = BY_KEY[key].shown(value) if key in BY_KEY else value
        lines.append(f"*{LABELS.get(key, key)}:* {shown}")
        if key == "head_of_service_support":
            given = (
                "given (withheld here: it names people)" if view.statement_given else "not given"
            )
            lines.append(f"*Their statement:* {given}")
    return Text("\n".join(lines), private=True)


def said_lines(said: list[sel.Said], ctx_tz: ZoneInfo, now: datetime) -> Text:
    heads = {"member": "", "chair": " (chair's decision)", "moderator": " (moderator)"}
    lines = ["The reviews so far:"]
    lines += [
        f"• {s.reviewer}{heads.get(s.stage, '')}: *{VERDICT_WORDS.get(s.verdict, s.verdict)}*, "
        f"“{s.reason}” ({format_when(s.at, ctx_tz, now)})"
        for s in said
    ]
    return Text("\n".join(lines), private=True)


def _choices(task: sel.Task) -> Question:
    extra = {KEEP: "Keep it"} if task.mine is not None else {SKIP: "Skip for now"}
    options = {**OPTIONS[task.stage], **extra}
    return Question(
        ASKED[task.stage].format(ref=task.reference),
        tuple(Choice(label, VERDICT, value) for value, label in options.items()),
    )


def _reason_question(task: sel.Task, verdict: str) -> Text:
    asked = MEMBER_REASON_ASKED if task.stage is ReviewStage.MEMBER else REASON_ASKED
    return Text(asked[verdict].format(ref=task.reference))


def _what(task: sel.Task) -> str:
    return "decision on" if task.stage is not ReviewStage.MEMBER else "review of"


# -- the dialog ----------------------------------------------------------------------------------


class ReviewState(kit.FormState):
    """One application at one stage; the verdict and reason in ``values``."""

    application_id: int
    stage: str
    guided: bool = False  # walking through every application waiting ("review applications")
    skipped: list[str] = Field(default_factory=list)
    whole: bool = False  # the whole review came in one message: confirmed before saving


def _reason(ctx: Context, msg: Incoming) -> kit.Read:
    reason = msg.text.strip()
    problem = _bad_reason(reason)
    return kit.Read(problem=problem) if problem else kit.Read(reason)


class ReviewDialog(kit.Form[ReviewState]):
    """One application at a time: verdict, reason, saved; then the next."""

    name: ClassVar[str] = "selection"
    title: ClassVar[str] = "Reviewing applications"
    schema_version: ClassVar[int] = 2
    State = ReviewState
    fields = (
        kit.FormField("verdict", "Verdict", "", guarded=False),
        kit.FormField("reason", "Reason", "", guarded=False, reader=_reason, max_length=10**6),
    )
    change_label = "Change"
    SAVE = "dialog:selection:save"
    CHANGE = "dialog:selection:change"
    PART = "dialog:selection:part"

    def cancel_note(self, ctx: Context, state: dict[str, Any]) -> str:
        return "the reviews you've saved are kept; type *review applications* to carry on."

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        if (refusal := _refusal(ctx, "Reviewing applications")) is not None:
            return refusal
        if msg.action and msg.action.startswith(f"{ACTION_PREFIX}:"):
            return self._from_button(ctx, msg.action)
        if msg.action is None and (match := REVIEW_ONE_SHOT.match(msg.text.strip())):
            found = sel.find_task(ctx.session, ctx.person_id, match["ref"], ctx.today)
            rest = match["rest"]
            said = (
                read_verdict(rest, _choices(found.task).choices)
                if found.task and rest.strip()
                else None
            )
            return self._open(ctx, found, match["ref"], said, whole=True)
        queue = sel.tasks(ctx.session, ctx.person_id, ctx.today)
        if not queue.tasks:
            return say(_nothing_waiting(ctx, queue))
        first = queue.tasks[0]
        return self._show(ctx, _state(first, guided=True), first, [Text(_overview(queue))])

    def _from_button(self, ctx: Context, action: str) -> Turn:
        parts = action.split(":")
        if len(parts) != 4 or parts[1] not in WHY_YOURS or not parts[2].isdigit():
            return say("That button is out of date. Type *review applications*.")
        stage = ReviewStage(parts[1])
        found = sel.task_for(ctx.session, ctx.person_id, int(parts[2]), stage, ctx.today)
        return self._open(ctx, found, "", (parts[3], "") if parts[3] in OPTIONS[stage] else None)

    def _open(
        self, ctx: Context, found: sel.Found, typed: str, said: tuple[str, str] | None, **given: Any
    ) -> Turn:
        """An application named (typed, or a button): shown, or its verdict taken at once."""
        if found.task is None:
            return say(_problem(ctx, found, typed))
        state, task = _state(found.task, **given), found.task
        if said is None or said[0] in (SKIP, KEEP):
            return self._show(ctx, state, task, [])  # "review A-07": show it
        if problem := _not_allowed(task, said[0]):
            return self._show(ctx, state, task, [Text(problem)])
        return self._verdict(ctx, state, task, said)

    def _show(self, ctx: Context, state: ReviewState, task: sel.Task, replies: list[Part]) -> Turn:
        state.step, state.values = "verdict", {}
        asked = self.ask_field(ctx, state, self.fields[0])
        if not asked:  # not theirs any more (a role removed meanwhile)
            return Turn(replies=[*replies, Text(_problem(ctx, sel.Found(), task.reference))])
        return Turn(replies=[*replies, *asked], state=state.to_state())

    def ask_field(self, ctx: Context, state: ReviewState, field: kit.FormField) -> list[Part]:
        task = self._task(ctx, state)
        if task is None:
            return [Text("Type *review applications* to see what's waiting for you.")]
        if field.name == "reason":
            return [_reason_question(task, state.values["verdict"])]
        view = sel.anonymised(ctx.session, ctx.person_id, task.application_id)
        if view is None:
            return []
        parts: list[Part] = [card(view)]
        if task.stage is not ReviewStage.MEMBER:
            said = sel.verdicts(ctx.session, ctx.person_id, task.application_id)
            parts += [said_lines(said, ctx.tz, ctx.now), Text(WHY_YOURS[task.stage])]
        if (mine := task.mine) is not None:
            when = format_when(mine.updated_at, ctx.tz, ctx.now)
            again = "Choose again to change it, or keep it."
            said_before = f"You said *{VERDICT_WORDS[mine.verdict]}* ({when}): “{mine.reason}”."
            parts.append(Text(f"{said_before} {again}", private=True))
        return [*parts, _choices(task)]

    def _task(self, ctx: Context, state: ReviewState) -> sel.Task | None:
        return self._found(ctx, state).task

    def _found(self, ctx: Context, state: ReviewState) -> sel.Found:
        stage = ReviewStage(state.stage)
        return sel.task_for(ctx.session, ctx.person_id, state.application_id, stage, ctx.today)

    def step(self, ctx: Context, raw: dict[str, Any], msg: Incoming) -> Turn:
        if (msg.action or "").startswith(f"{ACTION_PREFIX}:") or (
            msg.action is None
            and (
                REVIEW_ONE_SHOT.match(msg.text.strip())
                or recognise(msg.text).name is IntentName.REVIEW_APPLICATIONS
            )
        ):
            return self.start(ctx, msg)  # "review A-05", "review applications" or a button
        state = self.load(raw)
        found = self._found(ctx, state)
        if found.task is None:
            note = Text(_problem(ctx, found, ""))
            return self._onward(ctx, state, [note]) if state.guided else Turn([note])
        if state.step == "verdict" or (state.step == "reason" and msg.action == VERDICT):
            # Another verdict button while the reason is asked changes the verdict.
            if msg.action == VERDICT:
                said: tuple[str, str] | None = (str(msg.values.get("value", "")), "")
            else:
                said = read_verdict(msg.text, _choices(found.task).choices)
            return self._verdict(ctx, state, found.task, said)
        return super().step(ctx, raw, msg)

    def _verdict(
        self, ctx: Context, state: ReviewState, task: sel.Task, said: tuple[str, str] | None
    ) -> Turn:
        """A verdict (and perhaps its reason) given: keep it, or skip or keep the review."""
        if said is None or said[0] not in (*VERDICT_WORDS, SKIP, KEEP):
            again = "Please choose one of these (or type *cancel* to stop for now)."
            return kit.reask(again, [_choices(task)], state.to_state())
        verdict, reason = said
        if verdict in (SKIP, KEEP):
            keep: list[Part] = [Text(f"Kept your review of {task.reference} as it was.")]
            if verdict == KEEP and not state.guided:
                return Turn(replies=keep)
            state.skipped.append(_key(task))
            state.guided = True  # a skipped one waits: on to the next
            return self._onward(ctx, state, keep if verdict == KEEP else [])
        if problem := _not_allowed(task, verdict):
            return kit.reask(problem, [_choices(task)], state.to_state())
        state.values = {"verdict": verdict}
        state.step = "reason"
        if reason and (problem := _bad_reason(reason)):
            asked: list[Part] = [Text(problem), _reason_question(task, verdict)]
            return Turn(replies=asked, state=state.to_state())
        if reason:
            state.values["reason"] = reason
        elif not state.editing:
            state.whole = False  # the reason is asked for: saved once given
        return self._next(ctx, state)

    def _next(self, ctx: Context, state: ReviewState) -> Turn:
        if self._missing(state) is None and not state.whole:
            return self.save(ctx, state)
        return super()._next(ctx, state)

    def summary(self, ctx: Context, state: ReviewState) -> list[Part]:
        task = self._task(ctx, state)
        if task is None:
            return [Text("That application has moved on.")]
        verdict, reason = state.values["verdict"], state.values["reason"]
        shared = verdict == Verdict.REJECT.value
        warning = " (This reason may be shared with the applicant.)" if shared else ""
        said = (
            f"Your {_what(task)} *{task.reference}* ({task.cohort_name}): "
            f"*{VERDICT_WORDS[verdict]}*, “{reason}”.{warning}"
        )
        return [Text(said, private=True)]

    def save(self, ctx: Context, state: ReviewState) -> Turn:
        task = self._task(ctx, state)
        verdict, reason = state.values["verdict"], state.values["reason"]
        done = (
            sel.record(ctx.session, ctx.person_id, task, Verdict(verdict), reason, ctx.now)
            if task is not None
            else None
        )
        if task is None or done is None:
            ref = task.reference if task is not None else "the application"
            return say(
                f"I couldn't save that: {ref} has moved on meanwhile (its outcome may "
                "be final). Type *selection status* to see where it is."
            )
        word = OPTIONS[task.stage][verdict]
        if done.changed_from is not None and done.changed_from != verdict:
            was = VERDICT_WORDS[done.changed_from]
            saved = f"Changed your {_what(task)} {task.reference} from {was} to *{word}*."
        else:
            saved = f"Saved your {_what(task)} {task.reference}: *{word}*."
        happened, outgoing = _afterwards(ctx, task, done)
        turn = self._onward(ctx, state, [Text(" ".join(filter(None, [saved, happened])))])
        return Turn(replies=turn.replies, state=turn.state, outgoing=outgoing)

    def _onward(self, ctx: Context, state: ReviewState, replies: list[Part]) -> Turn:
        """What waits now: when guided, the next application (one skipped waits for another
        time); else how to carry on."""
        queue = sel.tasks(ctx.session, ctx.person_id, ctx.today)
        waiting = [t for t in queue.tasks if _key(t) not in state.skipped]
        if waiting and state.guided:
            task = waiting[0]
            replies.append(Text(f"{_progress_line(queue)} Next: {task.reference}.".lstrip()))
            return self._show(ctx, _state(task, guided=True, skipped=state.skipped), task, replies)
        if waiting:
            progress = f"{_progress_line(queue)} " if queue.progress else ""
            replies.append(Text(f"{progress}Type *review applications* for the next one."))
        elif queue.tasks:
            refs = ", ".join(dict.fromkeys(t.reference for t in queue.tasks))
            replies.append(
                Text(
                    f"That's all for now. Still waiting for you: {refs}. "
                    "Type *review applications* when you're ready to come back to them."
                )
            )
        else:
            replies.append(Text(_nothing_waiting(ctx, queue)))
        return Turn(replies=replies)


def _key(task: sel.Task) -> str:
    return f"{task.application_id}:{task.stage.value}"


def _state(task: sel.Task, **given: Any) -> ReviewState:
    return ReviewState(
        step="verdict", application_id=task.application_id, stage=task.stage.value, **given
    )


def _not_allowed(task: sel.Task, verdict: str) -> str | None:
    """Why this stage can't give ``verdict`` (the moderator can't leave it undecided)."""
    if verdict in OPTIONS[task.stage]:
        return None
    return (
        "As the independent moderator, yours is the final decision: please choose *Accept* "
        "or *Reject*. If you need more time, type *cancel* and come back with "
        f"*review {task.reference}*."
    )


def _bad_reason(reason: str) -> str | None:
    if len(reason.split()) < MIN_REASON_WORDS:
        return "A short reason is needed with every review: a line or two, please."
    if len(reason) > sel.MAX_REASON:
        return (
            f"That's {len(reason):,} characters: please keep the reason under "
            f"{sel.MAX_REASON} (a line or two). Nothing was saved yet."
        )
    return None


def _overview(queue: sel.Queue) -> str:
    decisions = [t.reference for t in queue.tasks if t.stage is not ReviewStage.MEMBER]
    reviews = [t.reference for t in queue.tasks if t.stage is ReviewStage.MEMBER]
    lines = ["Applications to review, anonymised (references only, no names)."]
    if queue.progress:
        lines[0] += " " + _progress_line(queue)
    if decisions:
        lines.append(f"Waiting for your decision: {', '.join(decisions)}.")
    if reviews:
        lines.append(f"Still to review: {', '.join(reviews)}.")
    lines.append(f"Let's start with {queue.tasks[0].reference}.")
    return "\n".join(lines)


def _progress_line(queue: sel.Queue) -> str:
    named = len(queue.progress) > 1  # by cohort when there are several
    return " ".join(
        f"{name}: " * named + f"{done} of {total} reviewed by you."
        for name, (done, total) in queue.progress.items()
    )


def _nothing_waiting(ctx: Context, queue: sel.Queue) -> str:
    if queue.not_yet_open and not queue.progress:
        return "\n".join(
            _not_open_yet(ctx, c.cohort_name, c.closes_on, c.sent) for c in queue.not_yet_open
        )
    if queue.progress:
        done = ", ".join(f"{t} for {n}" for n, (_d, t) in queue.progress.items())
        return (
            f"You've reviewed every application ({done}): thank you. Type *selection status* "
            "to see where they stand."
        )
    if ctx.roles & {Role.MODERATOR.value, Role.STEERING_CHAIR.value}:
        return (
            "Nothing is waiting for your decision just now: I'll message you when an "
            "application needs it."
        )
    return "There are no applications waiting for your review."


def _problem(ctx: Context, found: sel.Found, typed: str) -> str:
    if found.problem is sel.Problem.NOT_OPEN and found.closes_on is not None:
        return _not_open_yet(ctx, found.cohort_name, found.closes_on, None)
    stage = STAGE_NAMES[found.stage] if found.stage is not None else None
    if found.problem in PROBLEMS and (stage or found.problem is sel.Problem.NOT_YOURS):
        return PROBLEMS[found.problem].format(ref=found.reference, stage=stage)
    shown = "".join(c for c in typed if c.isalnum() or c in "-_")[:12].upper()
    name = f"an application {shown}" if shown else "that application"
    return (
        f"I can't find {name} among those you review. "
        "Type *review applications* to see what's waiting for you."
    )


def _not_open_yet(ctx: Context, cohort: str, closes_on: date, sent: int | None) -> str:
    so_far = f" ({sent} sent so far)" if sent is not None else ""
    opens = format_day(closes_on + timedelta(days=1), ctx.today)
    return (
        f"Applications for *{cohort}* close on {format_day(closes_on, ctx.today)}{so_far}. "
        f"Review opens the next day, {opens}: I'll show them to you then, anonymised."
    )


def _refusal(ctx: Context, what: str) -> Turn | None:
    """None when the person reviews or decides in some cohort; else why not, the same whatever
    they asked about."""
    roles = ctx.roles
    if roles & set(sel.DECIDER_ROLES):
        return None
    if Role.LEAD.value in roles:
        return say(
            "As the project lead you can follow the selection (type *selection status*), "
            "but reviewing and deciding are for the steering group: the lead doesn't vote."
        )
    extra = (
        " To see your own application, type *my application*." if Role.MENTEE.value in roles else ""
    )
    return say(f"{what} is for the scheme's steering group.{extra}")


# -- what the reviewer is told, and the messages for the others it concerns -------------------

# An application referred to the chair or the moderator: the lead channel's line, what the
# reviewer is told (when it's theirs to decide, passed on, or nobody is set up to decide it) and
# the head of the decider's message.
REFERRED = {
    sel.Stage.CHAIR: {
        "lead": "Selection: {about} has no consensus ({counts}), so it's with the chair.",
        "yours": "The reviews of {ref} differ, so it's yours to decide as chair.",
        "passed": "The reviews of {ref} differ, so I've passed it to the chair to decide.",
        "head": "{about} needs your decision as chair: the steering group's reviews differ.",
    },
    sel.Stage.MODERATOR: {
        "lead": "Selection: {about}: {why}, so it's with the independent moderator.",
        "yours": "{ref} now needs the independent moderator's decision, which is yours.",
        "passed": "I've passed {ref} to the independent moderator to decide.",
        "nobody": "{ref} now needs the independent moderator, but none is set up: I've told "
        "the lead channel.",
        "head": "{about} needs your decision as the independent moderator: the steering group "
        "didn't agree and the chair couldn't decide.",
    },
}


def _afterwards(ctx: Context, task: sel.Task, done: sel.Recorded) -> tuple[str, list[Outgoing]]:
    """What the reviewer is told happened, and the messages for the applicant, the lead channel
    (never the applicant's name) and the chair or the moderator now asked to decide."""
    cohort = ctx.session.get(Cohort, done.cohort_id)
    assert cohort is not None
    scheme = ctx.session.get(Scheme, cohort.scheme_id)
    assert scheme is not None
    ref, about = done.reference, f"{done.reference} ({done.cohort_name})"
    if done.outcome is not None:
        word = STAGE_NAMES[sel.Stage(done.outcome)]
        if done.decided_by == "consensus":
            told = ", kindly, with the reasons." if done.outcome == "rejected" else "."
            said = f"Every reviewer agreed, so {ref} is {word}. I've told the applicant{told}"
        else:
            said = f"{ref} is {word}: I've told the applicant and the lead channel."
        line = f"Selection: {about} {word}, {DECIDED_BY.get(done.decided_by or '', '')}."
        return said, [to_lead_channel(scheme, Text(line)), _to_applicant(ctx, task, done, cohort)]
    lead: list[str] = []
    moved = done.after is not done.before
    said = "I've let the person deciding know about the change." if done.ask else ""
    if moved and (texts := REFERRED.get(done.after)) is not None:
        nobody = done.nobody_to_ask and "nobody" in texts
        said = texts["nobody" if nobody else "yours" if done.asker_decides else "passed"]
        said = said.format(ref=ref)
        chair = done.before is sel.Stage.CHAIR
        why = "the chair couldn't decide" if chair else "no consensus and no chair"
        lead.append(texts["lead"].format(about=about, counts=_counts(done), why=why))
    if done.nobody_to_ask:
        who = "chair" if done.after is sel.Stage.CHAIR else "independent moderator"
        lead.append(
            f"Selection: {about} needs a decision from the {who}, but none is set up for "
            f"{done.cohort_name}: please appoint one."
        )
    outgoing = [to_lead_channel(scheme, Text(line)) for line in lead]
    outgoing += [_to_decider(ctx, task, done, person, changed=not moved) for person in done.ask]
    return said, outgoing


def _counts(done: sel.Recorded) -> str:
    return ", ".join(
        f"{done.member_verdicts.count(v)} {word.lower()}"
        for v, word in VERDICT_WORDS.items()
        if v in done.member_verdicts
    )


def _to_decider(
    ctx: Context, task: sel.Task, done: sel.Recorded, person_id: int, changed: bool
) -> Outgoing:
    stage = ReviewStage.CHAIR if done.after is sel.Stage.CHAIR else ReviewStage.MODERATOR
    decider = ctx.session.get(Person, person_id)
    tz = ZoneInfo(decider.time_zone) if decider is not None else ctx.tz
    ref, about = done.reference, f"{done.reference} ({done.cohort_name})"
    head = REFERRED[sel.Stage(stage.value)]["head"].format(about=about)
    if changed:
        head = f"A review of {about} changed while it waits for your decision."
    view = sel.anonymised(ctx.session, person_id, task.application_id)
    said = sel.verdicts(ctx.session, person_id, task.application_id)
    button = f"{ACTION_PREFIX}:{stage.value}:{task.application_id}"
    question = Question(
        f"Your decision on {ref}? (Or type *review {ref}* any time.)",
        tuple(Choice(label, f"{button}:{value}") for value, label in OPTIONS[stage].items()),
    )
    shown: list[Part] = [card(view)] if view is not None else []
    parts: tuple[Part, ...] = (Text(head), *shown, said_lines(said, tz, ctx.now), question)
    return Outgoing(parts=parts, recipient_id=person_id, kind="selection")


def _to_applicant(ctx: Context, task: sel.Task, done: sel.Recorded, cohort: Cohort) -> Outgoing:
    assert done.applicant_id is not None
    applicant = sel.applicant(ctx.session, task.application_id)
    assert applicant is not None
    assert cohort.id is not None
    first = applicant.display_name.split(" ", 1)[0]
    tz = ZoneInfo(applicant.time_zone)
    today = ctx.now.astimezone(tz).date()
    if done.outcome == "selected":
        when = ""
        event = sel.launch(ctx.session, cohort.id)
        if event is not None and event.starts_at > ctx.now:
            when = f" The launch event is on {format_when(event.starts_at, tz, ctx.now)}."
        elif cohort.starts_on > today:
            when = f" The scheme starts on {format_day(cohort.starts_on, today)}."
        head = f"Good news about your application to *{cohort.name}*!"
        body = (
            f"Congratulations, {first}: the steering group has selected your application "
            f"({done.reference}).\nWhat happens next: choose your top three mentors from the "
            "bios of the mentors with a free place. Type *choose my mentor* to see them. The "
            f"steering group then matches mentees with mentors, and I'll tell you who yours is.{when}"
        )
    else:
        reasons = [_sentence(r) for r in (done.reason or "").split("\n") if r.strip()]
        why = f"\nThe steering group's reason: {reasons[0]}" if len(reasons) == 1 else ""
        if len(reasons) > 1:
            why = "\nThe steering group's reasons:\n" + "\n".join(f"• {r}" for r in reasons)
        head = f"News about your application to *{cohort.name}*."
        body = (
            f"Thank you for applying, {first}. I'm sorry to tell you that the steering group "
            f"hasn't been able to offer you a place this time (application {done.reference})."
            f"{why}\nThis isn't a judgement of you as a leader, and we'd be glad to hear from you "
            "again. If you'd like to talk it over, or hear about the next round, please contact "
            f"{lead_contact(ctx, cohort.id)}."
        )
    parts = (Text(head), Text(body, private=True))
    return Outgoing(parts=parts, recipient_id=applicant.id, kind="selection")


def _sentence(reason: str) -> str:
    """A reviewer's reason as the applicant reads it: a capital first letter and a full stop."""
    reason = reason.strip()
    reason = reason[:1].upper() + reason[1:]
    return reason if reason[-1] in ".!?" else reason + "."


# -- progress ----------------------------------------------------------------------------------


def status_answer(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    """Selection progress per cohort, references only, for the lead and the steering group."""
    if not ctx.roles & set(sel.PROGRESS_ROLES):
        return say("Selection progress is for the project lead and the steering group.")
    blocks: list[str] = []
    for cohort in sel.progress(ctx.session, ctx.person_id, ctx.today):
        sent = sum(len(refs) for refs in cohort.by_stage.values())
        if not cohort.open_for_review:
            assert cohort.closes_on is not None
            blocks.append(
                f"*{cohort.cohort_name}*: applications close on "
                f"{format_day(cohort.closes_on, ctx.today)} ({sent} sent so far); review opens "
                f"{format_day(cohort.closes_on + timedelta(days=1), ctx.today)}."
            )
            continue
        closes = cohort.closes_on
        closed = f"applications closed {format_day(closes, ctx.today)}; " if closes else ""
        lines = [f"*{cohort.cohort_name}* selection ({closed}{sent} sent):"]
        for stage in sel.Stage:
            refs = cohort.by_stage[stage]
            listed = f" ({', '.join(refs)})" if refs else ""
            lines.append(f"• {STAGE_NAMES[stage]}: {len(refs)}{listed}")
        if cohort.waiting_on:
            waiting = ", ".join(f"{name} {count}" for name, count in cohort.waiting_on)
            lines.append(f"Reviews still to give: {waiting}.")
        if not cohort.chair_appointed:
            lines.append("No chair is set up: a split goes straight to the moderator.")
        if not cohort.moderator_appointed:
            lines.append("No independent moderator is set up yet.")
        if cohort.mine is not None:
            lines.append(f"You've reviewed {cohort.mine[0]} of {cohort.mine[1]}.")
        blocks.append("\n".join(lines))
    if not blocks:
        return say("There's no cohort in selection just now.")
    tail = (
        "Type *review applications* to review."
        if ctx.roles & set(sel.DECIDER_ROLES)
        else "The steering group reviews and decides; the lead follows along."
    )
    return say("\n\n".join(blocks) + "\n\n" + tail)


def register(registry: Registry) -> None:
    """Wire this journey's intents, dialogs and button routes into ``registry``."""
    registry.add_dialog(ReviewDialog(), IntentName.REVIEW_APPLICATIONS)
    registry.answers[IntentName.SELECTION_STATUS] = status_answer
    registry.action_routes[ACTION_PREFIX] = IntentName.REVIEW_APPLICATIONS
