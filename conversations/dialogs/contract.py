"""The mentoring contract: both partners agree its fields in chat and each signs with "I agree".

Map:
- ``ContractDialog`` asks for what is missing: the shared fields (our plan for meeting,
  confidentiality rules, purpose and objectives) and the speaker's own best way/time to be
  reached; shows the whole contract; then the person signs ("I agree"), saves it unsigned, or
  changes a field ("change the plan to fortnightly calls", "change 2").
- Either partner can start. Saving tells the partner (an outbox message with a "Review and sign"
  button, action ``contract:review:<pairing id>``). Changing a shared field clears any signature
  already given, and the partner is told. When both have signed, both are told and the project
  team gets a copy in the lead channel.
- One natural message can carry every field ("contract: plan: ...; confidentiality: ...;
  objectives: ...; reach me: ...").

One contract row per pairing: the shared fields and each partner's contact live in
``Contract.terms`` (``plan``, ``confidentiality``, ``objectives``, ``contact: {mentee, mentor}``).
See ``contract.mmd`` for the states.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from conversations.dates import format_day
from conversations.dialogs import safety_check
from conversations.dialogs.base import Context, Outgoing, Registry, Turn
from conversations.intents import IntentName
from conversations.language import Meaning, meaning
from conversations.language.choices import answer, pick
from conversations.messages import Choice, Incoming, Part, Question, Text
from storage import contract_queries, queries
from storage.models import Cohort, Contract, Pairing, Person, Scheme

MAX_FIELD = 1000
SHARED = ("plan", "confidentiality", "objectives")

SIGN = "dialog:contract:sign"
SAVE = "dialog:contract:save"
CHANGE = "dialog:contract:change"
PART = "dialog:contract:part"
PICK = "dialog:contract:pick"
LEAVE = "dialog:contract:leave"
REVIEW_PREFIX = "contract:review:"

PLEDGES = (
    "We agree to meet, speak or email regularly, as we agree between us; give feedback and "
    "evaluation when asked; review our progress against our objectives regularly; and respect "
    "the aims of the scheme. If one of us can't make a meeting, we'll tell the other and "
    "rearrange. Either of us may end the partnership, after talking to the independent "
    "moderator (a no-fault exit)."
)


class Step(StrEnum):
    PICK = "pick"
    PLAN = "plan"
    CONFIDENTIALITY = "confidentiality"
    OBJECTIVES = "objectives"
    CONTACT = "contact"
    CONFIRM = "confirm"
    WHICH_PART = "which_part"
    VIEW = "view"
    # What the person wrote reads like a concern: send it to the project lead, keep it, or both.
    SAFETY = safety_check.STEP


FIELD_STEPS = (Step.PLAN, Step.CONFIDENTIALITY, Step.OBJECTIVES, Step.CONTACT)
LABELS = {
    Step.PLAN: "Our plan for meeting",
    Step.CONFIDENTIALITY: "Confidentiality rules",
    Step.OBJECTIVES: "Purpose and objectives",
    Step.CONTACT: "Best way and time to reach me",
}

# Words a person may use for each field, in "plan: ..." or "change the plan to ...".
_FIELD_WORDS = {
    Step.PLAN: r"plan(?: for meeting)?|meeting plan|meetings?|where and how often",
    Step.CONFIDENTIALITY: r"confidentiality(?: rules)?|confidential",
    Step.OBJECTIVES: r"purpose(?: and objectives)?|objectives?|goals?|aims?",
    Step.CONTACT: r"(?:best )?(?:way|time)s?(?: and time)? to reach me|reach me|contact(?: me)?"
    r"|how to reach me",
}
_LABEL = re.compile(
    r"(?<![\w])(?:"
    + "|".join(f"(?P<{step.value}>{words})" for step, words in _FIELD_WORDS.items())
    + r")\s*[:=]\s*",
    re.IGNORECASE,
)
_CHANGE = re.compile(
    r"^(?:change|edit|update|correct)\s+(?:the\s+|our\s+|my\s+)?(?:"
    + "|".join(f"(?P<{step.value}>{words})" for step, words in _FIELD_WORDS.items())
    + r"|(?:number\s+|no\.?\s*)?(?P<number>[1-4]))(?:\s+to\s*[:\-]?\s*(?P<value>.+))?$",
    re.IGNORECASE | re.DOTALL,
)
_AGREE = {"i agree", "agree", "i agree to it", "i agree to this", "i agree to the contract"}
CONFIRM = (
    Choice("I agree", SIGN),
    Choice("Change something", CHANGE),
    Choice("Save without signing", SAVE),
)
VIEW = (Choice("Change something", CHANGE), Choice("Leave it as it is", LEAVE))


def _questions(state: dict[str, Any], step: Step) -> str:
    partner = state.get("partner_first", "your partner")
    return {
        Step.PLAN: "*Our plan for meeting*: where and how often will you meet? "
        "(For example: 'monthly video calls, in person at the conference'.)",
        Step.CONFIDENTIALITY: "*Confidentiality*: which confidentiality rules do you both "
        "choose? (For example: 'what we discuss stays between us, unless someone is at risk'.)",
        Step.OBJECTIVES: "*Purpose and objectives*: what do you want to achieve together?",
        Step.CONTACT: f"*Reaching you*: what's the best way and time to reach you? "
        f"({partner} adds their own.)",
    }[step]


def parse_fields(text: str) -> dict[str, str]:
    """Labelled fields in one message: "plan: ...; confidentiality: ...; reach me: ..."."""
    found: dict[str, str] = {}
    matches = list(_LABEL.finditer(text))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        value = text[match.end() : end].strip().rstrip(";,").strip()
        step = next(k for k, v in match.groupdict().items() if v is not None)
        if value:
            found[step] = value
    return found


def _role(pairing: Pairing, person_id: int) -> str:
    return "mentee" if pairing.mentee_id == person_id else "mentor"


def _other(role: str) -> str:
    return "mentor" if role == "mentee" else "mentee"


def _first(name: str) -> str:
    return name.split(" ", 1)[0]


def _shared(contract: Contract | None) -> dict[str, str]:
    terms = contract.terms if contract is not None else {}
    return {key: str(terms.get(key, "") or "") for key in SHARED}


def _contacts(contract: Contract | None) -> dict[str, str]:
    terms = contract.terms if contract is not None else {}
    contacts = terms.get("contact", {})
    return dict(contacts) if isinstance(contacts, dict) else {}


def _deadline_line(deadline: Any, today: Any) -> str:
    if deadline is None:
        return ""
    if today > deadline:
        return (
            f"The signing deadline, {format_day(deadline)}, has passed: "
            "please sign as soon as you can."
        )
    return f"Please sign by {format_day(deadline)}."


def contract_text(
    terms: dict[str, Any],
    names: dict[str, str],
    signatures: dict[str, str],
) -> str:
    """The whole contract as one block (``names`` and ``signatures`` keyed mentee/mentor)."""
    contacts = terms.get("contact", {}) or {}
    lines = [
        f"*Mentoring contract between {names['mentee']} (mentee) and {names['mentor']} (mentor)*",
        PLEDGES,
        f"*1. Our plan for meeting:* {terms.get('plan') or '(not agreed yet)'}",
        f"*2. Confidentiality rules:* {terms.get('confidentiality') or '(not agreed yet)'}",
        f"*3. Purpose and objectives:* {terms.get('objectives') or '(not agreed yet)'}",
    ]
    for role in ("mentee", "mentor"):
        contact = contacts.get(role) or f"({_first(names[role])} adds this)"
        lines.append(f"*Best way and time to reach {names[role]}:* {contact}")
    for role in ("mentee", "mentor"):
        lines.append(f"*Signed by {names[role]}:* {signatures.get(role) or 'not yet'}")
    return "\n".join(lines)


class ContractDialog:
    """Agree the contract's fields, show it whole, then sign, save or change a field."""

    name: ClassVar[str] = "contract"
    title: ClassVar[str] = "Your mentoring contract"
    schema_version: ClassVar[int] = 1

    # -- starting -------------------------------------------------------------------------

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        pairings = queries.active_pairings(ctx.session, ctx.person_id)
        if msg.action and msg.action.startswith(REVIEW_PREFIX):
            try:
                wanted = int(msg.action.removeprefix(REVIEW_PREFIX))
            except ValueError:
                wanted = -1
            pairing = contract_queries.pairing_of(ctx.session, ctx.person_id, wanted)
            if pairing is None:
                return Turn(
                    replies=[
                        Text(
                            "That contract belongs to a pairing that has ended or isn't yours, "
                            "so there's nothing to sign. Type *menu* to see what I can do."
                        )
                    ]
                )
            return self._open(ctx, pairing, {})
        if not pairings:
            return Turn(replies=[self._no_pairing(ctx)])
        parsed = parse_fields(msg.text) if msg.action is None else {}
        if len(pairings) > 1:
            choices = tuple(
                Choice(ctx.name_of(p.mentee_id if p.mentor_id == ctx.person_id else p.mentor_id),
                       PICK, str(p.id))
                for p in pairings
            )  # fmt: skip
            state = {"step": Step.PICK.value, "parsed": parsed}
            return Turn(
                replies=[Question("Which of your contracts would you like to work on?", choices)],
                state=state,
            )
        return self._open(ctx, pairings[0], parsed)

    @staticmethod
    def _no_pairing(ctx: Context) -> Text:
        if ctx.roles & {"mentee", "mentor"}:
            return Text(
                "You don't have a mentoring partner yet, so there's no contract to sign. "
                "Once you're paired, you and your partner agree and sign it here. "
                "Type *what's next* to see what's due."
            )
        return Text(
            "The mentoring contract is agreed and signed by a mentee and their mentor, so there's "
            "none for you to sign. The project team gets a copy when a pair has signed."
        )

    def _open(self, ctx: Context, pairing: Pairing, parsed: dict[str, str]) -> Turn:
        assert pairing.id is not None
        contract = contract_queries.contract_of(ctx.session, ctx.person_id, pairing.id)
        role = _role(pairing, ctx.person_id)
        partner_id = queries.partner_of(pairing, ctx.person_id)
        stored = _shared(contract)
        terms = {key: parsed.get(key) or stored[key] for key in SHARED}
        contact = parsed.get(Step.CONTACT.value) or _contacts(contract).get(role, "")
        state: dict[str, Any] = {
            "step": Step.CONFIRM.value,
            "pairing_id": pairing.id,
            "role": role,
            "partner_first": _first(ctx.name_of(partner_id)),
            "terms": terms,
            "contact": contact,
            "base": stored,
        }
        intro: list[Part] = []
        partner_first = state["partner_first"]
        signed_by_both = (
            contract is not None
            and contract.mentee_signed_at is not None
            and contract.mentor_signed_at is not None
        )
        if signed_by_both and not parsed:
            state["step"] = Step.VIEW.value
            return Turn(replies=self._view(ctx, state), state=state)
        if contract is None or not any(stored.values()):
            intro.append(
                Text(
                    f"Let's agree your mentoring contract with {ctx.name_of(partner_id)}. "
                    "Talk it through together first; then I'll ask for each part, you check the "
                    f"whole contract, and each of you signs by typing *I agree*. {partner_first} "
                    "will be asked to review it and add how best to reach them."
                )
            )
        deadline = self._deadline(ctx, pairing)
        if deadline:
            intro.append(Text(deadline))
        following = self._next_missing(state)
        state["step"] = following.value
        if following is Step.CONFIRM:
            return Turn(replies=intro + self._confirmation(ctx, state), state=state)
        return Turn(replies=[*intro, Text(_questions(state, following))], state=state)

    @staticmethod
    def _deadline(ctx: Context, pairing: Pairing) -> str:
        return _deadline_line(contract_queries.deadline_of(ctx.session, pairing), ctx.today)

    @staticmethod
    def _next_missing(state: dict[str, Any]) -> Step:
        for step in FIELD_STEPS[:3]:
            if not state["terms"].get(step.value):
                return step
        if not state.get("contact"):
            return Step.CONTACT
        return Step.CONFIRM

    # -- prompts --------------------------------------------------------------------------

    def prompt(self, ctx: Context, state: dict[str, Any]) -> list[Part]:
        step = Step(state["step"])
        if step is Step.PICK:
            return [Text("Please choose whose contract to work on, or type *cancel*.")]
        if step is Step.CONFIRM:
            return self._confirmation(ctx, state)
        if step is Step.WHICH_PART:
            return [self._which_part()]
        if step is Step.VIEW:
            return self._view(ctx, state)
        if step is Step.SAFETY:
            return safety_check.prompt(state, self._safety_wording(state))
        return [Text(_questions(state, step))]

    def _current(self, ctx: Context, state: dict[str, Any]) -> tuple[Pairing, Contract | None]:
        pairing = ctx.session.get(Pairing, state["pairing_id"])
        assert pairing is not None
        return pairing, contract_queries.contract_of(
            ctx.session, ctx.person_id, state["pairing_id"]
        )

    def _render(self, ctx: Context, state: dict[str, Any]) -> str:
        pairing, contract = self._current(ctx, state)
        contacts = _contacts(contract)
        contacts[state["role"]] = state.get("contact", "")
        terms = {**state["terms"], "contact": contacts}
        names = {"mentee": ctx.name_of(pairing.mentee_id), "mentor": ctx.name_of(pairing.mentor_id)}
        return contract_text(terms, names, self._signatures(ctx, contract, state))

    @staticmethod
    def _signatures(
        ctx: Context, contract: Contract | None, state: dict[str, Any]
    ) -> dict[str, str]:
        result: dict[str, str] = {}
        if contract is None:
            return result
        unchanged = _shared(contract) == {k: state["terms"].get(k, "") for k in SHARED}
        for role in ("mentee", "mentor"):
            name = getattr(contract, f"{role}_signed_name")
            at = getattr(contract, f"{role}_signed_at")
            if at is not None and unchanged:
                result[role] = f"{name} on {format_day(ctx.local(at).date())}"
        return result

    def _confirmation(self, ctx: Context, state: dict[str, Any]) -> list[Part]:
        _, contract = self._current(ctx, state)
        note = ""
        signed = contract is not None and (
            contract.mentee_signed_at is not None or contract.mentor_signed_at is not None
        )
        if signed and _shared(contract) != {k: state["terms"].get(k, "") for k in SHARED}:
            note = "\n(You've changed the shared parts: saving clears the signatures given so far.)"
        return [
            Text("Here's your contract:\n" + self._render(ctx, state) + note, private=True),
            Question(
                "Type *I agree* to sign it, or change something.",
                CONFIRM,
            ),
        ]

    def _view(self, ctx: Context, state: dict[str, Any]) -> list[Part]:
        return [
            Text("You've both signed your contract:\n" + self._render(ctx, state), private=True),
            Question(
                "Would you like to change it? Both of you would then sign again.",
                VIEW,
            ),
        ]

    @staticmethod
    def _which_part() -> Question:
        return Question(
            "Which part would you like to change?",
            tuple(Choice(LABELS[s], PART, s.value) for s in FIELD_STEPS),
        )

    # -- steps ----------------------------------------------------------------------------

    def step(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        step = Step(state["step"])
        if step is Step.PICK:
            return self._on_pick(ctx, state, msg)
        if contract_queries.pairing_of(ctx.session, ctx.person_id, state["pairing_id"]) is None:
            return Turn(
                replies=[
                    Text(
                        "Your pairing has ended, so this contract can't be signed any more. "
                        "Nothing was saved."
                    )
                ]
            )
        if step is Step.CONFIRM:
            return self._on_confirm(ctx, state, msg)
        if step is Step.WHICH_PART:
            return self._on_which_part(ctx, state, msg)
        if step is Step.VIEW:
            return self._on_view(ctx, state, msg)
        if step is Step.SAFETY:
            return safety_check.step(
                ctx,
                state,
                msg,
                self._safety_wording(state),
                save=lambda kept: self._save(ctx, kept, sign=bool(kept.get("sign"))),
                leave_out=self._leave_out,
                pairing_id=int(state["pairing_id"]),
            )
        return self._on_field(ctx, state, step, msg.text.strip())

    def _on_pick(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        chosen = msg.values.get("value") if msg.action == PICK else None
        pairing = None
        if chosen is not None and str(chosen).isdigit():
            pairing = contract_queries.pairing_of(ctx.session, ctx.person_id, int(chosen))
        if pairing is None:
            return Turn(
                replies=[Text("Please pick one of your partners from the list, or type *cancel*.")],
                state=state,
                advanced=False,
            )
        return self._open(ctx, pairing, dict(state.get("parsed", {})))

    def _on_field(self, ctx: Context, state: dict[str, Any], step: Step, text: str) -> Turn:
        question = Text(_questions(state, step))
        if not text:
            return Turn(
                replies=[Text("I didn't get anything there."), question],
                state=state,
                advanced=False,
            )
        if len(text) > MAX_FIELD:
            return Turn(
                replies=[
                    Text(
                        f"That's {len(text):,} characters; please keep this part under "
                        f"{MAX_FIELD:,}. Nothing was saved."
                    ),
                    question,
                ],
                state=state,
                advanced=False,
            )
        new_state = self._set(state, step, text)
        following = Step.CONFIRM if state.get("editing") else self._next_missing(new_state)
        new_state["step"] = following.value
        new_state.pop("editing", None)
        if following is Step.CONFIRM:
            return Turn(replies=self._confirmation(ctx, new_state), state=new_state)
        return Turn(replies=[Text(_questions(new_state, following))], state=new_state)

    @staticmethod
    def _set(state: dict[str, Any], step: Step, text: str) -> dict[str, Any]:
        new_state = dict(state)
        if step is Step.CONTACT:
            new_state["contact"] = text
        else:
            new_state["terms"] = {**state["terms"], step.value: text}
        return new_state

    def _on_confirm(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        text = msg.text.strip()
        word = re.sub(r"[\s.!]+$", "", text.lower())
        if (change := _CHANGE.match(text)) is not None:
            return self._change(ctx, state, change)
        # Signing takes the words of a signature ("I agree") or its button, never a plain "yes".
        picked = msg.action or answer(text, CONFIRM, no=CHANGE, later=SAVE)
        if picked == SIGN or word in _AGREE:
            return self._save(ctx, state, sign=True)
        if picked == SAVE:
            return self._save(ctx, state, sign=False)
        if picked == CHANGE:
            return Turn(
                replies=[self._which_part()], state={**state, "step": Step.WHICH_PART.value}
            )
        if meaning(text) is Meaning.YES or word.startswith("sign"):
            hint = "To sign, please type *I agree* (that's your signature)."
        else:
            hint = (
                "Please type *I agree* to sign, *change something*, or *save without signing*. "
                "You can also say e.g. *change the plan to fortnightly calls*."
            )
        return Turn(
            replies=[Text(hint), *self._confirmation(ctx, state)[1:]], state=state, advanced=False
        )

    def _change(self, ctx: Context, state: dict[str, Any], change: re.Match[str]) -> Turn:
        groups = change.groupdict()
        if groups.get("number"):
            step = FIELD_STEPS[int(groups["number"]) - 1]
        else:
            step = next(s for s in FIELD_STEPS if groups.get(s.value))
        value = (groups.get("value") or "").strip()
        if value:
            return self._on_field(ctx, {**state, "editing": True}, step, value)
        return self._edit(state, step)

    def _edit(self, state: dict[str, Any], step: Step) -> Turn:
        current = state.get("contact") if step is Step.CONTACT else state["terms"].get(step.value)
        return Turn(
            replies=[
                Text(f"It says now: {current or '(nothing yet)'}", private=True),
                Text(_questions(state, step)),
            ],
            state={**state, "step": step.value, "editing": True},
        )

    def _on_which_part(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        typed = pick(msg.text, self._which_part().choices) if msg.action is None else None
        chosen = msg.values.get("value") if msg.action == PART else typed and typed.value
        for step in FIELD_STEPS:
            if chosen == step.value:
                return self._edit(state, step)
        return Turn(
            replies=[Text("Please pick one of these."), self._which_part()],
            state=state,
            advanced=False,
        )

    def _on_view(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        picked = msg.action or answer(msg.text, VIEW, yes=CHANGE, no=LEAVE)
        if picked == CHANGE:
            return Turn(
                replies=[self._which_part()], state={**state, "step": Step.WHICH_PART.value}
            )
        if picked == LEAVE:
            return Turn(replies=[Text("OK, your contract stays as it is. Type *menu* for more.")])
        return Turn(
            replies=[Text("Please choose *Change something* or *Leave it as it is*."),
                     *self._view(ctx, state)[1:]],
            state=state,
            advanced=False,
        )  # fmt: skip

    # -- saving ---------------------------------------------------------------------------

    @staticmethod
    def _safety_wording(state: dict[str, Any]) -> safety_check.Wording:
        return safety_check.shared_wording(
            "the contract", state.get("partner_first", "your partner")
        )

    def _written(self, ctx: Context, state: dict[str, Any]) -> list[str]:
        """What this person wrote that is not yet in the stored contract."""
        _, contract = self._current(ctx, state)
        base = state.get("base") or {}
        texts = [v for k, v in state["terms"].items() if v and v != base.get(k)]
        contact = state.get("contact") or ""
        if contact and contact != _contacts(contract).get(state["role"], ""):
            texts.append(contact)
        return texts

    @staticmethod
    def _leave_out(state: dict[str, Any], texts: list[str]) -> Turn:
        """After a concern went to the lead: the contract without it; ask for that part again."""
        terms = {k: ("" if v in texts else v) for k, v in state["terms"].items()}
        contact = "" if state.get("contact") in texts else state.get("contact", "")
        asking = {**state, "terms": terms, "contact": contact}
        following = ContractDialog._next_missing(asking)
        asking["step"] = following.value
        return Turn(
            replies=[
                Text("I've left that out of the contract: it's with the project lead."),
                Text(_questions(asking, following)),
            ],
            state=asking,
        )

    def _save(self, ctx: Context, state: dict[str, Any], *, sign: bool) -> Turn:
        held = {**state, "sign": sign}
        wording = self._safety_wording(state)
        if (asking := safety_check.gate(ctx, held, self._written(ctx, state), wording)) is not None:
            return asking
        pairing, contract = self._current(ctx, state)
        assert pairing.id is not None
        cohort = ctx.session.get(Cohort, pairing.cohort_id)
        assert cohort is not None
        role, other = state["role"], _other(state["role"])
        partner_id = queries.partner_of(pairing, ctx.person_id)
        partner = ctx.session.get(Person, partner_id)
        partner_name = partner.display_name if partner is not None else "your partner"
        stored = _shared(contract)
        new_shared = {key: state["terms"].get(key, "") for key in SHARED}
        if stored != state["base"] and stored != new_shared:
            # The partner changed the shared parts while this person was reading them.
            fresh = {**state, "terms": stored, "base": stored, "step": Step.CONFIRM.value}
            return Turn(
                replies=[
                    Text(
                        f"{_first(partner_name)} changed the contract while you were looking at "
                        "it, so I haven't saved yours. Here's the latest version:"
                    ),
                    *self._confirmation(ctx, fresh),
                ],
                state=fresh,
            )
        first_fill = contract is None or not any(stored.values())
        if contract is None:
            contract = Contract(pairing_id=pairing.id, terms={}, updated_at=ctx.now)
        changed = stored != new_shared and not first_fill
        replies: list[Part] = []
        outgoing: list[Outgoing] = []
        partner_had_signed = getattr(contract, f"{other}_signed_at") is not None
        if changed:
            for who in ("mentee", "mentor"):
                setattr(contract, f"{who}_signed_name", None)
                setattr(contract, f"{who}_signed_at", None)
        if sign:
            setattr(contract, f"{role}_signed_name", ctx.person.display_name)
            setattr(contract, f"{role}_signed_at", ctx.now)
        contacts = _contacts(contract)
        contacts[role] = state.get("contact", "")
        contract.terms = {**new_shared, "contact": contacts}
        contract.deadline = contract_queries.deadline_of(ctx.session, pairing)
        contract.updated_at = ctx.now
        ctx.session.add(contract)

        names = {"mentee": ctx.name_of(pairing.mentee_id), "mentor": ctx.name_of(pairing.mentor_id)}
        signatures = {
            who: f"{getattr(contract, f'{who}_signed_name')} on "
            f"{format_day(ctx.local(getattr(contract, f'{who}_signed_at')).date())}"
            for who in ("mentee", "mentor")
            if getattr(contract, f"{who}_signed_at") is not None
        }
        text = contract_text(contract.terms, names, signatures)
        both = contract.mentee_signed_at is not None and contract.mentor_signed_at is not None
        me = ctx.person.display_name
        partner_zone = ZoneInfo(partner.time_zone) if partner is not None else ctx.tz
        partner_today = ctx.now.astimezone(partner_zone).date()

        if changed and partner_had_signed:
            replies.append(
                Text(
                    f"You changed the shared parts, so {partner_name}'s signature was cleared. "
                    "I've asked them to read it again and sign."
                )
            )
        if both:
            replies.append(
                Text(
                    f"Signed. You and {partner_name} have both signed your mentoring contract: "
                    "it's complete. I've sent a copy to the project team and told "
                    f"{_first(partner_name)}."
                )
            )
            outgoing.append(
                Outgoing(
                    parts=(
                        Text(f"{me} has signed your mentoring contract too: it's complete. "
                             "The project team has a copy."),
                        Text(text, private=True),
                    ),
                    recipient_id=partner_id,
                )
            )  # fmt: skip
            scheme = ctx.session.get(Scheme, cohort.scheme_id)
            assert scheme is not None
            outgoing.append(
                Outgoing(
                    parts=(
                        Text(f"Contract signed by {names['mentee']} and {names['mentor']}."),
                        Text(text, private=True),
                    ),
                    channel=scheme.lead_channel,
                    scheme_id=scheme.id,
                    kind="contract",
                )
            )
            return Turn(replies=replies, outgoing=outgoing)

        deadline = _deadline_line(contract.deadline, partner_today)
        if sign:
            replies.append(
                Text(
                    f"Signed: {me}, {format_day(ctx.today)}. I've asked {partner_name} to review "
                    "it, add how best to reach them, and sign. I'll tell you when they have."
                )
            )
            news = f"{me} has signed your mentoring contract."
            if changed:
                news = f"{me} changed your mentoring contract and signed it."
        else:
            told = f" I've asked {partner_name} to review it." if first_fill or changed else ""
            replies.append(
                Text(f"Saved, not signed yet.{told} When you're ready, type *sign the contract*.")
            )
            news = f"{me} has filled in your mentoring contract."
            if changed:
                news = f"{me} changed your mentoring contract."
        if changed and partner_had_signed:
            news += " Because the shared parts changed, your signature has been cleared."
        asked = (
            "Please read it and sign it."
            if contacts.get(other)
            else "Please read it, add the best way and time to reach you, and sign it."
        )
        if first_fill or changed or sign:
            outgoing.append(
                Outgoing(
                    parts=(
                        Text(f"{news} {asked} {deadline}".strip()),
                        Text(text, private=True),
                        Question(
                            "Ready when you are:",
                            (Choice("Review and sign", f"{REVIEW_PREFIX}{pairing.id}"),),
                        ),
                    ),
                    recipient_id=partner_id,
                )
            )  # fmt: skip
        return Turn(replies=replies, outgoing=outgoing)


def register(registry: Registry) -> None:
    """Wire this journey's intents, dialogs and button routes into ``registry``."""
    registry.add_dialog(ContractDialog(), IntentName.CONTRACT)
    registry.action_routes["contract"] = IntentName.CONTRACT
