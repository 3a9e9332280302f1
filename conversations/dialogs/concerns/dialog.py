"""The concern dialog: what it is about, who will see it, the details (guarded), a draft to
confirm, then ``sending.send``. Its steps are a ``kit.Steps`` table; the confirmation, which
part to change and the patient-data guard are the kit's (``kit.Confirming``). A concern has no
safety check of its own: it is where the safety check sends what it notices.

- The category is read from the message when it is clear, otherwise asked with choices. Words
  typed at "What is it about?" are the concern itself as often as its category: they are kept
  as the details, as is a concern said straight out ("Tom hit a patient").
- Only what is missing is asked (``_onwards``); nothing is sent until the person says so.
- The details are read (``reading``): harm makes any concern urgent, with the 999 advice (or
  ``conversations.self_harm``'s help); bullying filed as *something else* is bullying.
- The urgent lane: an urgent concern whose first words hold patient data is sent at once with
  them removed, and what to keep is asked after (the alert never waits for it).
- A relationship breakdown may end the pairing (a no-fault exit) after a clear confirmation; a
  mentee is asked whether they'd like a new mentor.
- An unsent draft put aside by another request is kept (``keeps_aside``) and picked up again
  (``resumes``); see ``conversations.engine`` and ``concerns.mmd``.
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator

from conversations.corrections import CHANGE_FIELD, FieldNames
from conversations.dialogs import kit
from conversations.dialogs.base import Context, Turn, say
from conversations.dialogs.concerns.sending import (
    CHOICE_LABELS,
    IMMEDIATE_DANGER,
    Category,
    Handling,
    concern_ref,
    danger,
    only_pairing,
    pairing_of,
    partner_name,
    send,
)
from conversations.dialogs.matching.questions import first
from conversations.language import concerns as worries
from conversations.language.choices import answer, pick
from conversations.messages import Choice, Incoming, Part, Question, Text
from conversations.patient_data import (
    GUARD_CHOICES,
    GUARD_EDIT,
    GUARD_REMOVE,
    Finding,
    remove_patient_data,
)
from conversations.safety import Noticed, names_safety, notice_concern
from conversations.self_harm import SELF_HARM_HELP, about_self_harm
from storage import queries
from storage.models import Concern, PairingStatus

MAX_DETAILS = 5000
# Said ahead of a concern of each kind (``ConcernDialog._lead_in``).
URGENT_ROUTES = (
    "What has happened? Patient safety, safeguarding and fitness to practise concerns go to the "
    "project lead at once, marked urgent."
)
WELLBEING_ROUTES = (
    "If it's about your own wellbeing, your employer's employee assistance programme (EAP) or "
    "your GP can help; Samaritans are there any time on 116 123."
)
WELLBEING_CARE = (
    "I'm sorry you're feeling like this. Please look after yourself: your employer's employee "
    "assistance programme (EAP) or your GP can help. If you'd like, I can also let the project "
    "lead know, in confidence."
)
SAFETY_ROUTES = (
    "Patient safety, safeguarding and fitness to practise go to the project lead at once. Please "
    "leave out patient names, hospital numbers and anything else that identifies a patient, and "
    "don't name colleagues here: the project lead will ask for what they need. Please also use "
    "your organisation's own reporting processes; your Freedom to Speak Up Guardian can help too."
)
SPEAK_UP = (
    "You can also speak to your organisation's Freedom to Speak Up Guardian (see your intranet), "
    "whether or not it's a matter for the scheme."
)
BREAKDOWN_ROUTE = (
    "A relationship breakdown goes to the project lead at once. The steering group helps: first "
    "the chair, then the scheme's independent moderator, who can talk it through with you. A "
    "no-fault exit is possible at any point, with a new mentor if you'd like one."
)
# What each category's details question asks ({partner}: the partner's first name).
DETAILS_ASKED = {
    Category.NOT_RESPONDING: "Please tell me what's happened: when did you last hear from "
    "{partner}, and how have you tried to reach them?",
    Category.SAFETY: "If someone is in immediate danger, call 999 first. Then please describe the "
    "concern here. Leave out patient names and anything else that identifies a patient.",
    Category.BREAKDOWN: "Please tell me what's happened. Afterwards I'll ask whether you want to "
    "end your pairing.",
    Category.CIRCUMSTANCES: "What has changed, and for how long? (If you can, let {partner} know "
    "too: a short note that you'll be away is enough.)",
    Category.DIFFICULTY: "What's been difficult? If you haven't yet, it usually helps to talk it "
    "through with {partner} first; the project lead can help if that doesn't work.",
    Category.OTHER: "Please tell me about it in a few lines.",
    Category.BULLYING: "Please tell me what's happened, and when. You don't have to raise it "
    "with the person first.",
}

CATEGORY = "dialog:concern:category"
SEND = "dialog:concern:send"
EDIT_DETAILS = "dialog:concern:details"
EDIT_CATEGORY = "dialog:concern:change_category"
END_YES = "dialog:concern:end"
END_NO = "dialog:concern:keep"
REMATCH_YES = "dialog:concern:rematch_yes"
REMATCH_NO = "dialog:concern:rematch_no"
PICK = "dialog:concern:pick"
OFFER_YES = "dialog:concern:offer_yes"
OFFER_NO = "dialog:concern:offer_no"
CONFIRM = (
    Choice("Send it", SEND),
    Choice("Change what I wrote", EDIT_DETAILS),
    Choice("Change what it's about", EDIT_CATEGORY),
)
# The first choice is never the irreversible one: the steering group (the chair, then the
# independent moderator) can talk a breakdown through before anyone ends a pairing.
END_CHOICES = (
    Choice("Send it, keep the pairing for now", END_NO),
    Choice("End our pairing now", END_YES),
)
REMATCH = (Choice("Yes please", REMATCH_YES), Choice("No thanks", REMATCH_NO))
OFFER_CHOICES = (Choice("Yes, start one", OFFER_YES), Choice("Not now", OFFER_NO))
CATEGORY_QUESTION = Question(
    "What is it about?",
    tuple(Choice(label, CATEGORY, c.value) for c, label in CHOICE_LABELS.items()),
)
REMATCH_QUESTION = Question(
    "The steering group will offer you a new mentor if you'd like one. Would you?", REMATCH
)
OFFER_QUESTION = Question("Would you like to start one now?", OFFER_CHOICES)


class Step(StrEnum):
    PICK = "pick"
    CATEGORY = "category"
    DETAILS = "details"
    GUARD = kit.GUARD
    CONFIRM = kit.CONFIRM
    END_PAIRING = "end_pairing"
    REMATCH = "rematch"
    OFFER = "offer"


class ConcernState(kit.StepState):
    """A concern being raised, validated on load. Nothing is sent until the draft is confirmed
    (or, in the urgent lane, ``sent_id`` is the concern already sent)."""

    step: Annotated[str, AfterValidator(Step)]  # a ``Step`` (the kit's steps set theirs)
    category: Category | None = None
    details: str = ""
    pairing_id: int | None = None
    pending: str | None = None  # details held while the guard asks about them
    sent_id: int | None = None
    urgent: bool = False  # its text reads as safety, whatever it was filed under
    danger_told: bool = False  # the details question already said "call 999 first"

    @property
    def is_urgent(self) -> bool:
        return self.category is Category.SAFETY or self.urgent


_KIND_CATEGORY: dict[worries.Kind | None, Category] = {
    worries.Kind.SAFETY: Category.SAFETY,
    worries.Kind.REMATCH: Category.BREAKDOWN,
    worries.Kind.BREAKDOWN: Category.BREAKDOWN,
    worries.Kind.NOT_RESPONDING: Category.NOT_RESPONDING,
    worries.Kind.CIRCUMSTANCES: Category.CIRCUMSTANCES,
    worries.Kind.DIFFICULTY: Category.DIFFICULTY,
    # Someone's own wellbeing is offered to the lead as "something else".
    worries.Kind.WELLBEING: Category.OTHER,
}
# The more serious reading wins ("it's not working, can i end it?" is a breakdown).
_SERIOUSNESS = [
    Category.SAFETY,
    Category.BREAKDOWN,
    Category.NOT_RESPONDING,
    Category.CIRCUMSTANCES,
    Category.DIFFICULTY,
    Category.BULLYING,
    Category.OTHER,
]


def detect_category(text: str) -> Category | None:
    """The category a message clearly names, or None. Safety (the most serious) wins."""
    if names_safety(text):
        return Category.SAFETY
    found = [
        c
        for c in (_KIND_CATEGORY.get(worries.topic(text)), _KIND_CATEGORY.get(worries.kind(text)))
        if c is not None
    ]
    return min(found, key=_SERIOUSNESS.index) if found else None


def reading(text: str) -> Category | None:
    """What the shared detector reads in ``text``: safety (self-harm included), bullying, or
    None. Unlike ``detect_category`` this reads what happened, not the words for a topic."""
    if about_self_harm(text):
        return Category.SAFETY
    noticed = notice_concern(text)
    if noticed is None:
        return None
    return {Noticed.SAFETY: Category.SAFETY, Noticed.BULLYING: Category.BULLYING}.get(noticed)


def _read_details(state: ConcernState, text: str) -> None:
    """Take into account what the details describe: harm makes any concern urgent (and a safety
    concern, unless it may end the pairing); bullying filed as *something else* is bullying."""
    read = reading(text)
    if read is Category.SAFETY and state.category is not Category.SAFETY:
        state.urgent = True
        if state.category is not Category.BREAKDOWN:
            state.category = Category.SAFETY
    if read is Category.BULLYING and state.category is Category.OTHER:
        state.category = Category.BULLYING


# The parts of a draft by the words people use for them ("change what I wrote to ...").
_PARTS = FieldNames(
    [
        *((words, Step.DETAILS.value) for words in ("what i wrote", "details", "my concern")),
        *((words, Step.CATEGORY.value) for words in ("what it's about", "category", "topic")),
    ]
)


class ConcernDialog(kit.CheckedSteps[ConcernState]):
    """Category, who will see it, details (guarded), confirm; a breakdown may end the pairing."""

    name: ClassVar[str] = "concern"
    title: ClassVar[str] = "Your concern"
    schema_version: ClassVar[int] = 1
    # An unsent concern put aside by another request is kept to pick up (``resumes``).
    keeps_aside: ClassVar[bool] = True
    State = ConcernState
    confirm_question: ClassVar[str] = "Shall I send it to the project lead?"
    guard_where: ClassVar[str] = "a concern"

    def __init__(self) -> None:
        # Each step: what it asks, and how it takes the answer; the guard and the confirmation
        # are the kit's (``CheckedSteps``).
        self.steps = {
            Step.PICK: (self._pick_prompt, self._on_pick),
            Step.CATEGORY: (lambda ctx, state: [CATEGORY_QUESTION], self._on_category),
            Step.DETAILS: (self._details_prompt, self._on_details),
            Step.END_PAIRING: (self._end_question, self._on_end),
            Step.REMATCH: (lambda ctx, state: [REMATCH_QUESTION], self._on_rematch),
            Step.OFFER: (lambda ctx, state: [OFFER_QUESTION], self._on_offer),
        }

    @staticmethod
    def resumes(msg: Incoming) -> bool:
        """Whether the message picks up a draft put aside, rather than starting a new concern
        ("carry on with my concern", "raise a concern"; not a new concern's own words)."""
        text = msg.text.strip() if msg.action is None else ""
        if worries.carries_on(text):
            return True
        named = detect_category(text) is not None
        return not worries.details_in(text, named) and reading(text) is None

    # -- starting -------------------------------------------------------------------------

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        if ctx.enrolment() is None:
            return say(
                "Concerns are raised here by people in a mentoring scheme, and I can't "
                f"find yours. {IMMEDIATE_DANGER} Otherwise, please use your "
                "organisation's usual reporting route."
            )
        text = msg.text.strip() if msg.action is None else ""
        if worries.asks_how_to_raise(text) and worries.kind(text) is None:
            return self._how_to(ctx)  # "how do i raise a concern about my mentor?"
        read = reading(text)
        category = read or detect_category(text)
        state = ConcernState(step=Step.CATEGORY, category=category)
        if category is None and worries.just_urgent(text):  # "urgent!!": the routes at once
            state.pairing_id = only_pairing(ctx)
            routes = Text(f"{URGENT_ROUTES} {danger(ctx)} {WELLBEING_ROUTES}")
            return Turn(replies=[routes, CATEGORY_QUESTION], state=state.to_state())
        state.details = worries.details_in(text, category is not None)
        said_straight_out = read is not None and not worries.opens_concern(text)
        if said_straight_out and not state.details:
            state.details = text  # said straight out ("Tom hit a patient"): that is the concern
        pairings = queries.active_pairings(ctx.session, ctx.person_id)
        if len(pairings) == 1:
            state.pairing_id = pairings[0].id
        elif len(pairings) > 1:
            named = [
                p
                for p in pairings
                if first(ctx.name_of(queries.partner_of(p, ctx.person_id))).lower()
                in text.lower().split()
            ]
            if len(named) != 1:
                return self.ask(ctx, state, Step.PICK)
            state.pairing_id = named[0].id
        if state.details and state.is_urgent and (found := kit.patient_data_in(ctx, state.details)):
            return self._urgent_lane(ctx, state, found)
        onwards = self._onwards(ctx, state)
        lead_in = self._lead_in(ctx, state, text, read)
        heard: list[Part] = []
        if said_straight_out:
            heard = [
                Text(
                    "I'm really sorry you're feeling like this. If you'd like the project lead to "
                    "know, I've set it out below: nothing is sent until you say so."
                    if about_self_harm(text)
                    else "I'm sorry you're dealing with this. It sounds like something the "
                    "project lead should know about, so I've set it out as a concern: nothing is "
                    "sent until you say so."
                )
            ]
        return replace(onwards, replies=[*heard, *lead_in, *onwards.replies])

    def _urgent_lane(self, ctx: Context, state: ConcernState, findings: list[Finding]) -> Turn:
        """An urgent concern whose first words hold patient data: the alert goes now, with the
        details left out, and what to keep is asked after (the alert never waits for it)."""
        assert state.category is not None
        text, cleaned = state.details, remove_patient_data(state.details, findings)
        sent = send(ctx, state.category, cleaned, state.pairing_id, urgent=state.is_urgent)
        state.step, state.pending, state.details = Step.GUARD, text, cleaned
        state.sent_id = sent.outgoing[0].concern_id
        return Turn(
            replies=[
                Text(SAFETY_ROUTES),
                *sent.replies,
                Text(
                    "I left out what looks like patient details (a hospital number, a name or a "
                    "date of birth): they mustn't be kept in a concern. Shall I remove them for "
                    "good, or would you like to rewrite it?"
                ),
                Question("What would you like to do?", GUARD_CHOICES),
            ],
            outgoing=sent.outgoing,
            state=state.to_state(),
        )

    def _amend(self, ctx: Context, state: ConcernState, text: str) -> Turn:
        """The words of an urgent concern already sent (``_urgent_lane``), settled."""
        assert state.sent_id is not None
        concern = ctx.session.get(Concern, state.sent_id)
        if concern is not None and concern.raised_by_id == ctx.person_id:
            concern.text = text
            ctx.session.add(concern)
        ref = concern_ref(state.sent_id)
        return say(f"Thank you: {ref} now reads as you've settled it.")

    def _how_to(self, ctx: Context) -> Turn:
        """How raising a concern works, and an offer to start one now (nothing stored yet)."""
        state = ConcernState(step=Step.OFFER, pairing_id=only_pairing(ctx))
        partner = partner_name(ctx, state.pairing_id)
        about = f" {first(partner)} is never told what it says." if partner else ""
        return Turn(
            replies=[
                Text(
                    "You can raise a concern privately, here in this chat. It goes to "
                    f"{Handling.of(ctx, state.pairing_id).readers}, nobody else.{about} Nothing "
                    "is sent until you've seen it and said so."
                ),
                OFFER_QUESTION,
            ],
            state=state.to_state(),
        )

    def _lead_in(
        self, ctx: Context, state: ConcernState, text: str, read: Category | None
    ) -> list[Part]:
        """What a worry said in everyday words needs first, for its kind: the next step that
        usually helps, and the routes beyond the scheme."""
        category = state.category
        if not text or category is None or about_self_harm(text):
            return []
        partner = first(partner_name(ctx, state.pairing_id) or "your partner")
        if category is Category.SAFETY:
            return [Text(SAFETY_ROUTES)]
        if Category.BULLYING in (read, category):
            return [Text(SPEAK_UP)]
        if worries.kind(text) is worries.Kind.WELLBEING:
            return [Text(WELLBEING_CARE)]
        said = {
            Category.NOT_RESPONDING: f"If you haven't already, one more short message to "
            f"{partner} is worth a try. If you've heard nothing for a while, I can flag it to "
            "the project lead.",
            Category.BREAKDOWN: BREAKDOWN_ROUTE,
            Category.CIRCUMSTANCES: "Thanks for letting me know. The project lead can arrange "
            "cover or a new mentor while things change.",
        }.get(category)
        return [Text(said)] if said else []

    def _onwards(self, ctx: Context, state: ConcernState) -> Turn:
        """Ask for whatever is missing next: the category, the details, or the confirmation."""
        if state.category is None:
            state.step = Step.CATEGORY
            sorry = Text(
                "I'm sorry something is worrying you. I can pass it to the project lead as a "
                "concern, in confidence."
            )
            return Turn(replies=[sorry, CATEGORY_QUESTION], state=state.to_state())
        if not state.details:
            return self.ask(ctx, state, Step.DETAILS)
        return self._check_details(ctx, state, state.details)

    # -- prompts --------------------------------------------------------------------------

    def _pick_prompt(self, ctx: Context, state: ConcernState) -> list[Part]:
        pairings = queries.active_pairings(ctx.session, ctx.person_id)
        choices = [
            Choice(ctx.name_of(queries.partner_of(p, ctx.person_id)), PICK, str(p.id))
            for p in pairings
        ]
        choices.append(Choice("Not about one of them", PICK, "none"))
        return [Question("Who is this concern about?", tuple(choices))]

    def _who_sees(self, ctx: Context, state: ConcernState) -> str:
        partner = partner_name(ctx, state.pairing_id)
        handling = Handling.of(ctx, state.pairing_id, state.details)
        line = f"Only {handling.readers} will see this."
        if partner is not None:
            line += f" {first(partner)} won't be told what you wrote."
        if state.is_urgent:
            line = f"Safety concerns go to {handling.role} at once, marked urgent. " + line
        return line

    def _details_prompt(self, ctx: Context, state: ConcernState) -> list[Part]:
        assert state.category is not None
        partner = first(partner_name(ctx, state.pairing_id) or "your partner")
        ask = DETAILS_ASKED[state.category].format(partner=partner)
        about = f"*{CHOICE_LABELS[state.category]}.* {self._who_sees(ctx, state)}"
        return [Text(about), Text(ask)]

    def summary(self, ctx: Context, state: ConcernState) -> list[Part]:
        assert state.category is not None
        urgent = " (urgent)" if state.is_urgent else ""
        help_now: list[Part] = []
        if about_self_harm(state.details):
            help_now = [Text(SELF_HARM_HELP)]
        elif state.is_urgent and not state.danger_told:
            help_now = [Text(danger(ctx))]  # once per concern: not again above the draft
        return [
            *help_now,
            Text(
                f"Here's your concern:\n*About:* {CHOICE_LABELS[state.category]}{urgent}\n"
                f"*What you wrote:* {state.details}",
                private=True,
            ),
            Text(self._who_sees(ctx, state)),
        ]

    def _end_question(self, ctx: Context, state: ConcernState) -> list[Part]:
        partner = partner_name(ctx, state.pairing_id) or "your partner"
        handling = Handling.of(ctx, state.pairing_id, state.details)
        return [
            Text(
                f"Before I send it: do you also want to end your mentoring pairing with {partner} "
                "now? This is a no-fault exit: nobody is blamed, and your pairing stays in the "
                f"scheme's records. {first(partner)} would be told only that the pairing has "
                f"ended and that {handling.role} will be in touch, not why. If you'd rather, "
                "send it and keep the pairing for now: the steering group's chair, then the "
                "independent moderator, can talk it through with you first."
            ),
            Question("Shall I send it and keep the pairing for now, or end it now?", END_CHOICES),
        ]

    # -- steps ----------------------------------------------------------------------------

    def _on_offer(self, ctx: Context, state: ConcernState, msg: Incoming) -> Turn:
        picked = msg.action or answer(msg.text, OFFER_CHOICES, yes=OFFER_YES, no=OFFER_NO)
        if picked == OFFER_YES:
            state.category, state.details = None, ""
            return self._onwards(ctx, state)
        if picked == OFFER_NO:
            return say("That's fine. Whenever you need to, type *raise a concern*.")
        return self.again(ctx, state, "Please answer *yes* or *no*.")

    def _on_pick(self, ctx: Context, state: ConcernState, msg: Incoming) -> Turn:
        chosen = str(msg.values.get("value", "")) if msg.action == PICK else ""
        if chosen == "none":
            state.pairing_id = None
            return self._onwards(ctx, state)
        pairings = queries.active_pairings(ctx.session, ctx.person_id)
        pairing = next((p for p in pairings if str(p.id) == chosen), None)
        if pairing is None:
            return self.again(ctx, state, "Please pick one from the list.")
        state.pairing_id = pairing.id
        return self._onwards(ctx, state)

    def _on_category(self, ctx: Context, state: ConcernState, msg: Incoming) -> Turn:
        chosen: Category | None = None
        if msg.action == CATEGORY:
            value = str(msg.values.get("value", ""))
            chosen = Category(value) if value in set(Category) else None
        else:
            typed = pick(msg.text, CATEGORY_QUESTION.choices)
            if typed is not None and len(msg.text.split()) <= 2 and reading(msg.text) is None:
                chosen = Category(typed.value)  # "2", "the second one", "something else"
            else:
                # Words typed here are the concern itself as often as its category: read them
                # (harm makes it a safety concern) and keep them as the details.
                read = reading(msg.text)
                chosen = read or detect_category(msg.text)
                if not state.details:
                    details = worries.details_in(msg.text, chosen is not None)
                    if not details and (read is not None or len(msg.text.split()) >= 3):
                        details = msg.text.strip()
                    state.details = details
        if chosen is None and state.details and len(msg.text.split()) >= 3:
            chosen = Category.OTHER  # what they wrote is the concern; "Change" stays offered
        if chosen is None:
            why = (
                "Thank you, I've kept what you wrote. Which of these is it closest to? "
                if state.details
                else "Please choose the closest one; "
            )
            return self.again(ctx, state, why + "*Something else* is fine.")
        state.category = chosen
        return self._onwards(ctx, state)

    def _on_details(self, ctx: Context, state: ConcernState, msg: Incoming) -> Turn:
        text = msg.text.strip()
        if not text:
            return self.again(ctx, state, "I didn't get anything there.")
        if worries.withdraws(text) and reading(text) is None:  # "actually forget it"
            return say(
                "OK, I haven't sent anything. You can raise a concern any time: type "
                "*raise a concern*."
            )
        return self._check_details(ctx, state, text)

    def _check_details(self, ctx: Context, state: ConcernState, text: str) -> Turn:
        if state.step == Step.DETAILS and state.category is Category.SAFETY:
            state.danger_told = True  # its prompt said "call 999 first"
        _read_details(state, text)
        if len(text) > MAX_DETAILS:
            state.step, state.details = Step.DETAILS, ""
            why = (
                f"That's {len(text):,} characters, more than I can pass on in one go "
                f"({MAX_DETAILS:,}). Nothing was sent. Could you shorten it?"
            )
            return kit.reask(why, self._details_prompt(ctx, state)[1:], state.to_state())
        if kit.patient_data_in(ctx, text):
            state.pending, state.details = text, ""
            return self.ask(ctx, state, Step.GUARD)
        if state.sent_id is not None:  # rewriting an urgent concern already sent
            return self._amend(ctx, state, text)
        state.details = text
        return self.ask(ctx, state, Step.CONFIRM)

    # -- the kit's confirmation and guard (``kit.Confirming``) ------------------------------

    def confirm_choices(self, ctx: Context, state: ConcernState) -> tuple[Choice, ...]:
        return CONFIRM

    def confirm_reply(self, ctx: Context, state: ConcernState, msg: Incoming) -> Turn:
        """Read here, never by the kit's yes: "yes send it to tom" must not send it. A change
        typed in one message, the buttons, "send it" in people's own words; a "no" rewrites."""
        if (changed := self.changed(ctx, state, msg)) is not None:
            return changed
        picked = msg.action or answer(msg.text, CONFIRM, yes=SEND, no=EDIT_DETAILS)
        if picked == SEND or worries.says_send(msg.text) or worries.wants_to_raise(msg.text):
            return self.save(ctx, state)  # the details were guarded as they were given
        if picked == EDIT_DETAILS:
            return self.edit_part(ctx, state, Step.DETAILS)
        if picked == EDIT_CATEGORY or worries.changes_topic(msg.text):
            return self.edit_part(ctx, state, Step.CATEGORY)
        return self.again(ctx, state, "Please choose *Send it*, or change something first.")

    def edit_part(self, ctx: Context, state: ConcernState, part: str) -> Turn:
        if part == Step.CATEGORY:
            state.category = None
            return self.ask(ctx, state, Step.CATEGORY)
        state.step = Step.DETAILS
        wrote = Text(f"You wrote: {state.details}", private=True)
        return Turn(replies=[wrote, *self._details_prompt(ctx, state)[1:]], state=state.to_state())

    def changed(self, ctx: Context, state: ConcernState, msg: Incoming) -> Turn | None:
        """A part of the draft changed in one message ("change what I wrote to: ..."), read
        again as if it had been typed at its own question."""
        said = CHANGE_FIELD.match(msg.text.replace(" to:", " to ")) if msg.action is None else None
        part = _PARTS.find(said.group("field")) if said is not None else None
        if said is None or part is None or not (value := (said.group("value") or "").strip()):
            return None
        if part == Step.DETAILS:
            state.step = Step.DETAILS
            return self._check_details(ctx, state, value)
        typed = pick(value, CATEGORY_QUESTION.choices)
        if typed is None:
            return self.edit_part(ctx, state, Step.CATEGORY)
        state.category = Category(typed.value)
        return self._onwards(ctx, state)

    def _guarded_texts(self, state: ConcernState) -> list[str]:
        return [state.pending] if state.pending else []

    def guarded_choice(self, ctx: Context, state: ConcernState, choice: str) -> Turn:
        """The guard's answer about the details (or, in the urgent lane, about the words of the
        concern already sent): keep them, without the patient data, or write them again."""
        text, state.pending = state.pending or "", None
        if choice == GUARD_EDIT:
            state.step = Step.DETAILS
            return Turn(replies=self._details_prompt(ctx, state)[1:], state=state.to_state())
        if choice == GUARD_REMOVE:
            text = remove_patient_data(text, kit.patient_data_in(ctx, text))
        if state.sent_id is not None:
            return self._amend(ctx, state, text)
        state.details = text
        return self.ask(ctx, state, Step.CONFIRM)

    def save(self, ctx: Context, state: ConcernState) -> Turn:
        pairing = pairing_of(ctx, state.pairing_id)
        active = pairing is not None and pairing.status == PairingStatus.ACTIVE.value
        if state.category is Category.BREAKDOWN and active:
            return self.ask(ctx, state, Step.END_PAIRING)
        return self._send(ctx, state)

    def _on_end(self, ctx: Context, state: ConcernState, msg: Incoming) -> Turn:
        # A plain "yes" takes the first choice (send, and keep the pairing for now); ending it
        # is said in words ("yes, end our pairing") or pressed.
        picked = msg.action or answer(msg.text, END_CHOICES, yes=END_NO)
        if picked is None and worries.kind(msg.text) is worries.Kind.BREAKDOWN:
            picked = END_YES  # "end it", "i want to leave the pairing"
        if picked == END_YES:
            pairing = pairing_of(ctx, state.pairing_id)
            if pairing is not None and pairing.mentee_id == ctx.person_id:
                return self.ask(ctx, state, Step.REMATCH)
            return self._send(ctx, state, end_pairing=True)
        if picked == END_NO:
            return self._send(ctx, state)
        return self.again(
            ctx, state, "Please answer *yes* (send it, keep the pairing) or *end our pairing now*."
        )

    def _on_rematch(self, ctx: Context, state: ConcernState, msg: Incoming) -> Turn:
        picked = msg.action or answer(msg.text, REMATCH, yes=REMATCH_YES, no=REMATCH_NO)
        if picked in (REMATCH_YES, REMATCH_NO):
            return self._send(ctx, state, end_pairing=True, rematch=picked == REMATCH_YES)
        return self.again(ctx, state, "Please answer *yes* or *no*.")

    def _send(self, ctx: Context, state: ConcernState, **ending: Any) -> Turn:
        """Send the draft; ``ending``: ``end_pairing`` and ``rematch``, for ``send``."""
        assert state.category is not None
        category, urgent = state.category, state.is_urgent
        return send(ctx, category, state.details, state.pairing_id, urgent=urgent, **ending)
