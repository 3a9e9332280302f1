"""Raising a concern: told plainly who will see it, confirmed, then sent to the lead channel.

Map:
- ``ConcernDialog`` reads the category from the message when it is clear ("my mentor hasn't
  replied for 5 weeks" is *partner not responding*, "safeguarding" is *safety*), otherwise asks
  with choices; says who will see it ("Only the project lead, the steering group and the
  scheme's moderator will see this. Tom won't be told what you wrote."); takes the details through the patient data guard;
  confirms; then saves a ``Concern`` and writes it to the lead channel's outbox in the same turn.
- Safety concerns (patient safety, safeguarding, fitness to practise) are marked URGENT, and the
  reply (``urgent_help``) says what to do if someone is in immediate danger (999, NHS 111; the
  scheme's ``immediate_danger`` wording), then lists the scheme's referral routes.
- ``raise_concern`` is the one path that saves a concern and its lead-channel alert: this dialog
  and the safety check other dialogs run (``safety_check``) both go through ``_send``.
- A relationship breakdown may end the pairing (a no-fault exit) after a clear confirmation: the
  pairing is kept as history (``ended_early``); the partner is told only that it has ended and
  that the project lead will be in touch; a mentee is asked whether they'd like a new mentor
  (the wish goes to the lead channel and the audit log).
- The partner is never told what a concern says. Reading concerns is scoped in
  ``storage.concern_queries`` (the raiser, the project lead and the steering group only).
- One message can do it all: "I want to raise a safeguarding concern: ...". A concern said
  straight out ("Tom hit a patient", read by ``conversations.safety``) starts here with its
  words kept as the details; so do words typed at "What is it about?".
- The dialog reads its own text (``reading``): harm makes any concern urgent, with the 999
  advice (and, for someone who may want to die, ``conversations.self_harm``'s Samaritans / NHS
  111 / GP line); bullying filed as *something else* is labelled bullying.
- Anyone in a scheme may raise one. ``Handling`` says truly who reads it (the lead, the
  steering group, the moderator, never anyone in the pairing it is about) and who picks it up
  (the chair when the lead is its subject or its raiser).
- An unsent draft put aside by another request is kept (``keeps_aside``) and picked up by
  "carry on with my concern" or "raise a concern" (``resumes``); see ``conversations.engine``.

See ``concerns.mmd`` for the states.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, ClassVar

from conversations.dialogs.base import Context, Outgoing, Registry, Turn
from conversations.dialogs.lead import concern_alert
from conversations.dialogs.matching import choose_again_question, may_choose_again
from conversations.intents import IntentName
from conversations.language import concerns as worries
from conversations.language.choices import answer, pick
from conversations.language.normalise import normalise
from conversations.messages import Choice, Incoming, Part, Question, Text
from conversations.patient_data import (
    GUARD_CHOICES,
    GUARD_EDIT,
    GUARD_KEEP,
    GUARD_REMOVE,
    find_patient_data,
    guard_choice,
    guard_question,
    remove_patient_data,
)
from conversations.safety import Noticed, names_safety, notice_concern
from conversations.self_harm import SELF_HARM_HELP, about_self_harm
from storage import access, queries
from storage.models import AuditLog, Cohort, Concern, Pairing, PairingStatus, Role, Scheme

MAX_DETAILS = 5000
# Told to everyone raising an urgent concern; a scheme may word it (``immediate_danger``).
IMMEDIATE_DANGER = (
    "If someone is in immediate danger, call 999 now. For urgent medical help that isn't an "
    "emergency, call NHS 111 or go to 111.nhs.uk."
)
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
DETAILS_FROM_WORDS = 7  # a message this long that names a category is taken as the details

CATEGORY = "dialog:concern:category"
SEND = "dialog:concern:send"
EDIT_DETAILS = "dialog:concern:details"
EDIT_CATEGORY = "dialog:concern:change_category"
END_YES = "dialog:concern:end"
END_NO = "dialog:concern:keep"
REMATCH_YES = "dialog:concern:rematch_yes"
REMATCH_NO = "dialog:concern:rematch_no"
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
PICK = "dialog:concern:pick"
OFFER_YES = "dialog:concern:offer_yes"
OFFER_NO = "dialog:concern:offer_no"
OFFER_CHOICES = (Choice("Yes, start one", OFFER_YES), Choice("Not now", OFFER_NO))


class Category(StrEnum):
    DIFFICULTY = "relationship_difficulty"
    BREAKDOWN = "relationship_breakdown"
    NOT_RESPONDING = "not_responding"
    CIRCUMSTANCES = "circumstances"
    SAFETY = "safety"
    OTHER = "other"
    # Offered last, so the numbers people type for the others stay as they were.
    BULLYING = "bullying"


# What the person picks from, and what the lead channel reads.
CHOICE_LABELS = {
    Category.DIFFICULTY: "A difficulty in our mentoring relationship",
    Category.BREAKDOWN: "Relationship breakdown / no-fault exit",
    Category.NOT_RESPONDING: "My partner isn't responding",
    Category.CIRCUMSTANCES: "Change of circumstances or a long absence",
    Category.SAFETY: "Safety: patient safety, safeguarding or fitness to practise",
    Category.OTHER: "Something else",
    Category.BULLYING: "Bullying, harassment or discrimination",
}
# The choices "What is it about?" offers, numbered in this order.
OFFERED = list(CHOICE_LABELS)
LEAD_LABELS = {
    Category.DIFFICULTY: "relationship difficulty",
    Category.BREAKDOWN: "relationship breakdown / no-fault exit",
    Category.NOT_RESPONDING: "partner not responding",
    Category.CIRCUMSTANCES: "change of circumstances / long absence",
    Category.SAFETY: "safety (patient safety, safeguarding, fitness to practise)",
    Category.OTHER: "other",
    Category.BULLYING: "bullying, harassment or discrimination",
}
# Checked in this order: the most serious reading wins.
_DETECT: list[tuple[Category, re.Pattern[str]]] = [
    (
        Category.BREAKDOWN,
        re.compile(
            r"no[- ]?fault|leave the (?:scheme|programme)|(?:quit|exit) the scheme|break ?down"
            r"|broken down|end (?:the|our|my) (?:pairing|partnership|mentoring|relationship)"
            r"|(?:a |another |different )(?:new )?mentor\b|new mentor",
            re.I,
        ),
    ),
    (
        Category.NOT_RESPONDING,
        re.compile(
            r"not (?:been )?respond|n[o']t (?:been )?respond|(?:has|have)(?:n't| not) (?:replied"
            r"|responded|got back|been in touch|heard)|no (?:reply|replies|response|answer)"
            r"|not (?:replied|answering|heard)|\bignor|\bghost|unresponsive|won't (?:reply|answer)"
            r"|stopped (?:replying|answering|responding)",
            re.I,
        ),
    ),
    (
        Category.CIRCUMSTANCES,
        re.compile(
            r"absence|\boff sick|sick leave|\billness|maternity|paternity|parental leave"
            r"|career break|change (?:of|in) (?:my )?(?:circumstances|role|job)|new job"
            r"|changing jobs|leaving my (?:job|post|role)|secondment|\baway for\b",
            re.I,
        ),
    ),
    (
        Category.DIFFICULTY,
        re.compile(
            r"difficult|not getting on|(?:don't|do not|don’t) get on|\bclash|uncomfortable"
            r"|disagree|tension|awkward|friction|\brude\b|dismissive|not working",
            re.I,
        ),
    ),
]


class Step(StrEnum):
    PICK = "pick"
    CATEGORY = "category"
    DETAILS = "details"
    GUARD = "guard"
    CONFIRM = "confirm"
    END_PAIRING = "end_pairing"
    REMATCH = "rematch"
    OFFER = "offer"


def detect_category(text: str) -> Category | None:
    """The category a message clearly names, or None. Safety (the most serious) wins."""
    if names_safety(text):
        return Category.SAFETY
    plain = normalise(text)
    named = next(
        (c for c, pattern in _DETECT if pattern.search(text) or pattern.search(plain)), None
    )
    read = _KIND_CATEGORY.get(worries.kind(text))
    found = [c for c in (named, read) if c is not None]
    # The more serious reading wins ("it's not working, can i end it?" is a breakdown).
    return min(found, key=_SERIOUSNESS.index) if found else None


_SERIOUSNESS = [
    Category.SAFETY,
    Category.BREAKDOWN,
    Category.NOT_RESPONDING,
    Category.CIRCUMSTANCES,
    Category.DIFFICULTY,
    Category.BULLYING,
    Category.OTHER,
]
# The everyday kinds of worry (``conversations.language.concerns``) as categories: a new
# mentor wished for is a breakdown the steering group decides on; someone's own wellbeing is
# offered to the lead as "something else".
_KIND_CATEGORY: dict[worries.Kind | None, Category] = {
    worries.Kind.SAFETY: Category.SAFETY,
    worries.Kind.REMATCH: Category.BREAKDOWN,
    worries.Kind.BREAKDOWN: Category.BREAKDOWN,
    worries.Kind.NOT_RESPONDING: Category.NOT_RESPONDING,
    worries.Kind.CIRCUMSTANCES: Category.CIRCUMSTANCES,
    worries.Kind.DIFFICULTY: Category.DIFFICULTY,
    worries.Kind.WELLBEING: Category.OTHER,
}


# "raise a concern", "I want to report a safeguarding concern": the words that open the dialog,
# as opposed to a concern said straight out ("Tom hit a patient").
_OPENING = re.compile(r"\b(?:raise|report|have|got|log|flag)\b.{0,30}\b(?:concern|issue)\b", re.I)


def reading(text: str) -> Category | None:
    """What the shared detector reads in ``text``: safety (self-harm included), bullying, or
    None. Unlike ``detect_category`` this reads what happened, not the words for a topic."""
    if about_self_harm(text):
        return Category.SAFETY
    noticed = notice_concern(text)
    if noticed is Noticed.SAFETY:
        return Category.SAFETY
    if noticed is Noticed.BULLYING:
        return Category.BULLYING
    return None


def is_urgent(state: dict[str, Any]) -> bool:
    """A safety concern, or one whose text reads as safety whatever it was filed under."""
    return state.get("category") == Category.SAFETY.value or bool(state.get("urgent"))


# "yes please send it", "send it now", "send my concern": said at the draft, it means send.
_SEND_SAID = re.compile(
    r"(?:(?:yes|yeah|ok|okay)[\s,]+)?(?:please\s+)?send\s+(?:it|my\s+concern|the\s+concern)"
    r"(?:\s+(?:now|please|to\s+the\s+lead))*"
)


def _words(text: str) -> str:
    return re.sub(r"[\s.!]+$", "", text.strip().lower())


def _first(name: str) -> str:
    return name.split(" ", 1)[0]


def _details_in(text: str, category: Category | None) -> str:
    """Details carried by the opening message: after a colon, or the whole of a long message."""
    _, colon, rest = text.partition(":")
    if colon and len(rest.strip()) >= 3:
        return rest.strip()
    if category is not None and len(text.split()) >= DETAILS_FROM_WORDS:
        return text.strip()
    return ""


def _read_details(state: dict[str, Any], text: str) -> dict[str, Any]:
    """``state`` with what the details describe taken into account: harm makes any concern
    urgent (and a safety concern, unless it may end the pairing); bullying filed as *something
    else* is bullying."""
    read = reading(text)
    category = state.get("category")
    if read is Category.SAFETY and category != Category.SAFETY.value:
        if category == Category.BREAKDOWN.value:
            return {**state, "urgent": True}
        return {**state, "category": Category.SAFETY.value, "urgent": True}
    if read is Category.BULLYING and category == Category.OTHER.value:
        return {**state, "category": Category.BULLYING.value}
    return state


def _danger(ctx: Context) -> str:
    return ctx.settings().immediate_danger or IMMEDIATE_DANGER


@dataclass(frozen=True)
class Handling:
    """Who can read a concern and who will pick it up, told truly to the person raising it:
    nobody in the pairing it is about, nor the raiser themselves, handles it."""

    readers: str  # "the project lead, the steering group and the scheme's moderator"
    name: str  # "Morgan Ellis", or "The steering group" when nobody is named
    role: str  # "the project lead", "the steering group chair"

    @staticmethod
    def of(ctx: Context, cohort_id: int, pairing: Pairing | None, text: str = "") -> Handling:
        """By the rule every surface uses (``storage.access``): its subjects (the pairing, the
        raiser's former partners, the readers ``text`` names) are left out."""
        draft = Concern(
            cohort_id=cohort_id,
            pairing_id=pairing.id if pairing is not None else None,
            raised_by_id=ctx.person_id,
            category="",
            text=text,
            created_at=ctx.now,
        )
        left_out = access.draft_subjects(ctx.session, draft) | {ctx.person_id}
        who = {p: r for p, r in access.readers(ctx.session, cohort_id).items() if p not in left_out}

        def holding(*roles: Role) -> list[str]:
            held = {role.value for role in roles}
            return [ctx.name_of(p) for p in sorted(who) if who[p] in held]

        leads, chairs, moderators = (
            holding(Role.LEAD),
            holding(Role.STEERING_CHAIR),
            holding(Role.MODERATOR),
        )
        groups = [
            ("the project lead", bool(leads)),
            ("the steering group", bool(chairs or holding(Role.STEERING_MEMBER))),
            ("the scheme's moderator", bool(moderators)),
        ]
        named = [label for label, present in groups if present] or ["the steering group"]
        readers = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
        if leads:
            return Handling(readers, leads[0], "the project lead")
        if chairs:
            return Handling(readers, chairs[0], "the steering group chair")
        if moderators:
            return Handling(readers, moderators[0], "the scheme's moderator")
        return Handling(readers, "The steering group", "the steering group")


class ConcernDialog:
    """Category, who will see it, details (guarded), confirm; a breakdown may end the pairing."""

    name: ClassVar[str] = "concern"
    title: ClassVar[str] = "Your concern"
    schema_version: ClassVar[int] = 1
    # An unsent concern put aside by another request is kept to pick up (``resumes``).
    keeps_aside: ClassVar[bool] = True

    @staticmethod
    def resumes(msg: Incoming) -> bool:
        """Whether the message picks up a draft put aside, rather than starting a new concern
        ("carry on with my concern", "raise a concern"; not a new concern's own words)."""
        text = msg.text.strip() if msg.action is None else ""
        if re.match(r"carry on with my concern\b", text, re.I):
            return True
        return not _details_in(text, detect_category(text)) and reading(text) is None

    # -- starting -------------------------------------------------------------------------

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        if ctx.enrolment() is None:
            return Turn(replies=[self._not_for_you()])
        text = msg.text.strip() if msg.action is None else ""
        if worries.asks_how_to_raise(text) and worries.kind(text) is None:
            return self._how_to(ctx)  # "how do i raise a concern about my mentor?"
        read = reading(text)
        category = read or detect_category(text)
        if category is None and worries.just_urgent(text):  # "urgent!!": the routes at once
            asking = {"step": Step.CATEGORY.value, "category": None, "details": "",
                      "pairing_id": self._only_pairing(ctx)}  # fmt: skip
            return Turn(
                replies=[Text(f"{URGENT_ROUTES} {_danger(ctx)} {WELLBEING_ROUTES}"),
                         self._category_question()],
                state=asking,
            )  # fmt: skip
        details = _details_in(text, category)
        said_straight_out = read is not None and not _OPENING.search(text)
        if said_straight_out and not details:
            details = text  # said straight out ("Tom hit a patient"): that is the concern
        state: dict[str, Any] = {
            "step": Step.CATEGORY.value,
            "category": category.value if category else None,
            "details": details,
            "pairing_id": None,
        }
        pairings = queries.active_pairings(ctx.session, ctx.person_id)
        if len(pairings) == 1:
            state["pairing_id"] = pairings[0].id
        elif len(pairings) > 1:
            named = [
                p for p in pairings
                if _first(ctx.name_of(queries.partner_of(p, ctx.person_id))).lower()
                in text.lower().split()
            ]  # fmt: skip
            if len(named) == 1:
                state["pairing_id"] = named[0].id
            else:
                state["step"] = Step.PICK.value
                return Turn(replies=[self._pick_question(ctx, pairings)], state=state)
        findings = self._findings(ctx, details) if details else []
        if findings and is_urgent(state) and state.get("step") != Step.PICK.value:
            return self._urgent_lane(ctx, state, details, findings)
        onwards = self._onwards(ctx, state)
        lead_in = self._lead_in(ctx, {**state, **(onwards.state or {})}, text, read)
        if not said_straight_out:
            return replace(onwards, replies=[*lead_in, *onwards.replies])
        heard = Text(
            "I'm really sorry you're feeling like this. If you'd like the project lead to know, "
            "I've set it out below: nothing is sent until you say so."
            if about_self_harm(text)
            else "I'm sorry you're dealing with this. It sounds like something the project lead "
            "should know about, so I've set it out as a concern: nothing is sent until you say so."
        )
        return replace(onwards, replies=[heard, *lead_in, *onwards.replies])

    def _urgent_lane(
        self, ctx: Context, state: dict[str, Any], text: str, findings: list[Any]
    ) -> Turn:
        """An urgent concern whose first words hold patient data: the alert goes now, with the
        details left out, and what to keep is asked after (the alert never waits for it)."""
        cleaned = remove_patient_data(text, findings)
        sent = self._send(ctx, {**state, "details": cleaned}, end_pairing=False, rematch=None)
        asking = {
            **state,
            "step": Step.GUARD.value,
            "pending": text,
            "details": cleaned,
            "sent_id": sent.outgoing[0].concern_id,
        }
        return Turn(
            replies=[
                Text(SAFETY_ROUTES),
                *sent.replies,
                Text(
                    "I left out what looks like patient details (a hospital number, a name or a "
                    "date of birth): they mustn't be kept in a concern. Shall I remove them for good, "
                    "or would you like to rewrite it?"
                ),
                Question("What would you like to do?", GUARD_CHOICES),
            ],
            outgoing=sent.outgoing,
            state=asking,
        )

    def _amend(self, ctx: Context, state: dict[str, Any], text: str) -> Turn:
        """The words of an urgent concern already sent (``_urgent_lane``), settled."""
        concern = ctx.session.get(Concern, state["sent_id"])
        if concern is not None and concern.raised_by_id == ctx.person_id:
            concern.text = text
            ctx.session.add(concern)
        ref = concern_ref(int(state["sent_id"]))
        return Turn(replies=[Text(f"Thank you: {ref} now reads as you've settled it.")])

    def _only_pairing(self, ctx: Context) -> int | None:
        pairings = queries.active_pairings(ctx.session, ctx.person_id)
        return pairings[0].id if len(pairings) == 1 else None

    def _how_to(self, ctx: Context) -> Turn:
        """How raising a concern works, and an offer to start one now (nothing stored yet)."""
        state: dict[str, Any] = {"step": Step.OFFER.value, "pairing_id": self._only_pairing(ctx)}
        partner = self._partner_name(ctx, state)
        about = f" {_first(partner)} is never told what it says." if partner else ""
        return Turn(
            replies=[
                Text(
                    "You can raise a concern privately, here in this chat. It goes to "
                    f"{self._handling(ctx, state).readers}, nobody else.{about} Nothing is sent "
                    "until you've seen it and said so."
                ),
                Question("Would you like to start one now?", OFFER_CHOICES),
            ],
            state=state,
        )

    def _lead_in(
        self, ctx: Context, state: dict[str, Any], text: str, read: Category | None
    ) -> list[Part]:
        """What a worry said in everyday words needs first, for its kind: the next step that
        usually helps, and the routes beyond the scheme."""
        category = state.get("category")
        if not text or category is None or about_self_harm(text):
            return []
        partner = _first(self._partner_name(ctx, state) or "your partner")
        kind = worries.kind(text)
        if category == Category.SAFETY.value:
            return [Text(SAFETY_ROUTES)]
        if read is Category.BULLYING or category == Category.BULLYING.value:
            return [Text(SPEAK_UP)]
        if kind is worries.Kind.WELLBEING:
            return [Text(WELLBEING_CARE)]
        if category == Category.NOT_RESPONDING.value:
            return [
                Text(
                    f"If you haven't already, one more short message to {partner} is worth a "
                    "try. If you've heard nothing for a while, I can flag it to the project lead."
                )
            ]
        if category == Category.BREAKDOWN.value:
            return [Text(BREAKDOWN_ROUTE)]
        if category == Category.CIRCUMSTANCES.value:
            return [
                Text(
                    "Thanks for letting me know. The project lead can arrange cover or a new "
                    "mentor while things change."
                )
            ]
        return []

    @staticmethod
    def _not_for_you() -> Text:
        return Text(
            "Concerns are raised here by people in a mentoring scheme, and I can't find yours. "
            f"{IMMEDIATE_DANGER} Otherwise, please use your organisation's usual reporting route."
        )

    def _pick_question(self, ctx: Context, pairings: list[Pairing]) -> Question:
        choices = [
            Choice(ctx.name_of(queries.partner_of(p, ctx.person_id)), PICK, str(p.id))
            for p in pairings
        ]
        choices.append(Choice("Not about one of them", PICK, "none"))
        return Question("Who is this concern about?", tuple(choices))

    def _onwards(self, ctx: Context, state: dict[str, Any]) -> Turn:
        """Ask for whatever is missing next: the category, the details, or the confirmation."""
        if not state.get("category"):
            state = {**state, "step": Step.CATEGORY.value}
            return Turn(
                replies=[Text("I'm sorry something is worrying you. I can pass it to the project "
                              "lead as a concern, in confidence."), self._category_question()],
                state=state,
            )  # fmt: skip
        if not state.get("details"):
            state = {**state, "step": Step.DETAILS.value}
            return Turn(replies=self._details_prompt(ctx, state), state=state)
        return self._check_details(ctx, state, str(state["details"]))

    # -- prompts --------------------------------------------------------------------------

    @staticmethod
    def _category_question() -> Question:
        return Question(
            "What is it about?",
            tuple(Choice(CHOICE_LABELS[c], CATEGORY, c.value) for c in OFFERED),
        )

    def _partner_name(self, ctx: Context, state: dict[str, Any]) -> str | None:
        pairing = self._pairing(ctx, state)
        if pairing is None:
            return None
        return ctx.name_of(queries.partner_of(pairing, ctx.person_id))

    def _pairing(self, ctx: Context, state: dict[str, Any]) -> Pairing | None:
        if state.get("pairing_id") is None:
            return None
        pairing = ctx.session.get(Pairing, state["pairing_id"])
        if pairing is None or ctx.person_id not in (pairing.mentee_id, pairing.mentor_id):
            return None
        return pairing

    def _cohort_id(self, ctx: Context, state: dict[str, Any]) -> int:
        cohort_id = self._cohort(ctx, self._pairing(ctx, state)).id
        assert cohort_id is not None
        return cohort_id

    def _handling(self, ctx: Context, state: dict[str, Any]) -> Handling:
        pairing = self._pairing(ctx, state)
        text = str(state.get("details") or "")
        return Handling.of(ctx, self._cohort_id(ctx, state), pairing, text)

    def _who_sees(self, ctx: Context, state: dict[str, Any]) -> str:
        partner = self._partner_name(ctx, state)
        handling = self._handling(ctx, state)
        line = f"Only {handling.readers} will see this."
        if partner is not None:
            line += f" {_first(partner)} won't be told what you wrote."
        if is_urgent(state):
            line = f"Safety concerns go to {handling.role} at once, marked urgent. " + line
        return line

    def _details_prompt(self, ctx: Context, state: dict[str, Any]) -> list[Part]:
        partner = _first(self._partner_name(ctx, state) or "your partner")
        category = Category(state["category"])
        ask = {
            Category.NOT_RESPONDING: f"Please tell me what's happened: when did you last hear from "
            f"{partner}, and how have you tried to reach them?",
            Category.SAFETY: "If someone is in immediate danger, call 999 first. Then please "
            "describe the concern here. Leave out patient names and anything else that identifies "
            "a patient.",
            Category.BREAKDOWN: "Please tell me what's happened. Afterwards I'll ask whether you "
            "want to end your pairing.",
            Category.CIRCUMSTANCES: "What has changed, and for how long? (If you can, let "
            f"{partner} know too: a short note that you'll be away is enough.)",
            Category.DIFFICULTY: "What's been difficult? If you haven't yet, it usually helps to "
            f"talk it through with {partner} first; the project lead can help if that doesn't "
            "work.",
            Category.OTHER: "Please tell me about it in a few lines.",
            Category.BULLYING: "Please tell me what's happened, and when. You don't have to "
            "raise it with the person first.",
        }[category]
        return [Text(f"*{CHOICE_LABELS[category]}.* {self._who_sees(ctx, state)}"), Text(ask)]

    def _confirmation(self, ctx: Context, state: dict[str, Any]) -> list[Part]:
        category = Category(state["category"])
        urgent = " (urgent)" if is_urgent(state) else ""
        help_now: list[Part] = []
        if about_self_harm(str(state["details"])):
            help_now = [Text(SELF_HARM_HELP)]
        elif is_urgent(state) and not state.get("danger_told"):
            help_now = [Text(_danger(ctx))]  # once per concern: not again above the draft
        return [
            *help_now,
            Text(
                f"Here's your concern:\n*About:* {CHOICE_LABELS[category]}{urgent}\n"
                f"*What you wrote:* {state['details']}",
                private=True,
            ),
            Text(self._who_sees(ctx, state)),
            Question("Shall I send it to the project lead?", CONFIRM),
        ]

    def _end_question(self, ctx: Context, state: dict[str, Any]) -> list[Part]:
        partner = self._partner_name(ctx, state) or "your partner"
        handling = self._handling(ctx, state)
        return [
            Text(
                f"Before I send it: do you also want to end your mentoring pairing with {partner} "
                "now? This is a no-fault exit: nobody is blamed, and your pairing stays in the "
                f"scheme's records. {_first(partner)} would be told only that the pairing has "
                f"ended and that {handling.role} will be in touch, not why. If you'd rather, "
                "send it and keep the pairing for now: the steering group's chair, then the "
                "independent moderator, can talk it through with you first."
            ),
            Question(
                "Shall I send it and keep the pairing for now, or end it now?",
                END_CHOICES,
            ),
        ]

    @staticmethod
    def _rematch_question() -> Question:
        return Question(
            "The steering group will offer you a new mentor if you'd like one. Would you?",
            REMATCH,
        )

    def prompt(self, ctx: Context, state: dict[str, Any]) -> list[Part]:
        step = Step(state["step"])
        if step is Step.PICK:
            return [self._pick_question(ctx, queries.active_pairings(ctx.session, ctx.person_id))]
        if step is Step.CATEGORY:
            return [self._category_question()]
        if step is Step.DETAILS:
            return self._details_prompt(ctx, state)
        if step is Step.GUARD:
            return guard_question(self._findings(ctx, state["pending"]), "a concern")
        if step is Step.CONFIRM:
            return self._confirmation(ctx, state)
        if step is Step.END_PAIRING:
            return self._end_question(ctx, state)
        if step is Step.OFFER:
            return [Question("Would you like to start one now?", OFFER_CHOICES)]
        return [self._rematch_question()]

    # -- steps ----------------------------------------------------------------------------

    def step(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        step = Step(state["step"])
        if step is Step.PICK:
            return self._on_pick(ctx, state, msg)
        if step is Step.CATEGORY:
            return self._on_category(ctx, state, msg)
        if step is Step.DETAILS:
            return self._on_details(ctx, state, msg)
        if step is Step.GUARD:
            return self._on_guard(ctx, state, msg)
        if step is Step.CONFIRM:
            return self._on_confirm(ctx, state, msg)
        if step is Step.END_PAIRING:
            return self._on_end(ctx, state, msg)
        if step is Step.OFFER:
            return self._on_offer(ctx, state, msg)
        return self._on_rematch(ctx, state, msg)

    def _on_offer(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        picked = msg.action or answer(msg.text, OFFER_CHOICES, yes=OFFER_YES, no=OFFER_NO)
        if picked == OFFER_YES:
            return self._onwards(ctx, {**state, "category": None, "details": ""})
        if picked == OFFER_NO:
            return Turn(
                replies=[Text("That's fine. Whenever you need to, type *raise a concern*.")]
            )
        return self._reask(ctx, state, "Please answer *yes* or *no*.")

    def _reask(self, ctx: Context, state: dict[str, Any], why: str) -> Turn:
        return Turn(replies=[Text(why), *self.prompt(ctx, state)], state=state, advanced=False)

    def _on_pick(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        chosen = str(msg.values.get("value", "")) if msg.action == PICK else ""
        if chosen == "none":
            return self._onwards(ctx, {**state, "pairing_id": None})
        pairing = None
        if chosen.isdigit():
            pairing = next(
                (p for p in queries.active_pairings(ctx.session, ctx.person_id)
                 if p.id == int(chosen)),
                None,
            )  # fmt: skip
        if pairing is None:
            return self._reask(ctx, state, "Please pick one from the list.")
        return self._onwards(ctx, {**state, "pairing_id": pairing.id})

    def _on_category(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        chosen: Category | None = None
        if msg.action == CATEGORY:
            try:
                chosen = Category(str(msg.values.get("value", "")))
            except ValueError:
                chosen = None
        else:
            typed = pick(msg.text, self._category_question().choices)
            if typed is not None and len(msg.text.split()) <= 2 and reading(msg.text) is None:
                chosen = Category(typed.value)  # "2", "the second one", "something else"
            else:
                # Words typed here are the concern itself as often as its category: read them
                # (harm makes it a safety concern) and keep them as the details.
                read = reading(msg.text)
                chosen = read or detect_category(msg.text)
                if not state.get("details"):
                    details = _details_in(msg.text, chosen)
                    if not details and (read is not None or len(msg.text.split()) >= 3):
                        details = msg.text.strip()
                    if details:
                        state = {**state, "details": details}
        if chosen is None and state.get("details") and len(msg.text.split()) >= 3:
            chosen = Category.OTHER  # what they wrote is the concern; "Change" stays offered
        if chosen is None:
            if state.get("details"):
                return self._reask(
                    ctx, state, "Thank you, I've kept what you wrote. Which of these is it "
                    "closest to? *Something else* is fine."
                )  # fmt: skip
            return self._reask(
                ctx, state, "Please choose the closest one; *Something else* is fine."
            )
        return self._onwards(ctx, {**state, "category": chosen.value})

    def _on_details(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        text = msg.text.strip()
        if not text:
            return self._reask(ctx, state, "I didn't get anything there.")
        if worries.withdraws(text) and reading(text) is None:  # "actually forget it"
            return Turn(
                replies=[Text("OK, I haven't sent anything. You can raise a concern any time: "
                              "type *raise a concern*.")]
            )  # fmt: skip
        return self._check_details(ctx, state, text)

    def _check_details(self, ctx: Context, state: dict[str, Any], text: str) -> Turn:
        if state.get("step") == Step.DETAILS.value and state.get("category") == (
            Category.SAFETY.value
        ):
            state = {**state, "danger_told": True}  # its prompt said "call 999 first"
        state = _read_details(state, text)
        if len(text) > MAX_DETAILS:
            asking = {**state, "step": Step.DETAILS.value, "details": ""}
            return Turn(
                replies=[
                    Text(
                        f"That's {len(text):,} characters, more than I can pass on in one go "
                        f"({MAX_DETAILS:,}). Nothing was sent. Could you shorten it?"
                    ),
                    *self._details_prompt(ctx, asking)[1:],
                ],
                state=asking,
                advanced=False,
            )
        findings = self._findings(ctx, text)
        if findings:
            guarded = {**state, "step": Step.GUARD.value, "pending": text, "details": ""}
            return Turn(replies=guard_question(findings, "a concern"), state=guarded)
        if state.get("sent_id") is not None:  # rewriting an urgent concern already sent
            return self._amend(ctx, state, text)
        confirming = {**state, "step": Step.CONFIRM.value, "details": text}
        return Turn(replies=self._confirmation(ctx, confirming), state=confirming)

    def _findings(self, ctx: Context, text: str) -> list[Any]:
        return find_patient_data(text, ctx.settings().hospital_number_pattern)

    def _on_guard(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        pending = str(state.get("pending", ""))
        base = {k: v for k, v in state.items() if k != "pending"}
        choice = guard_choice(msg.action, msg.text)
        if state.get("sent_id") is not None and choice in (GUARD_REMOVE, GUARD_KEEP):
            cleaned = remove_patient_data(pending, self._findings(ctx, pending))
            return self._amend(ctx, state, cleaned if choice == GUARD_REMOVE else pending)
        if choice == GUARD_REMOVE:
            cleaned = remove_patient_data(pending, self._findings(ctx, pending))
            confirming = {**base, "step": Step.CONFIRM.value, "details": cleaned}
            return Turn(replies=self._confirmation(ctx, confirming), state=confirming)
        if choice == GUARD_KEEP:
            confirming = {**base, "step": Step.CONFIRM.value, "details": pending}
            return Turn(replies=self._confirmation(ctx, confirming), state=confirming)
        if choice == GUARD_EDIT:
            asking = {**base, "step": Step.DETAILS.value}
            return Turn(replies=self._details_prompt(ctx, asking)[1:], state=asking)
        return self._reask(ctx, state, "Please choose one of these.")

    def _on_confirm(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        word = _words(msg.text)
        picked = msg.action or answer(msg.text, CONFIRM, yes=SEND, no=EDIT_DETAILS)
        if picked == SEND or _SEND_SAID.fullmatch(word) or worries.wants_to_raise(msg.text):
            if state["category"] == Category.BREAKDOWN.value and self._pairing_active(ctx, state):
                asking = {**state, "step": Step.END_PAIRING.value}
                return Turn(replies=self._end_question(ctx, asking), state=asking)
            return self._send(ctx, state, end_pairing=False, rematch=None)
        if picked == EDIT_DETAILS:
            asking = {**state, "step": Step.DETAILS.value}
            return Turn(
                replies=[Text(f"You wrote: {state['details']}", private=True),
                         *self._details_prompt(ctx, asking)[1:]],
                state=asking,
            )  # fmt: skip
        if (
            picked == EDIT_CATEGORY
            or word.startswith("change the category")
            or word
            in {
                "change what it's about",
                "category",
            }
        ):
            asking = {**state, "step": Step.CATEGORY.value, "category": None}
            return Turn(replies=[self._category_question()], state=asking)
        return self._reask(ctx, state, "Please choose *Send it*, or change something first.")

    def _pairing_active(self, ctx: Context, state: dict[str, Any]) -> bool:
        pairing = self._pairing(ctx, state)
        return pairing is not None and pairing.status == PairingStatus.ACTIVE.value

    def _on_end(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        # A plain "yes" takes the first choice (send, and keep the pairing for now); ending it
        # is said in words ("yes, end our pairing") or pressed.
        picked = msg.action or answer(msg.text, END_CHOICES, yes=END_NO)
        if picked is None and worries.kind(msg.text) is worries.Kind.BREAKDOWN:
            picked = END_YES  # "end it", "i want to leave the pairing"
        if picked == END_YES:
            pairing = self._pairing(ctx, state)
            if pairing is not None and pairing.mentee_id == ctx.person_id:
                asking = {**state, "step": Step.REMATCH.value}
                return Turn(replies=[self._rematch_question()], state=asking)
            return self._send(ctx, state, end_pairing=True, rematch=None)
        if picked == END_NO:
            return self._send(ctx, state, end_pairing=False, rematch=None)
        return self._reask(
            ctx, state, "Please answer *yes* (send it, keep the pairing) or *end our pairing now*."
        )

    def _on_rematch(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        picked = msg.action or answer(msg.text, REMATCH, yes=REMATCH_YES, no=REMATCH_NO)
        if picked == REMATCH_YES:
            return self._send(ctx, state, end_pairing=True, rematch=True)
        if picked == REMATCH_NO:
            return self._send(ctx, state, end_pairing=True, rematch=False)
        return self._reask(ctx, state, "Please answer *yes* or *no*.")

    # -- sending --------------------------------------------------------------------------

    def _cohort(self, ctx: Context, pairing: Pairing | None) -> Cohort:
        if pairing is not None:
            cohort = ctx.session.get(Cohort, pairing.cohort_id)
            assert cohort is not None
            return cohort
        enrolment = ctx.enrolment(Role.MENTEE.value, Role.MENTOR.value) or ctx.enrolment()
        assert enrolment is not None
        return enrolment.cohort

    def _send(
        self, ctx: Context, state: dict[str, Any], *, end_pairing: bool, rematch: bool | None
    ) -> Turn:
        category = Category(state["category"])
        urgent = is_urgent(state)
        pairing = self._pairing(ctx, state)
        if pairing is not None and pairing.status != PairingStatus.ACTIVE.value:
            end_pairing = False
        cohort = self._cohort(ctx, pairing)
        scheme = ctx.session.get(Scheme, cohort.scheme_id)
        assert scheme is not None
        assert cohort.id is not None
        me = ctx.person.display_name
        concern = Concern(
            cohort_id=cohort.id,
            raised_by_id=ctx.person_id,
            pairing_id=pairing.id if pairing is not None else None,
            category=category.value,
            text=str(state["details"]),
            urgent=urgent,
            created_at=ctx.now,
        )
        ctx.session.add(concern)
        ctx.session.flush()
        assert concern.id is not None
        access.record_named_subjects(ctx.session, concern, ctx.now)  # kept from whom it names
        # The lead channel gets no text and no names: readers open it in their own chat.
        lead_note = ""
        partner_id: int | None = None
        partner_name: str | None = None
        if pairing is not None:
            partner_id = queries.partner_of(pairing, ctx.person_id)
            partner_name = ctx.name_of(partner_id)

        outgoing: list[Outgoing] = []
        handling = Handling.of(ctx, cohort.id, pairing, concern.text)
        replies: list[Part] = [
            Text(
                f"Sent to {handling.role}"
                + (", marked urgent. " if urgent else ". ")
                + f"Only {handling.readers} will see it"
                + (f"; {_first(partner_name)} won't be told what you wrote." if partner_name
                   else ".")
                + f" {handling.name} will be in touch. It's {concern_ref(concern.id)}: to see "
                "where it has got to, ask me *what happened to my concern?*"
            )
        ]  # fmt: skip
        if urgent:
            replies.append(urgent_help(ctx, str(state["details"])))
        if end_pairing and pairing is not None and partner_name is not None:
            pairing.status = PairingStatus.ENDED_EARLY.value
            pairing.ended_at = ctx.now
            pairing.end_reason = "no-fault exit"
            ctx.session.add(pairing)
            ctx.session.add(
                AuditLog(
                    at=ctx.now,
                    actor_id=ctx.person_id,
                    action="pairing_ended",
                    subject=f"pairing:{pairing.id}",
                    detail={"reason": "no-fault exit"},
                )
            )
            wish = ""
            if rematch is not None:
                wish = " They would like a new mentor." if rematch else (
                    " They don't want a new mentor for now."
                )  # fmt: skip
                ctx.session.add(
                    AuditLog(
                        at=ctx.now,
                        actor_id=ctx.person_id,
                        action="rematch_wish",
                        subject=f"pairing:{pairing.id}",
                        detail={"wants_new_mentor": rematch},
                    )
                )
            lead_note = f" The pairing has ended (a no-fault exit).{wish}"
            assert partner_id is not None
            outgoing.append(
                Outgoing(
                    parts=(
                        Text(
                            f"Your mentoring pairing with {me} has ended. {handling.name}, "
                            f"{handling.role}, will be in touch with you about what happens next."
                        ),
                    ),
                    recipient_id=partner_id,
                )
            )
            ended = (
                f"Your pairing with {partner_name} has ended; it stays in the scheme's records as "
                f"a no-fault exit. {_first(partner_name)} has been told only that it has ended."
            )
            choose_again = rematch is True and may_choose_again(ctx, pairing)
            if choose_again:
                ended += (
                    " The steering group will match you with a new mentor: first, choose your "
                    "new top three."
                )
            elif rematch:
                ended += " The steering group will be in touch about a new mentor."
            elif rematch is False:
                ended += " If you change your mind about a new mentor, tell the project lead."
            replies.append(Text(ended))
            if choose_again:
                replies.append(choose_again_question())
        lead_parts = concern_alert(
            concern_ref(concern.id), LEAD_LABELS[category], urgent, cohort.name, lead_note
        )
        outgoing.insert(
            0,
            Outgoing(
                parts=tuple(lead_parts),
                channel=scheme.lead_channel,
                scheme_id=scheme.id,
                kind="concern",
                priority=0 if urgent else 1,
                concern_id=concern.id,
            ),
        )
        return Turn(replies=replies, outgoing=outgoing)


def concern_ref(concern_id: int) -> str:
    return f"C{concern_id}"


def urgent_help(ctx: Context, details: str = "") -> Text:
    """What to do if someone is in immediate danger (or thinking of ending their life, when
    ``details`` say so), then the scheme's referral routes."""
    routes = ctx.settings().referral_routes
    lines = [
        SELF_HARM_HELP if about_self_harm(details) else _danger(ctx),
        "Please also use your organisation's usual reporting route"
        + (". Other places to turn:" if routes else "."),
    ]
    lines += [f"• *{route.name}*: {route.contact}" for route in routes]
    return Text("\n".join(lines))


def readers(ctx: Context, pairing_id: int | None) -> str:
    """Who would read a concern this person raised about ``pairing_id`` (or about no pairing):
    "the project lead, the steering group and the scheme's moderator"."""
    dialog = ConcernDialog()
    state = {"pairing_id": pairing_id}
    pairing = dialog._pairing(ctx, state)
    return Handling.of(ctx, dialog._cohort_id(ctx, state), pairing).readers


def raise_concern(ctx: Context, category: Category, details: str, pairing_id: int | None) -> Turn:
    """Save a concern and write its lead-channel alert: the one path every concern takes (the
    concern dialog, and one noticed inside another dialog). The replies say what happens next."""
    state = {"category": category.value, "details": details, "pairing_id": pairing_id}
    return ConcernDialog()._send(ctx, state, end_pairing=False, rematch=None)


def register(registry: Registry) -> None:
    """Wire this journey's intents, dialogs and button routes into ``registry``."""
    registry.add_dialog(ConcernDialog(), IntentName.CONCERN)
    registry.answers.pop(IntentName.CONCERN, None)
