"""The mentoring contract: both partners agree its fields in chat and each signs with "I agree".

Map:
- :class:`ContractDialog`, a kit form: asks only for what is missing (the shared plan,
  confidentiality and objectives, and the speaker's own way to be reached; one message can carry
  them all, "plan: ...; reach me: ..."), shows the whole contract, then signs ("I agree", never a
  plain "yes"), saves it unsigned, or changes a field. Its own steps: whose contract (several
  partners) and a contract both have signed.
- Saving tells the partner, with a "Review and sign" button (``contract:review:<pairing id>``);
  changing a shared field clears a signature already given. Both signed: both are told and the
  lead channel gets a copy. A contract to sign is an open question (``nudge_answers``).

One row per pairing: ``Contract.terms`` holds the shared fields and ``contact: {mentee, mentor}``.
See ``contract.mmd`` for the states.
"""

from __future__ import annotations

from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from pydantic import Field

from conversations.dates import format_day
from conversations.dialogs import kit, safety_check
from conversations.dialogs.base import Context, Outgoing, Turn, say, to_lead_channel
from conversations.dialogs.matching.questions import first
from conversations.language.choices import answer, pick
from conversations.language.pairing import labelled
from conversations.language.vocabulary import Meaning, leading
from conversations.messages import Choice, Incoming, Part, Question, Text
from storage import contract_queries, matching_queries, queries
from storage.models import Contract, Pairing, Person

SHARED = contract_queries.SHARED_TERMS
ROLES = ("mentee", "mentor")
CHANGE = "dialog:contract:change"
UNSIGNED = "dialog:contract:save"
LEAVE = "dialog:contract:leave"
PICK = "dialog:contract:pick"
REVIEW_PREFIX = "contract:review:"
PICKING, VIEW = "pick", "view"
VIEW_CHOICES = (Choice("Change something", CHANGE), Choice("Leave it as it is", LEAVE))

PLEDGES = (
    "We agree to meet, speak or email regularly, as we agree between us; give feedback and "
    "evaluation when asked; review our progress against our objectives regularly; and respect "
    "the aims of the scheme. If one of us can't make a meeting, we'll tell the other and "
    "rearrange. Either of us may end the partnership, after talking to the independent "
    "moderator (a no-fault exit)."
)


def _field(number: int, key: str, label: str, question: str, *words: str) -> kit.FormField:
    """A part of the contract, named also by its number ("change 2", "number 3", "part 1")."""
    numbers = (str(number), f"number {number}", f"no {number}", f"part {number}")
    return kit.FormField(
        key,
        label,
        question,
        max_length=1000,
        words=(*words, *numbers),
        show=lambda value: str(value or "(nothing yet)"),
    )


FIELDS = (
    _field(
        1,
        "plan",
        "Our plan for meeting",
        "*Our plan for meeting*: where and how often will you meet? (For example: 'monthly "
        "video calls, in person at the conference'.)",
        "plan", "our plan", "plan for meeting", "meeting plan", "meetings", "meeting",
        "where and how often",
    ),
    _field(
        2,
        "confidentiality",
        "Confidentiality rules",
        "*Confidentiality*: which confidentiality rules do you both choose? (For example: "
        "'what we discuss stays between us, unless someone is at risk'.)",
        "confidentiality", "confidential",
    ),
    _field(
        3,
        "objectives",
        "Purpose and objectives",
        "*Purpose and objectives*: what do you want to achieve together?",
        "purpose", "objectives", "objective", "goals", "goal", "aims", "aim", "our objectives",
    ),
    _field(
        4,
        "contact",
        "Best way and time to reach me",
        "*Reaching you*: what's the best way and time to reach you? (Your partner adds their own.)",
        "contact", "contact me", "reach me", "how to reach me", "best way to reach me",
        "best time to reach me", "way to reach me", "best way and time to reach me",
    ),
)  # fmt: skip


def parse_fields(text: str) -> dict[str, str]:
    """Labelled fields in one message: "plan: ...; confidentiality: ...; reach me: ..."."""
    return labelled(text, {f.name: (f.label, *f.words[:-4]) for f in FIELDS})


def _signatures(ctx: Context, contract: Contract | None) -> dict[str, str]:
    if contract is None:
        return {}
    signed = {role: getattr(contract, f"{role}_signed_at") for role in ROLES}
    return {
        role: f"{getattr(contract, f'{role}_signed_name')} on {format_day(ctx.local(at).date())}"
        for role, at in signed.items()
        if at is not None
    }


def _names(ctx: Context, pairing: Pairing) -> dict[str, str]:
    return {role: ctx.name_of(getattr(pairing, f"{role}_id")) for role in ROLES}


def _deadline_line(deadline: Any, today: Any) -> str:
    if deadline is None:
        return ""
    if today > deadline:
        return (
            f"The signing deadline, {format_day(deadline)}, has passed: "
            "please sign as soon as you can."
        )
    return f"Please sign by {format_day(deadline)}."


def contract_text(terms: dict[str, Any], names: dict[str, str], signatures: dict[str, str]) -> str:
    """The whole contract as one block (``names`` and ``signatures`` keyed mentee/mentor)."""
    contacts = terms.get("contact", {}) or {}
    lines = [
        f"*Mentoring contract between {names['mentee']} (mentee) and {names['mentor']} (mentor)*",
        PLEDGES,
        *(
            f"*{number}. {field.label}:* {terms.get(field.name) or '(not agreed yet)'}"
            for number, field in enumerate(FIELDS[:3], start=1)
        ),
    ]
    for role in ROLES:
        contact = contacts.get(role) or f"({first(names[role])} adds this)"
        lines.append(f"*Best way and time to reach {names[role]}:* {contact}")
    lines += [f"*Signed by {names[role]}:* {signatures.get(role) or 'not yet'}" for role in ROLES]
    return "\n".join(lines)


class ContractState(kit.FormState):
    pairing_id: int = 0
    role: str = "mentee"
    partner_first: str = "Your partner"
    # The shared parts as stored when the contract was opened (a partner's change meanwhile).
    base: dict[str, str] = Field(default_factory=dict)
    sign: bool = True
    # A one-shot message's parts, kept while the person picks whose contract it is.
    parsed: dict[str, str] = Field(default_factory=dict)


class ContractDialog(kit.Form[ContractState]):
    """Agree the contract's fields, show it whole, then sign, save or change a field."""

    name: ClassVar[str] = "contract"
    title: ClassVar[str] = "Your mentoring contract"
    schema_version: ClassVar[int] = 2
    State = ContractState
    fields: ClassVar[tuple[kit.FormField, ...]] = FIELDS
    confirm_question = "Type *I agree* to sign it, or change something."
    save_label = "I agree"
    guard_where = "the contract"
    current_label = "It says now"
    SAVE = "dialog:contract:sign"
    CHANGE = CHANGE
    PART = "dialog:contract:part"

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        if msg.action and msg.action.startswith(REVIEW_PREFIX):
            wanted = msg.action.removeprefix(REVIEW_PREFIX)
            pairing = contract_queries.pairing_of(
                ctx.session, ctx.person_id, int(wanted) if wanted.isdigit() else -1
            )
            if pairing is None:
                return say(
                    "That contract belongs to a pairing that has ended or isn't yours, so "
                    "there's nothing to sign. Type *menu* to see what I can do."
                )
            return self._open(ctx, pairing, {})
        pairings = queries.active_pairings(ctx.session, ctx.person_id)
        if not pairings:
            return Turn(replies=[self._no_pairing(ctx)])
        parsed = parse_fields(msg.text) if msg.action is None else {}
        if len(pairings) > 1:
            state = ContractState(step=PICKING, parsed=parsed)
            return Turn(replies=[self._pick_question(ctx)], state=state.to_state())
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

    def _pick_question(self, ctx: Context) -> Question:
        choices = tuple(
            Choice(ctx.name_of(queries.partner_of(p, ctx.person_id)), PICK, str(p.id))
            for p in queries.active_pairings(ctx.session, ctx.person_id)
        )
        return Question("Which of your contracts would you like to work on?", choices)

    def _open(self, ctx: Context, pairing: Pairing, parsed: dict[str, str]) -> Turn:
        """The contract of ``pairing``, with what is missing asked (also the open question's
        answer: a typed yes to "sign your contract" hours later)."""
        assert pairing.id is not None
        contract = contract_queries.contract_of(ctx.session, ctx.person_id, pairing.id)
        role = "mentee" if pairing.mentee_id == ctx.person_id else "mentor"
        partner = ctx.name_of(queries.partner_of(pairing, ctx.person_id))
        stored = contract_queries.shared_terms(contract)
        known = {**stored, "contact": contract_queries.contacts_of(contract).get(role, "")}
        state = ContractState(
            step=kit.CONFIRM,
            values={k: v for k, v in {**known, **parsed}.items() if v},
            pairing_id=pairing.id,
            role=role,
            partner_first=first(partner),
            base=stored,
            # What is already in the contract was checked when it was saved.
            safety_checked=[v for v in known.values() if v],
        )
        if contract is not None and len(_signatures(ctx, contract)) == 2 and not parsed:
            state.step = VIEW
            return Turn(replies=self._view(ctx, state), state=state.to_state())
        intro: list[Part] = []
        if not any(stored.values()):
            intro.append(
                Text(
                    f"Let's agree your mentoring contract with {partner}. Talk it through "
                    "together first; then I'll ask for each part, you check the whole contract, "
                    f"and each of you signs by typing *I agree*. {state.partner_first} will be "
                    "asked to review it and add how best to reach them."
                )
            )
        deadline = contract_queries.deadline_of(ctx.session, pairing)
        if line := _deadline_line(deadline, ctx.today):
            intro.append(Text(line))
        turn = self._next(ctx, state)
        return Turn(replies=[*intro, *turn.replies], state=turn.state)

    # -- the steps of its own: whose contract, and a contract both have signed --------------

    def own_steps(self) -> kit.OwnSteps[ContractState]:
        return {PICKING: (self._ask_pick, self._on_pick), VIEW: (self._view, self._on_view)}

    def step(self, ctx: Context, raw: dict[str, Any], msg: Incoming) -> Turn:
        state = self.load(raw)
        if state.step != PICKING and not self._pairing(ctx, state):
            return say(
                "Your pairing has ended, so this contract can't be signed any more. Nothing was saved."
            )
        return super().step(ctx, raw, msg)

    def _pairing(self, ctx: Context, state: ContractState) -> Pairing | None:
        return contract_queries.pairing_of(ctx.session, ctx.person_id, state.pairing_id)

    @staticmethod
    def _ask_pick(ctx: Context, state: ContractState) -> list[Part]:
        return [Text("Please choose whose contract to work on, or type *cancel*.")]

    def _on_pick(self, ctx: Context, state: ContractState, msg: Incoming) -> Turn:
        question = self._pick_question(ctx)
        chosen = kit.chosen(msg, question.choices)
        pairing = ctx.session.get(Pairing, int(chosen.value)) if chosen is not None else None
        if pairing is None:
            again = "Please pick one of your partners from the list, or type *cancel*."
            return kit.reask(again, [question], state.to_state())
        return self._open(ctx, pairing, state.parsed)

    def _view(self, ctx: Context, state: ContractState) -> list[Part]:
        return [
            Text("You've both signed your contract:\n" + self._render(ctx, state), private=True),
            Question(
                "Would you like to change it? Both of you would then sign again.", VIEW_CHOICES
            ),
        ]

    def _on_view(self, ctx: Context, state: ContractState, msg: Incoming) -> Turn:
        picked = msg.action or answer(msg.text, VIEW_CHOICES, yes=CHANGE, no=LEAVE)
        if picked == CHANGE:
            return self.rewrite(ctx, state)
        if picked == LEAVE:
            return say("OK, your contract stays as it is. Type *menu* for more.")
        again = "Please choose *Change something* or *Leave it as it is*."
        return kit.reask(again, self._view(ctx, state)[1:], state.to_state())

    # -- the kit's confirmation: "I agree" signs; save without signing; change ---------------

    def _contract(self, ctx: Context, state: ContractState) -> tuple[Pairing, Contract | None]:
        pairing = ctx.session.get(Pairing, state.pairing_id)
        assert pairing is not None
        return pairing, contract_queries.contract_of(ctx.session, ctx.person_id, state.pairing_id)

    def _changed(self, contract: Contract | None, state: ContractState) -> bool:
        return contract_queries.shared_terms(contract) != {
            k: state.values.get(k, "") for k in SHARED
        }

    def _render(self, ctx: Context, state: ContractState) -> str:
        pairing, contract = self._contract(ctx, state)
        contacts = {
            **contract_queries.contacts_of(contract),
            state.role: state.values.get("contact", ""),
        }
        signed = {} if self._changed(contract, state) else _signatures(ctx, contract)
        return contract_text({**state.values, "contact": contacts}, _names(ctx, pairing), signed)

    def summary(self, ctx: Context, state: ContractState) -> list[Part]:
        _, contract = self._contract(ctx, state)
        note = ""
        if _signatures(ctx, contract) and self._changed(contract, state):
            note = "\n(You've changed the shared parts: saving clears the signatures given so far.)"
        return [Text("Here's your contract:\n" + self._render(ctx, state) + note, private=True)]

    def confirm_choices(self, ctx: Context, state: ContractState) -> tuple[Choice, ...]:
        return (*super().confirm_choices(ctx, state), Choice("Save without signing", UNSIGNED))

    def confirm_reply(self, ctx: Context, state: ContractState, msg: Incoming) -> Turn | None:
        choices = self.confirm_choices(ctx, state)
        # Signing takes the words of a signature ("I agree") or its button, never a plain "yes".
        signs = msg.action == self.SAVE or (
            msg.action is None and pick(msg.text, choices[:1], by_meaning=False) is not None
        )
        picked = msg.action or answer(msg.text, choices, no=self.CHANGE, later=UNSIGNED)
        if signs or picked == UNSIGNED:
            state.sign = signs
            return self._save_guarded(ctx, state)
        reading = leading(msg.text) if msg.action is None else None
        if reading is None or reading.meaning is not Meaning.YES or reading.rest:
            return None  # the kit's: a change, a field named, a correction
        hint = "To sign, please type *I agree* (that's your signature)."
        return kit.reask(hint, self._confirmation(ctx, state)[-1:], state.to_state())

    def safety_wording(self, state: ContractState) -> safety_check.Wording:
        return safety_check.shared_wording("the contract", state.partner_first)

    def safety_pairing(self, state: ContractState) -> int | None:
        return state.pairing_id

    def left_out(self, ctx: Context, state: ContractState, texts: list[str]) -> Turn:
        """After a concern went to the lead: the contract without it; that part asked again."""
        state.values = {k: v for k, v in state.values.items() if v not in texts}
        turn = self._next(ctx, state)
        note = Text("I've left that out of the contract: it's with the project lead.")
        return Turn(replies=[note, *turn.replies], state=turn.state)

    # -- saving ---------------------------------------------------------------------------

    def save(self, ctx: Context, state: ContractState) -> Turn:
        pairing, contract = self._contract(ctx, state)
        assert pairing.id is not None
        partner_id = queries.partner_of(pairing, ctx.person_id)
        partner = ctx.session.get(Person, partner_id)
        assert partner is not None
        them, stored = partner.display_name, contract_queries.shared_terms(contract)
        new_shared = {key: str(state.values.get(key, "")) for key in SHARED}
        if stored not in (state.base, new_shared):
            # The partner changed the shared parts while this person was reading them.
            state.values = {**state.values, **{k: v for k, v in stored.items() if v}}
            state.base, state.step = stored, kit.CONFIRM
            said = (
                f"{first(them)} changed the contract while you were looking at it, so I haven't "
                "saved yours. Here's the latest version:"
            )
            asked = self._confirmation(ctx, state)
            return Turn(replies=[Text(said), *asked], state=state.to_state())
        contact = str(state.values.get("contact", ""))
        me = ctx.person.display_name
        saved = contract_queries.save_contract(
            ctx.session, ctx.person_id, pairing, new_shared, contact,
            sign=state.sign, signed_name=me, now=ctx.now,
        )  # fmt: skip
        names = _names(ctx, pairing)
        signatures = _signatures(ctx, saved.contract)
        text = Text(contract_text(saved.contract.terms, names, signatures), private=True)
        cleared = saved.changed and saved.partner_had_signed
        replies: list[Part] = []
        if cleared:
            said = f"You changed the shared parts, so {them}'s signature was cleared."
            replies.append(Text(f"{said} I've asked them to read it again and sign."))
        if len(signatures) == 2:
            scheme = matching_queries.scheme_of(ctx.session, pairing)
            said = (
                f"Signed. You and {them} have both signed your mentoring contract: it's "
                f"complete. I've sent a copy to the project team and told {first(them)}."
            )
            complete = Text(
                f"{me} has signed your mentoring contract too: it's complete. The project team "
                "has a copy."
            )
            signed = Text(f"Contract signed by {names['mentee']} and {names['mentor']}.")
            outgoing = [
                Outgoing(parts=(complete, text), recipient_id=partner_id),
                to_lead_channel(scheme, signed, text, kind="contract"),
            ]
            return Turn(replies=[*replies, Text(said)], outgoing=outgoing)
        did = "changed your mentoring contract" if saved.changed else ""
        if state.sign:
            said = (
                f"Signed: {me}, {format_day(ctx.today)}. I've asked {them} to review it, add how "
                "best to reach them, and sign. I'll tell you when they have."
            )
            news = (
                f"{me} {did} and signed it." if did else f"{me} has signed your mentoring contract."
            )
        else:
            told = f" I've asked {them} to review it." if saved.first_fill or did else ""
            said = f"Saved, not signed yet.{told} When you're ready, type *sign the contract*."
            news = f"{me} {did}." if did else f"{me} has filled in your mentoring contract."
        if not (saved.first_fill or did or state.sign):
            return Turn(replies=[*replies, Text(said)])
        if cleared:
            news += " Because the shared parts changed, your signature has been cleared."
        other = "mentor" if state.role == "mentee" else "mentee"
        please = (
            "Please read it and sign it."
            if contract_queries.contacts_of(saved.contract).get(other)
            else "Please read it, add the best way and time to reach you, and sign it."
        )
        today = ctx.now.astimezone(ZoneInfo(partner.time_zone)).date()
        deadline = _deadline_line(saved.contract.deadline, today)
        review = Choice("Review and sign", f"{REVIEW_PREFIX}{pairing.id}")
        parts = (Text(f"{news} {please} {deadline}".strip()), text)
        ready = Question("Ready when you are:", (review,))
        told_partner = Outgoing(parts=(*parts, ready), recipient_id=partner_id)
        return Turn(replies=[*replies, Text(said)], outgoing=[told_partner])
