"""The steering group's matching proposal, its swaps and its approval, and the matching message.

- :class:`MatchingDialog`, for the project lead and the cohort's steering group only: *propose
  matches* runs ``conversations.matching.propose`` over the selected mentees without a mentor
  and the mentors' free places (never a conflict of interest), and keeps it as the cohort's one
  draft. *swap A-03 and A-05* and *move A-03 to Owen Whitfield* edit it (refused, with the
  reason, for a conflict or a full mentor). *approve* asks for a short rationale (the kit's one
  field), confirms, then creates the pairings, records the decision and sends the matching
  messages and a lead-channel note. See ``matching.mmd``.
- The matching message (SCHEME.md "Pairing"): who the partner is and how to reach them, that
  the MENTEE makes first contact, "if you have not heard ... by DATE" (``first_contact_days``,
  in the reader's time zone), and what happens next.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from conversations.dates import format_day
from conversations.dialogs import kit
from conversations.dialogs.base import Context, Outgoing, Turn, counted, say, to_lead_channel
from conversations.dialogs.matching.questions import first
from conversations.intents import IntentName, recognise
from conversations.language.choices import answer, pick
from conversations.language.pairing import approval, named, proposal_edit
from conversations.matching import ORDINALS, Matching, MenteeIn, MentorIn, describe_score, move
from conversations.matching import propose as run_matching
from conversations.matching import swap as swap_mentors
from conversations.messages import Choice, Incoming, Part, Question, Text
from storage import matching_queries as mq
from storage import queries
from storage.models import Cohort, MatchProposal, Pairing, Person, Role, Scheme
from storage.scheme_settings import SchemeSettings

APPROVE = "dialog:matching:approve"
REVIEW = "review"
MAX_RATIONALE = 1000
REFUSAL = (
    "Proposing, swapping and approving matches is for the project lead and the steering group "
    "of the cohort."
)
WHY = (
    "Before I announce it: in a sentence, why does the steering group approve this matching? "
    "(For example: 'first choices honoured; A-03 and A-05 swapped for travel'.) It's kept with "
    "the decision."
)
# Why a swap or a move was refused (``conversations.matching``'s codes), but for a conflict.
REFUSED = {
    "same": "That's the same person twice, so nothing changed.",
    "nothing": "Neither {mentee} nor {other} has a mentor in this proposal, so there is nothing "
    "to swap. Use *move A-03 to <mentor>* to give someone a mentor with a free place.",
    "full": "I can't: {other} has no free place left in this proposal. Swap two mentees "
    "instead, so each keeps one place.",
}
NOT_FOLLOWED = (
    "I didn't follow that. You can *swap A-01 and A-02*, *move A-01 to <mentor's name>*, "
    "*approve*, or *propose matches* to start afresh."
)


def _rank_words(rank: int | None) -> str:
    return f"{ORDINALS[rank]} choice" if rank else "not among their choices"


def _matching_of(proposal: MatchProposal) -> Matching:
    return Matching.from_json(proposal.pairs, proposal.unmatched, proposal.score)


def _show(ctx: Context, inputs: mq.MatchingInputs, matching: Matching) -> list[Part]:
    refs = {m.person_id: m.reference for m in inputs.mentees}
    if matching.total == 0:
        return [
            Text(
                "Nobody is waiting for a mentor: every selected mentee has one. When the steering "
                "group selects more, or someone asks for a new mentor, type *propose matches*."
            )
        ]
    no_choices = {m.person_id for m in inputs.mentees if not m.preferences}

    def who(mentee_id: int) -> str:
        return f"{refs.get(mentee_id, '')} {ctx.name_of(mentee_id)}".strip()

    cohort = inputs.cohort.name
    lines = [
        f"Proposed matching for *{cohort}*:"
        if matching.pairs
        else f"Nobody waiting in *{cohort}* can be matched just now."
    ]
    lines += [
        f"• {who(p.mentee_id)} -> {ctx.name_of(p.mentor_id)} "
        f"({'gave no choices' if p.mentee_id in no_choices else _rank_words(p.rank)})"
        for p in matching.pairs
    ]
    lines.append(f"Score: {describe_score(matching.score, matching.total)}.")
    parts: list[Part] = [Text("\n".join(lines))]
    if matching.unmatched:
        why = [f"• {who(u.mentee_id)}: {u.reason}." for u in matching.unmatched]
        parts.append(Text("No mentor yet:\n" + "\n".join(why)))
    if matching.pairs:
        # The examples name this proposal's own references, so they can be typed as they are.
        shown = [refs.get(p.mentee_id) or ctx.name_of(p.mentee_id) for p in matching.pairs]
        swap = f"*swap {shown[0]} and {shown[1]}* (references or names), " if len(shown) > 1 else ""
        parts.append(
            Question(
                f"You can {swap}*move {shown[0]} to <mentor's name>* (a mentor with a free place), "
                "or approve it. Nothing is sent until you approve.",
                (Choice("Approve", APPROVE),),
            )
        )
    return parts


def _algorithm_inputs(
    inputs: mq.MatchingInputs,
) -> tuple[list[MenteeIn], list[MentorIn], set[tuple[int, int]]]:
    mentees = [MenteeIn(m.person_id, m.preferences) for m in inputs.mentees]
    mentors = [MentorIn(m.person_id, m.free) for m in inputs.mentors]
    return mentees, mentors, set(inputs.forbidden)


def _reason(ctx: Context, msg: Incoming) -> kit.Read:
    why = msg.text.strip()
    if len(why) < 5:
        return kit.Read(problem="A short reason is needed to approve, for the record.")
    return kit.Read(why)


Current = tuple[MatchProposal, mq.MatchingInputs]


class ProposalState(kit.FormState):
    cohort_id: int
    proposal_id: int


class MatchingDialog(kit.Form[ProposalState]):
    """Propose, swap, approve: a review step of its own, then the kit's one field (the reason)
    and its confirmation. See the module docstring and ``matching.mmd``."""

    name: ClassVar[str] = "matching"
    title: ClassVar[str] = "Matching mentees with mentors"
    schema_version: ClassVar[int] = 2
    State = ProposalState
    fields: ClassVar[tuple[kit.FormField, ...]] = (
        kit.FormField(
            "rationale",
            "Reason",
            WHY,
            guarded=False,
            reader=_reason,
            max_length=MAX_RATIONALE,
            words=("rationale", "why"),
        ),
    )
    confirm_question = "Shall I announce them?"
    save_label = "Approve and announce"
    change_label = "Not yet"
    SAVE = "dialog:matching:confirm"
    CHANGE = "dialog:matching:not_yet"
    PART = "dialog:matching:part"

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        cohort = mq.steered_cohort(ctx.session, ctx.person_id)
        if cohort is None or cohort.id is None:
            return say(REFUSAL)
        if recognise(msg.text, msg.action).name is IntentName.PROPOSE_MATCHES:
            return self._propose(ctx, cohort)
        proposal = mq.draft(ctx.session, ctx.person_id, cohort.id)
        if proposal is None or proposal.id is None:
            return say(
                f"There's no matching proposal waiting for *{cohort.name}*. Type "
                "*propose matches* to make one."
            )
        state = ProposalState(step=REVIEW, cohort_id=cohort.id, proposal_id=proposal.id)
        return self._review(ctx, state, msg)

    @staticmethod
    def cancel_note(ctx: Context, state: dict[str, Any]) -> str:
        return (
            "the draft proposal is kept, unannounced. Type *propose matches* to start afresh, or "
            "*approve the matching* when you're ready."
        )

    def _propose(self, ctx: Context, cohort: Cohort) -> Turn:
        assert cohort.id is not None
        inputs = mq.matching_inputs(ctx.session, ctx.person_id, cohort.id)
        if inputs is None:
            return say(REFUSAL)
        matching = run_matching(*_algorithm_inputs(inputs))
        shown = _show(ctx, inputs, matching)
        if not inputs.mentees:
            return Turn(replies=shown)
        saved = mq.save_draft(ctx.session, ctx.person_id, cohort.id, *matching.as_json(), ctx.now)
        if not matching.pairs or saved.id is None:
            return Turn(replies=shown)
        state = ProposalState(step=REVIEW, cohort_id=cohort.id, proposal_id=saved.id)
        return Turn(replies=shown, state=state.to_state())

    def _current(self, ctx: Context, state: ProposalState) -> Current | Turn:
        """The draft this dialog is about and what matching needs now, or a turn saying why
        it's gone (or not this person's to see)."""
        inputs = mq.matching_inputs(ctx.session, ctx.person_id, state.cohort_id)
        if inputs is None:
            return say(REFUSAL)
        proposal = mq.draft(ctx.session, ctx.person_id, state.cohort_id)
        if proposal is not None and proposal.id == state.proposal_id:
            return proposal, inputs
        if (by := mq.decided_by(ctx.session, state.proposal_id)) is not None:
            who = ctx.name_of(by) if by else "someone"
            said = f"That proposal was approved by {who}, and the pairings announced."
        else:
            said = "That proposal has been replaced by a newer one."
        return say(f"{said} Type *propose matches* to see where things stand.")

    # -- the review step: the proposal shown, swaps and moves, "approve" ----------------------

    def own_steps(self) -> kit.OwnSteps[ProposalState]:
        return {REVIEW: (self._shown, self._review)}

    def prompt(self, ctx: Context, raw: dict[str, Any]) -> list[Part]:
        if raw.get("step") == kit.CONFIRM and isinstance(
            gone := self._current(ctx, self.load(raw)), Turn
        ):
            return gone.replies
        return super().prompt(ctx, raw)

    def _shown(self, ctx: Context, state: ProposalState) -> list[Part]:
        found = self._current(ctx, state)
        if isinstance(found, Turn):
            return found.replies
        return _show(ctx, found[1], _matching_of(found[0]))

    def _review(self, ctx: Context, state: ProposalState, msg: Incoming) -> Turn:
        found = self._current(ctx, state)
        if isinstance(found, Turn):
            return found
        text = msg.text.strip()
        if msg.action == APPROVE:
            return self._next(ctx, state)
        if recognise(text).name is IntentName.PROPOSE_MATCHES:
            return self._propose(ctx, found[1].cohort)
        if (why := approval(text)) is not None:
            if why:
                return self._take(ctx, state, self.fields[0], why)
            return self._next(ctx, state)
        if (edit := proposal_edit(text)) is not None:
            return self._rearrange(ctx, state, found, edit.first, edit.second)
        if pick(text, (Choice("Show the proposal", REVIEW),)) is not None:
            return Turn(replies=self._shown(ctx, state), state=state.to_state(), advanced=False)
        return say(NOT_FOLLOWED, state=state.to_state(), advanced=False)

    def _rearrange(
        self, ctx: Context, state: ProposalState, found: Current, a: str, b: str
    ) -> Turn:
        proposal, inputs = found
        matching = _matching_of(proposal)
        in_proposal = {p.mentee_id for p in matching.pairs} | {
            u.mentee_id for u in matching.unmatched
        }
        refs = {m.person_id: m.reference for m in inputs.mentees}
        mentees_named = [(i, ctx.name_of(i), refs.get(i, "")) for i in sorted(in_proposal)]
        first_ids, second = named(a, mentees_named), named(b, mentees_named)
        mentor = named(b, [(m.person_id, m.name, "") for m in inputs.mentors]) if not second else []
        unclear = a if len(first_ids) != 1 else b if len(second) != 1 and len(mentor) != 1 else None
        if unclear is not None:
            said = (
                f"I can't tell who *{unclear}* is in this proposal. Use a reference like A-03 or "
                "a full name."
            )
            return say(said, state=state.to_state(), advanced=False)
        mentees, mentors, forbidden = _algorithm_inputs(inputs)
        # Mentees of the proposal who are no longer waiting still count for the edit.
        known = {m.id for m in mentees}
        mentees += [MenteeIn(i) for i in in_proposal if i not in known]
        mentee, other = first_ids[0], (second or mentor)[0]
        edit = swap_mentors if second else move
        edited = edit(matching, mentee, other, mentees, mentors, forbidden)
        if isinstance(edited, str):
            said = _refused(ctx, matching, edited, mentee, other, inputs)
            return say(said, state=state.to_state(), advanced=False)
        mq.record_edit(ctx.session, ctx.person_id, proposal, edited.as_json(), a, b, ctx.now)
        now_with = {p.mentee_id: p.mentor_id for p in edited.pairs}
        changes = [
            f"{ctx.name_of(m)} now has {ctx.name_of(now_with[m])}"
            if m in now_with
            else f"{ctx.name_of(m)} has no mentor"
            for m in ([mentee, other] if second else [mentee])
        ]
        done = Text(f"{'Swapped' if second else 'Moved'}: {'; '.join(changes)}.")
        return Turn(replies=[done, *_show(ctx, inputs, edited)], state=state.to_state())

    # -- the kit's confirmation: approve and announce, or not yet ---------------------------

    def summary(self, ctx: Context, state: ProposalState) -> list[Part]:
        found = self._current(ctx, state)
        count = counted(0 if isinstance(found, Turn) else len(found[0].pairs), "pairing")
        return [
            Text(
                f"Approve and announce {count}, with the reason "
                f"“{state.values.get('rationale', '')}”? Both sides of each pair get their "
                "matching message now, and pairings are final once announced."
            )
        ]

    def confirm_reply(self, ctx: Context, state: ProposalState, msg: Incoming) -> Turn | None:
        choices = self.confirm_choices(ctx, state)
        picked = msg.action or answer(msg.text, choices, yes=self.SAVE, no=self.CHANGE)
        if picked != self.CHANGE:
            return None
        state.step, state.values = REVIEW, {}
        back = self._shown(ctx, state)
        return Turn(replies=[Text("OK, nothing was announced."), *back], state=state.to_state())

    def save(self, ctx: Context, state: ProposalState) -> Turn:
        found = self._current(ctx, state)
        if isinstance(found, Turn):
            return found
        (proposal, inputs), rationale = found, str(state.values["rationale"])
        if stale := _stale(ctx, proposal, inputs):
            return say(
                f"Things have changed since this proposal was made ({stale}), so I haven't "
                "announced it. Type *propose matches* for a fresh one."
            )
        pairings = mq.approve(ctx.session, ctx.person_id, proposal, rationale, ctx.now)
        cohort = inputs.cohort
        scheme = ctx.session.get(Scheme, cohort.scheme_id)
        assert scheme is not None
        outgoing = [m for p in pairings for m in matching_messages(ctx, p, cohort, scheme)]
        matching = _matching_of(proposal)
        note = [
            f"Matching approved by {ctx.person.display_name} for *{cohort.name}*: "
            f"{describe_score(matching.score, matching.total)}.",
            f"Reason: {rationale}",
        ]
        note += [
            f"• {ctx.name_of(p.mentee_id)} -> {ctx.name_of(p.mentor_id)} ({_rank_words(p.rank)})"
            for p in matching.pairs
        ]
        if matching.unmatched:
            left = [f"{ctx.name_of(u.mentee_id)} ({u.reason})" for u in matching.unmatched]
            note.append("Still without a mentor: " + "; ".join(left))
        outgoing.append(to_lead_channel(scheme, Text("\n".join(note))))
        said = (
            f"Approved and announced: {counted(len(pairings), 'pairing')}. Each mentee and "
            "mentor has their matching message, and the lead channel has a note. The mentees "
            "make first contact."
        )
        if matching.unmatched:
            said += " Anyone still without a mentor is in the next *propose matches*."
        return say(said, outgoing=outgoing)


def _refused(
    ctx: Context,
    matching: Matching,
    code: str,
    mentee_id: int,
    other_id: int,
    inputs: mq.MatchingInputs,
) -> str:
    if (refusal := REFUSED.get(code)) is not None:
        return refusal.format(mentee=ctx.name_of(mentee_id), other=ctx.name_of(other_id))
    # A conflict: say which two, and why in words that never quote a conflicts list.
    mentor_of = {p.mentee_id: p.mentor_id for p in matching.pairs}
    candidates = [(mentee_id, other_id)]
    if other_id in mentor_of or mentee_id in mentor_of:
        candidates = [
            (mentee_id, mentor_of.get(other_id, other_id)),
            (other_id, mentor_of.get(mentee_id, 0)),
        ]
    for mentee, mentor in candidates:
        if (why := inputs.forbidden.get((mentee, mentor))) is not None:
            return (
                f"I can't: {ctx.name_of(mentee)} can't be matched with {ctx.name_of(mentor)} "
                f"because {why}. Nothing changed."
            )
    return "I can't: that would match a conflict of interest. Nothing changed."


def _stale(ctx: Context, proposal: MatchProposal, inputs: mq.MatchingInputs) -> str:
    """Why a draft can no longer be approved as it stands, or ""."""
    waiting = {m.person_id for m in inputs.mentees}
    places = {m.person_id: m.free for m in inputs.mentors}
    used: dict[int, int] = {}
    for pair in _matching_of(proposal).pairs:
        mentee, mentor = pair.mentee_id, pair.mentor_id
        if mentee not in waiting:
            return f"{ctx.name_of(mentee)} is no longer waiting for a mentor"
        if (mentee, mentor) in inputs.forbidden:
            return f"{ctx.name_of(mentee)} and {ctx.name_of(mentor)} now have a conflict"
        used[mentor] = used.get(mentor, 0) + 1
        if used[mentor] > places.get(mentor, 0):
            return f"{ctx.name_of(mentor)} no longer has a free place"
    return ""


# -- the matching message --------------------------------------------------------------------


def matching_messages(
    ctx: Context, pairing: Pairing, cohort: Cohort, scheme: Scheme
) -> list[Outgoing]:
    """SCHEME.md's matching message to the mentee and to the mentor, each in their time zone."""
    mentee = ctx.session.get(Person, pairing.mentee_id)
    mentor = ctx.session.get(Person, pairing.mentor_id)
    assert mentee is not None
    assert mentor is not None
    profile = mq.profile_of(ctx.session, pairing.mentor_id)
    days = SchemeSettings.read(scheme.settings).meetings.first_contact_days
    leads = queries.people_with_role(ctx.session, cohort.id or 0, Role.LEAD.value)
    lead = "the project lead" + (f", {leads[0].display_name} ({leads[0].email})" if leads else "")
    deadline = mq.signing_deadline(ctx.session, pairing)
    mentee_first, mentor_first = first(mentee.display_name), first(mentor.display_name)
    preference = profile.contact_preference.strip() if profile else ""
    how = f"email {mentor.email}" + (
        f" ({mentor_first} prefers: {preference})" if preference else ""
    )
    organisation = f" ({profile.organisation})" if profile and profile.organisation else ""
    messages: list[Outgoing] = []
    for reader in (mentee, mentor):
        zone = ZoneInfo(reader.time_zone)
        today = ctx.now.astimezone(zone).date()
        by = format_day((ctx.now + timedelta(days=days)).astimezone(zone).date(), today)
        by_when = f" by {format_day(deadline, today)}" if deadline is not None else ""
        next_steps = (
            "What happens next: meet, agree your ground rules and objectives, and both sign the "
            f"mentoring contract{by_when} (type *sign the contract*)."
        )
        if reader is mentee:
            text = [
                f"Good news, {mentee_first}: you've been matched with your mentor for "
                f"*{cohort.name}*, {mentor.display_name}{organisation}.",
                f"How to reach {mentor_first}: {how}.",
                f"You make the first contact: please get in touch with {mentor_first} to arrange "
                f"your first meeting. If you have not heard back from {mentor_first} by {by}, try "
                f"again or tell {lead}.",
                next_steps + " Type *book a meeting* once you've agreed a time.",
            ]
        else:
            text = [
                f"You've been matched with a mentee for *{cohort.name}*: {mentee.display_name}.",
                f"How to reach {mentee_first}: email {mentee.email}.",
                f"{mentee_first} will contact you first, to arrange your first meeting. If you "
                f"have not heard from {mentee_first} by {by}, please contact them at "
                f"{mentee.email} or tell {lead}.",
                next_steps,
            ]
        messages.append(
            Outgoing(parts=(Text("\n\n".join(text)),), recipient_id=reader.id, kind="matching")
        )
    return messages
