"""How the pairing feels, asked of both partners after their first minutes: "good fit / still
deciding / not a good fit" (buttons ``fit:<answer>:<pairing>``; the words typed work too, and a
typed reply in a later turn answers it as an open question, ``nudge_answers``). A "not a good
fit" from either tells the lead channel and offers the MENTEE a new mentor; on their yes the
pairing ends (``ended_early``, "not a good fit", kept as history), the mentor is told kindly,
and the mentee is asked for a new top 3 (the old mentor left out).
"""

from __future__ import annotations

from typing import ClassVar

from conversations.dialogs import kit
from conversations.dialogs.base import Context, Outgoing, Turn, say, to_lead_channel
from conversations.dialogs.matching.questions import (
    FIT_PREFIX,
    choose_again_question,
    first,
    may_choose_again,
)
from conversations.language.pairing import fit_answer
from conversations.messages import Choice, Incoming, Part, Question, Text
from storage import matching_queries as mq
from storage import queries
from storage.models import FitAnswer, Pairing, PairingStatus, Role

REMATCH_YES = "rematch_yes"
REMATCH_NO = "rematch_no"
NEW_MENTOR, CARRY_ON = "Yes, a new mentor", "No, carry on"
NO_PAIRING = (
    "I can't find a current pairing of yours to answer about. If something isn't right, type "
    "*raise a concern* and the project lead will help."
)
SORRY = (
    "Thank you for saying so: it happens, and it's nobody's fault. The project lead has been told."
)
# The answer to a fit that needs nothing more.
THANKS = {
    FitAnswer.GOOD_FIT: "Thank you, that's good to hear. Type *what's next* any time to see "
    "what's due.",
    FitAnswer.STILL_DECIDING: "That's fine: it can take a meeting or two. If you decide it "
    "isn't the right fit, just tell me *not a good fit* at any time.",
}


def _rematch_wording(mentor_first: str) -> str:
    return (
        f"Would you like a new mentor? This ends your pairing with {mentor_first}; it stays in "
        "the scheme's records, and they're told only that it has ended."
    )


class FitState(kit.FormState):
    pairing_id: int


class FitDialog(kit.Form[FitState]):
    """A partner's answer to "how does the pairing feel?", and the mentee's "new mentor?": a
    form with nothing to fill in, only the kit's confirmation (yes: a new mentor; no: carry on)."""

    name: ClassVar[str] = "fit_check"
    title: ClassVar[str] = "How the pairing feels"
    schema_version: ClassVar[int] = 2
    State = FitState
    fields: ClassVar[tuple[kit.FormField, ...]] = ()
    save_label = NEW_MENTOR
    change_label = CARRY_ON
    SAVE = "dialog:fit_check:new_mentor"
    CHANGE = "dialog:fit_check:carry_on"

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        answer: str | None = None
        pairing_id: int | None = None
        if msg.action and msg.action.startswith(f"{FIT_PREFIX}:"):
            parts = msg.action.split(":")
            if len(parts) == 3 and parts[2].isdigit():
                answer, pairing_id = parts[1], int(parts[2])
        else:
            answer = fit_answer(msg.text)
        pairing = mq.fit_pairing(ctx.session, ctx.person_id, pairing_id)
        if pairing is None or pairing.id is None or answer is None:
            return say(NO_PAIRING)
        if pairing.status != PairingStatus.ACTIVE.value:
            return say("That pairing has already ended, so there's nothing to change.")
        if answer in (REMATCH_YES, REMATCH_NO):
            if pairing.mentee_id != ctx.person_id:
                return say("Only the mentee can ask for a new mentor.")
            return self._rematch(ctx, pairing, answer == REMATCH_YES)
        if answer not in {a.value for a in FitAnswer}:
            return say("That button belongs to something we've already finished.")
        return self._answer(ctx, pairing, FitAnswer(answer))

    def _answer(self, ctx: Context, pairing: Pairing, fit: FitAnswer) -> Turn:
        """Record a partner's answer (also the open question's answer, typed in a later turn)."""
        assert pairing.id is not None
        mq.record_fit(ctx.session, ctx.person_id, pairing, fit.value, ctx.now)
        if (thanks := THANKS.get(fit)) is not None:
            return say(thanks)
        is_mentee = pairing.mentee_id == ctx.person_id
        partner = ctx.name_of(queries.partner_of(pairing, ctx.person_id))
        noted = (
            f"After their first meeting, {ctx.person.display_name} "
            f"({'mentee' if is_mentee else 'mentor'}) says the pairing with {partner} is "
            "not a good fit. The mentee is being offered a new mentor; please get in "
            "touch with them both."
        )
        lead_note = to_lead_channel(mq.scheme_of(ctx.session, pairing), Text(noted))
        if is_mentee:
            state = FitState(step=kit.CONFIRM, pairing_id=pairing.id)
            asked = self._confirmation(ctx, state)
            return Turn(replies=[Text(SORRY), *asked], state=state.to_state(), outgoing=[lead_note])
        me = ctx.first_name
        told = (
            f"After your first meeting, {me} feels your pairing may not be the best fit. "
            "That happens, and it's nobody's fault. The project lead knows and will be in touch."
        )
        buttons = tuple(
            Choice(label, f"{FIT_PREFIX}:{answer}:{pairing.id}")
            for label, answer in ((NEW_MENTOR, REMATCH_YES), (CARRY_ON, REMATCH_NO))
        )
        offered = Question(_rematch_wording(me), buttons)
        offer = Outgoing(parts=(Text(told), offered), recipient_id=pairing.mentee_id)
        them = first(partner)
        said = (
            f"{SORRY} I've let {them} know you feel it may not be the best fit, and offered "
            f"{them} a new mentor. Until you hear otherwise, the pairing carries on."
        )
        return say(said, outgoing=[lead_note, offer])

    # -- the kit's confirmation: a new mentor (save) or carry on (declined) ------------------

    def _pairing(self, ctx: Context, state: FitState) -> Pairing | None:
        pairing = ctx.session.get(Pairing, state.pairing_id)
        return pairing if pairing is not None and pairing.mentee_id == ctx.person_id else None

    def question(self, ctx: Context, state: FitState) -> str:
        pairing = self._pairing(ctx, state)
        return _rematch_wording(first(ctx.name_of(pairing.mentor_id)) if pairing else "them")

    def summary(self, ctx: Context, state: FitState) -> list[Part]:
        return []

    def save(self, ctx: Context, state: FitState) -> Turn:
        return self._rematch(ctx, self._pairing(ctx, state), True)

    def declined(self, ctx: Context, state: FitState) -> Turn:
        return self._rematch(ctx, self._pairing(ctx, state), False)

    def _rematch(self, ctx: Context, pairing: Pairing | None, wanted: bool) -> Turn:
        if pairing is None:
            return say("That pairing has gone.")
        mentor_name = ctx.name_of(pairing.mentor_id)
        if pairing.status != PairingStatus.ACTIVE.value:
            return say("That pairing has already ended.")
        if not wanted:
            return say(
                f"OK, your pairing with {first(mentor_name)} carries on. If you change your mind, "
                "tell me *not a good fit* at any time, or talk to the project lead."
            )
        scheme = mq.scheme_of(ctx.session, pairing)
        mq.end_not_a_good_fit(ctx.session, ctx.person_id, pairing, ctx.now)
        leads = queries.people_with_role(ctx.session, pairing.cohort_id, Role.LEAD.value)
        lead_name = leads[0].display_name if leads else "The project lead"
        me = ctx.person.display_name
        ended = (
            f"Your pairing with {mentor_name} has ended; it stays in the scheme's records. "
            f"{first(mentor_name)} has been told only that it has ended. "
        )
        replies: list[Part] = [
            Text(ended + "The steering group will be in touch about a new mentor.")
        ]
        if may_choose_again(ctx, pairing):
            again = "The steering group will match you with a new mentor: first, choose your new"
            replies = [Text(f"{ended}{again} top three."), choose_again_question()]
        told_mentor = (
            f"Your mentoring pairing with {me} has ended. Thank you for the time you've given. "
            f"{lead_name}, the project lead, will be in touch about what happens next."
        )
        told_lead = (
            f"{me} has ended their pairing with {mentor_name} (not a good fit) and would like a "
            "new mentor. They'll be in the next *propose matches*."
        )
        to_mentor = Outgoing(parts=(Text(told_mentor),), recipient_id=pairing.mentor_id)
        return Turn(replies, outgoing=[to_mentor, to_lead_channel(scheme, Text(told_lead))])
