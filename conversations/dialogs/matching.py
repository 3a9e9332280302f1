"""Pairing mentees with mentors: the steering group's proposal, swaps and approval; the matching
messages; conflicts of interest declared in chat; "is this a good fit?" after the first meeting;
and re-matching.

Map:
- :class:`MatchingDialog` ("propose matches", "swap A-03 and A-05", "approve"): for the project
  lead and the steering group (chair, members, moderator) of the cohort only. *propose matches*
  runs ``conversations.matching.propose`` on the selected mentees who have no mentor (with their
  ranked top 3) and the mentors' free places, never matching a conflict of interest, and saves
  the result as the cohort's one draft ``MatchProposal`` (an older draft is discarded). It shows
  each pair ("A-03 Priya Shah -> Tom Okafor (1st choice)"), the score, and anyone unmatched with
  why. *swap A-03 and A-05* / *swap Priya and Sam* exchanges two mentees' mentors; *move A-03 to
  Owen Whitfield* gives a mentee a mentor's free place; either is refused, with the reason, when
  it would match a conflict of interest or overfill a mentor. *approve* asks for a short rationale
  (required), confirms (pairings are final once announced), then creates the pairings, records
  the decision (who, when, why) and sends the matching message to both sides and a note to the
  lead channel. See ``matching.mmd``.
- The matching message (SCHEME.md "Pairing"): who the partner is, how to reach them (the mentor's
  contact preference and email; the mentee's email), that the MENTEE makes first contact, "if you
  have not heard ... by DATE" (``[scheme.meetings] first_contact_days`` on, in the reader's time
  zone), and what happens next (meet, agree ground rules, sign the contract by the deadline).
- :func:`declare_conflict`: "Dr Jones is my appraiser" (a mentee), "conflict of interest with
  Priya Shah" (a mentor), "conflict A-07 mentor2@example.org line management" (lead or steering
  group): stored as ``ConflictOfInterest`` with who declared it. A mentee or mentor is told the
  same thing whether or not the person they named is in the scheme.
- :class:`FitDialog`: after the pair's first minutes are logged both partners are asked "good fit
  / still deciding / not a good fit" (buttons ``fit:<answer>:<pairing>``; typing the words works
  too). A "not a good fit" from either tells the lead channel and offers the MENTEE a new mentor;
  on their yes the pairing ends (``ended_early``, "not a good fit", kept as history), the mentor
  is told kindly that it has ended, and the mentee is asked for a new top 3 (the old mentor is
  left out). The next *propose matches* includes them; approval links the new pairing to the old.
"""

from __future__ import annotations

import re
from datetime import timedelta
from enum import StrEnum
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from conversations.dates import format_day
from conversations.dialogs.base import Context, Outgoing, Registry, Turn
from conversations.intents import INTENT_ACTION_PREFIX, Intent, IntentName, recognise
from conversations.language.choices import answer
from conversations.matching import (
    ORDINALS,
    Matching,
    MenteeIn,
    MentorIn,
    Pair,
    Score,
    Unmatched,
    describe_score,
    move,
    propose,
    swap,
)
from conversations.messages import Choice, Incoming, Part, Question, Text
from storage import matching_queries as mq
from storage import queries
from storage.lead_queries import STEERING_ROLES
from storage.models import (
    Cohort,
    ConflictKind,
    FitAnswer,
    MatchProposal,
    MentorProfile,
    Pairing,
    PairingStatus,
    Person,
    ProposalStatus,
    Role,
    Scheme,
)
from storage.scheme_settings import SchemeSettings

APPROVE = "dialog:matching:approve"
CONFIRM = "dialog:matching:confirm"
NOT_YET = "dialog:matching:not_yet"
ANNOUNCE = (Choice("Approve and announce", CONFIRM), Choice("Not yet", NOT_YET))
FIT_PREFIX = "fit"
FIT_KIND = "fit_check"
MAX_RATIONALE = 1000


def _words(text: str) -> str:
    return re.sub(r"[\s.!]+$", "", text.strip().casefold())


def _first(name: str) -> str:
    return name.split(" ", 1)[0]


class Step(StrEnum):
    REVIEW = "review"
    RATIONALE = "rationale"
    CONFIRM = "confirm"


# -- the proposal as the steering group sees it -------------------------------------------------


def _matching_of(proposal: MatchProposal) -> Matching:
    pairs = tuple(
        Pair(int(p["mentee_id"]), int(p["mentor_id"]), p.get("rank")) for p in proposal.pairs
    )
    unmatched = tuple(Unmatched(int(u["mentee_id"]), str(u["reason"])) for u in proposal.unmatched)
    score = proposal.score
    return Matching(
        pairs,
        unmatched,
        Score(
            first=int(score.get("first", 0)),
            second=int(score.get("second", 0)),
            third=int(score.get("third", 0)),
            unranked=int(score.get("unranked", 0)),
            unmatched=int(score.get("unmatched", 0)),
        ),
    )


def _store(proposal: MatchProposal, matching: Matching) -> None:
    proposal.pairs = [
        {"mentee_id": p.mentee_id, "mentor_id": p.mentor_id, "rank": p.rank} for p in matching.pairs
    ]
    proposal.unmatched = [
        {"mentee_id": u.mentee_id, "reason": u.reason} for u in matching.unmatched
    ]
    proposal.score = {
        **matching.score.as_json(),
        "matched": matching.score.matched,
        "total": len(matching.pairs) + len(matching.unmatched),
    }


def _rank_words(rank: int | None) -> str:
    return f"{ORDINALS[rank]} choice" if rank else "not among their choices"


def _show(ctx: Context, inputs: mq.MatchingInputs, matching: Matching) -> list[Part]:
    refs = {m.person_id: m.reference for m in inputs.mentees}
    total = len(matching.pairs) + len(matching.unmatched)
    if total == 0:
        return [
            Text(
                "Nobody is waiting for a mentor: every selected mentee has one. When the steering "
                "group selects more, or someone asks for a new mentor, type *propose matches*."
            )
        ]

    no_choices = {m.person_id for m in inputs.mentees if not m.preferences}

    def how(pair: Pair) -> str:
        return "gave no choices" if pair.mentee_id in no_choices else _rank_words(pair.rank)

    def who(mentee_id: int) -> str:
        ref = refs.get(mentee_id, "")
        return f"{ref} {ctx.name_of(mentee_id)}".strip()

    lines = [
        f"Proposed matching for *{inputs.cohort.name}*:"
        if matching.pairs
        else f"Nobody waiting in *{inputs.cohort.name}* can be matched just now."
    ]
    lines += [
        f"• {who(p.mentee_id)} -> {ctx.name_of(p.mentor_id)} ({how(p)})" for p in matching.pairs
    ]
    lines.append(f"Score: {describe_score(matching.score, total)}.")
    parts: list[Part] = [Text("\n".join(lines))]
    if matching.unmatched:
        parts.append(
            Text(
                "No mentor yet:\n"
                + "\n".join(f"• {who(u.mentee_id)}: {u.reason}." for u in matching.unmatched)
            )
        )
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


def _cohort_for(ctx: Context) -> Cohort | None:
    return mq.steered_cohort(ctx.session, ctx.person_id)


def _refusal() -> Turn:
    return Turn(
        replies=[
            Text(
                "Proposing, swapping and approving matches is for the project lead and the "
                "steering group of the cohort."
            )
        ]
    )


def _inputs_as_algorithm(
    inputs: mq.MatchingInputs,
) -> tuple[list[MenteeIn], list[MentorIn], set[tuple[int, int]]]:
    mentees = [MenteeIn(m.person_id, m.preferences) for m in inputs.mentees]
    mentors = [MentorIn(m.person_id, m.free) for m in inputs.mentors]
    return mentees, mentors, set(inputs.forbidden)


_SWAP = re.compile(
    r"^\s*(?:swap|switch|exchange)\s+(?P<a>.+?)\s+(?:and|with|&|<->)\s+(?P<b>.+?)[\s.!]*$", re.I
)
_MOVE = re.compile(
    r"^\s*(?:move|give|assign|match)\s+(?P<a>.+?)\s+(?:to|with)\s+(?P<b>.+?)[\s.!]*$", re.I
)
_APPROVE = re.compile(
    r"^\s*approve(?:\s+(?:the\s+)?(?:matching|matches|proposal|pairings?))?\s*(?:[:\-–,]|because)?\s*(?P<why>.*)$",
    re.I | re.DOTALL,
)
_REFERENCE = re.compile(r"^a-?\s*(\d+)$", re.I)


def _find(said: str, people: list[tuple[int, str, str]]) -> list[int]:
    """Person ids whose reference, full name or first name is ``said`` (case-insensitive)."""
    word = said.strip().strip("\"'*").casefold()
    if match := _REFERENCE.match(word):
        ref = f"A-{int(match.group(1)):02d}"
        return [pid for pid, name, r in people if r.upper() == ref]
    exact = [pid for pid, name, _r in people if name.casefold() == word]
    if exact:
        return exact
    return [pid for pid, name, _r in people if _first(name).casefold() == word]


class MatchingDialog:
    """Propose, swap, approve: see the module docstring and ``matching.mmd``."""

    name: ClassVar[str] = "matching"
    title: ClassVar[str] = "Matching mentees with mentors"
    schema_version: ClassVar[int] = 1

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        cohort = _cohort_for(ctx)
        if cohort is None or cohort.id is None:
            return _refusal()
        if recognise(msg.text, msg.action).name is IntentName.PROPOSE_MATCHES:
            return self._propose(ctx, cohort)
        proposal = mq.draft(ctx.session, ctx.person_id, cohort.id)
        if proposal is None:
            return Turn(
                replies=[
                    Text(
                        f"There's no matching proposal waiting for *{cohort.name}*. Type "
                        "*propose matches* to make one."
                    )
                ]
            )
        state = {"step": Step.REVIEW.value, "cohort_id": cohort.id, "proposal_id": proposal.id}
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
            return _refusal()
        mentees, mentors, forbidden = _inputs_as_algorithm(inputs)
        matching = propose(mentees, mentors, forbidden)
        if not inputs.mentees:
            return Turn(replies=_show(ctx, inputs, matching))
        holder = MatchProposal(cohort_id=cohort.id, created_at=ctx.now, updated_at=ctx.now)
        _store(holder, matching)
        proposal = mq.save_draft(
            ctx.session,
            ctx.person_id,
            cohort.id,
            holder.pairs,
            holder.unmatched,
            holder.score,
            ctx.now,
        )
        state = {"step": Step.REVIEW.value, "cohort_id": cohort.id, "proposal_id": proposal.id}
        if not matching.pairs:
            return Turn(replies=_show(ctx, inputs, matching))
        return Turn(replies=_show(ctx, inputs, matching), state=state)

    # -- the steps --------------------------------------------------------------------------

    def _current(self, ctx: Context, state: dict[str, Any]) -> MatchProposal | Turn:
        """The draft this dialog is about, or a turn saying why it's gone."""
        proposal = mq.draft(ctx.session, ctx.person_id, int(state["cohort_id"]))
        if not mq.may_match(ctx.session, ctx.person_id, int(state["cohort_id"])):
            return _refusal()
        if proposal is None or proposal.id != state["proposal_id"]:
            old = ctx.session.get(MatchProposal, int(state["proposal_id"]))
            if old is not None and old.status == ProposalStatus.APPROVED.value:
                who = ctx.name_of(old.decided_by_id) if old.decided_by_id else "someone"
                said = f"That proposal was approved by {who}, and the pairings announced."
            else:
                said = "That proposal has been replaced by a newer one."
            return Turn(replies=[Text(f"{said} Type *propose matches* to see where things stand.")])
        return proposal

    def prompt(self, ctx: Context, state: dict[str, Any]) -> list[Part]:
        step = Step(state["step"])
        if step is Step.RATIONALE:
            return [self._why_question()]
        found = self._current(ctx, state)
        if isinstance(found, Turn):
            return found.replies
        if step is Step.CONFIRM:
            return self._confirmation(ctx, found, state)
        inputs = mq.matching_inputs(ctx.session, ctx.person_id, found.cohort_id)
        return _show(ctx, inputs, _matching_of(found)) if inputs else _refusal().replies

    def step(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        step = Step(state["step"])
        if step is Step.RATIONALE:
            return self._on_rationale(ctx, state, msg)
        if step is Step.CONFIRM:
            return self._on_confirm(ctx, state, msg)
        return self._review(ctx, state, msg)

    def _review(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        found = self._current(ctx, state)
        if isinstance(found, Turn):
            return found
        proposal = found
        text = msg.text.strip()
        if msg.action == APPROVE:
            return self._ask_why(state)
        if recognise(text).name is IntentName.PROPOSE_MATCHES:
            cohort = ctx.session.get(Cohort, proposal.cohort_id)
            assert cohort is not None
            return self._propose(ctx, cohort)
        if match := _APPROVE.match(text):
            why = match.group("why").strip()
            if not why:
                return self._ask_why(state)
            return self._to_confirm(ctx, state, why)
        swap_match = _SWAP.match(text)
        move_match = _MOVE.match(text)
        if swap_match or move_match:
            found_match = swap_match or move_match
            assert found_match is not None
            return self._edit(ctx, state, proposal, found_match["a"], found_match["b"])
        if _words(text) in {"show", "show it", "show the proposal", "proposal"}:
            return Turn(replies=self.prompt(ctx, state), state=state, advanced=False)
        return Turn(
            replies=[
                Text(
                    "I didn't follow that. You can *swap A-01 and A-02*, *move A-01 to <mentor's "
                    "name>*, *approve*, or *propose matches* to start afresh."
                )
            ],
            state=state,
            advanced=False,
        )

    def _edit(
        self, ctx: Context, state: dict[str, Any], proposal: MatchProposal, a: str, b: str
    ) -> Turn:
        inputs = mq.matching_inputs(ctx.session, ctx.person_id, proposal.cohort_id)
        if inputs is None:
            return _refusal()
        matching = _matching_of(proposal)
        in_proposal = {p.mentee_id for p in matching.pairs} | {
            u.mentee_id for u in matching.unmatched
        }
        refs = {m.person_id: m.reference for m in inputs.mentees}
        mentees_named = [(i, ctx.name_of(i), refs.get(i, "")) for i in sorted(in_proposal)]
        mentors_named = [(m.person_id, m.name, "") for m in inputs.mentors]
        first = _find(a, mentees_named)
        second = _find(b, mentees_named)
        mentor = _find(b, mentors_named) if not second else []
        problem = None
        if len(first) != 1:
            problem = a
        elif len(second) != 1 and len(mentor) != 1:
            problem = b
        if problem is not None:
            return Turn(
                replies=[
                    Text(
                        f"I can't tell who *{problem}* is in this proposal. Use a reference "
                        "like A-03 or a full name."
                    )
                ],
                state=state,
                advanced=False,
            )
        mentees, mentors, forbidden = _inputs_as_algorithm(inputs)
        # Mentees of the proposal who are no longer waiting still count for the edit.
        known = {m.id for m in mentees}
        mentees += [MenteeIn(i) for i in in_proposal if i not in known]
        if second:
            edited = swap(matching, first[0], second[0], mentees, mentors, forbidden)
            other = second[0]
        else:
            edited = move(matching, first[0], mentor[0], mentees, mentors, forbidden)
            other = mentor[0]
        if isinstance(edited, str):
            return Turn(
                replies=[Text(self._refused(ctx, matching, edited, first[0], other, inputs))],
                state=state,
                advanced=False,
            )
        _store(proposal, edited)
        proposal.updated_at = ctx.now
        ctx.session.add(proposal)
        mq.record_edit(ctx.session, ctx.person_id, proposal, a, b, ctx.now)
        now_with = {p.mentee_id: p.mentor_id for p in edited.pairs}
        changed = [first[0], second[0]] if second else [first[0]]
        said = [
            f"{ctx.name_of(m)} now has {ctx.name_of(now_with[m])}"
            if m in now_with
            else f"{ctx.name_of(m)} has no mentor"
            for m in changed
        ]
        verb = "Swapped" if second else "Moved"
        replies: list[Part] = [Text(f"{verb}: {'; '.join(said)}.")]
        replies += _show(ctx, inputs, edited)
        return Turn(replies=replies, state=state)

    @staticmethod
    def _refused(
        ctx: Context,
        matching: Matching,
        code: str,
        mentee_id: int,
        other_id: int,
        inputs: mq.MatchingInputs,
    ) -> str:
        if code == "same":
            return "That's the same person twice, so nothing changed."
        if code == "nothing":
            return (
                f"Neither {ctx.name_of(mentee_id)} nor {ctx.name_of(other_id)} has a mentor in "
                "this proposal, so there is nothing to swap. Use *move A-03 to <mentor>* to give "
                "someone a mentor with a free place."
            )
        if code == "full":
            return (
                f"I can't: {ctx.name_of(other_id)} has no free place left in this proposal. "
                "Swap two mentees instead, so each keeps one place."
            )
        # A conflict: say which two, and why in words that never quote a conflicts list.
        mentor_of = {p.mentee_id: p.mentor_id for p in matching.pairs}
        candidates = [(mentee_id, other_id)]
        if other_id in mentor_of or mentee_id in mentor_of:
            candidates = [
                (mentee_id, mentor_of.get(other_id, other_id)),
                (other_id, mentor_of.get(mentee_id, 0)),
            ]
        for mentee, mentor in candidates:
            why = inputs.forbidden.get((mentee, mentor))
            if why is not None:
                return (
                    f"I can't: {ctx.name_of(mentee)} can't be matched with "
                    f"{ctx.name_of(mentor)} because {why}. Nothing changed."
                )
        return "I can't: that would match a conflict of interest. Nothing changed."

    def _why_question(self) -> Text:
        return Text(
            "Before I announce it: in a sentence, why does the steering group approve this "
            "matching? (For example: 'first choices honoured; A-03 and A-05 swapped for "
            "travel'.) It's kept with the decision."
        )

    def _ask_why(self, state: dict[str, Any]) -> Turn:
        return Turn(replies=[self._why_question()], state={**state, "step": Step.RATIONALE.value})

    def _on_rationale(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        why = msg.text.strip()
        if len(why) < 5:
            return Turn(
                replies=[
                    Text("A short reason is needed to approve, for the record."),
                    self._why_question(),
                ],
                state=state,
                advanced=False,
            )
        if len(why) > MAX_RATIONALE:
            return Turn(
                replies=[Text(f"Please keep the reason under {MAX_RATIONALE} characters.")],
                state=state,
                advanced=False,
            )
        return self._to_confirm(ctx, state, why)

    def _to_confirm(self, ctx: Context, state: dict[str, Any], why: str) -> Turn:
        found = self._current(ctx, state)
        if isinstance(found, Turn):
            return found
        new_state = {**state, "step": Step.CONFIRM.value, "rationale": why}
        return Turn(replies=self._confirmation(ctx, found, new_state), state=new_state)

    @staticmethod
    def _confirmation(ctx: Context, proposal: MatchProposal, state: dict[str, Any]) -> list[Part]:
        count = len(proposal.pairs)
        return [
            Text(
                f"Approve and announce {count} pairing{'s' * (count != 1)}, with the reason "
                f"“{state['rationale']}”? Both sides of each pair get their matching message "
                "now, and pairings are final once announced."
            ),
            Question(
                "Shall I announce them?",
                ANNOUNCE,
            ),
        ]

    def _on_confirm(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        picked = msg.action or answer(msg.text, ANNOUNCE, yes=CONFIRM, no=NOT_YET)
        if picked == NOT_YET:
            back = {**state, "step": Step.REVIEW.value}
            back.pop("rationale", None)
            return Turn(
                replies=[Text("OK, nothing was announced."), *self.prompt(ctx, back)], state=back
            )
        if picked != CONFIRM:
            return Turn(
                replies=[Text("Please choose *Approve and announce* or *Not yet*.")],
                state=state,
                advanced=False,
            )
        found = self._current(ctx, state)
        if isinstance(found, Turn):
            return found
        return self._approve(ctx, found, str(state["rationale"]))

    def _approve(self, ctx: Context, proposal: MatchProposal, rationale: str) -> Turn:
        inputs = mq.matching_inputs(ctx.session, ctx.person_id, proposal.cohort_id)
        if inputs is None:
            return _refusal()
        stale = _stale(ctx, proposal, inputs)
        if stale:
            return Turn(
                replies=[
                    Text(
                        f"Things have changed since this proposal was made ({stale}), so I "
                        "haven't announced it. Type *propose matches* for a fresh one."
                    )
                ]
            )
        pairings = mq.approve(ctx.session, ctx.person_id, proposal, rationale, ctx.now)
        cohort = inputs.cohort
        scheme = ctx.session.get(Scheme, cohort.scheme_id)
        assert scheme is not None
        outgoing: list[Outgoing] = []
        for pairing in pairings:
            outgoing += matching_messages(ctx, pairing, cohort, scheme)
        matching = _matching_of(proposal)
        total = len(matching.pairs) + len(matching.unmatched)
        note = [
            f"Matching approved by {ctx.person.display_name} for *{cohort.name}*: "
            f"{describe_score(matching.score, total)}.",
            f"Reason: {rationale}",
        ]
        note += [
            f"• {ctx.name_of(p.mentee_id)} -> {ctx.name_of(p.mentor_id)} ({_rank_words(p.rank)})"
            for p in matching.pairs
        ]
        if matching.unmatched:
            note.append(
                "Still without a mentor: "
                + "; ".join(f"{ctx.name_of(u.mentee_id)} ({u.reason})" for u in matching.unmatched)
            )
        outgoing.append(
            Outgoing(
                parts=(Text("\n".join(note)),), channel=scheme.lead_channel, scheme_id=scheme.id
            )
        )
        count = len(pairings)
        replies: list[Part] = [
            Text(
                f"Approved and announced: {count} pairing{'s' * (count != 1)}. Each mentee and "
                "mentor has their matching message, and the lead channel has a note. The mentees "
                "make first contact."
                + (
                    " Anyone still without a mentor is in the next *propose matches*."
                    if matching.unmatched
                    else ""
                )
            )
        ]
        return Turn(replies=replies, outgoing=outgoing)


def _stale(ctx: Context, proposal: MatchProposal, inputs: mq.MatchingInputs) -> str:
    """Why a draft can no longer be approved as it stands, or ""."""
    waiting = {m.person_id for m in inputs.mentees}
    places = {m.person_id: m.free for m in inputs.mentors}
    used: dict[int, int] = {}
    for pair in proposal.pairs:
        mentee, mentor = int(pair["mentee_id"]), int(pair["mentor_id"])
        if mentee not in waiting:
            return f"{ctx.name_of(mentee)} is no longer waiting for a mentor"
        if (mentee, mentor) in inputs.forbidden:
            return f"{ctx.name_of(mentee)} and {ctx.name_of(mentor)} now have a conflict"
        used[mentor] = used.get(mentor, 0) + 1
        if used[mentor] > places.get(mentor, 0):
            return f"{ctx.name_of(mentor)} no longer has a free place"
    return ""


# -- the matching message --------------------------------------------------------------------


def _zone(person: Person) -> ZoneInfo:
    return ZoneInfo(person.time_zone)


def matching_messages(
    ctx: Context, pairing: Pairing, cohort: Cohort, scheme: Scheme
) -> list[Outgoing]:
    """SCHEME.md's matching message to the mentee and to the mentor, each in their time zone."""
    mentee = ctx.session.get(Person, pairing.mentee_id)
    mentor = ctx.session.get(Person, pairing.mentor_id)
    assert mentee is not None
    assert mentor is not None
    profile = mq.profile_of(ctx.session, mentor.id or 0)
    days = SchemeSettings.read(scheme.settings).meetings.first_contact_days
    leads = queries.people_with_role(ctx.session, cohort.id or 0, Role.LEAD.value)
    lead = (
        f"the project lead, {leads[0].display_name} ({leads[0].email})"
        if leads
        else "the project lead"
    )
    messages: list[Outgoing] = []
    for reader in (mentee, mentor):
        zone = _zone(reader)
        today = ctx.now.astimezone(zone).date()
        by = format_day((ctx.now + timedelta(days=days)).astimezone(zone).date(), today)
        deadline = mq.signing_deadline(ctx.session, pairing)
        by_when = f" by {format_day(deadline, today)}" if deadline is not None else ""
        next_steps = (
            "What happens next: meet, agree your ground rules and objectives, and both sign the "
            f"mentoring contract{by_when} (type *sign the contract*)."
        )
        if reader is mentee:
            how = _mentor_contact(mentor, profile)
            text = [
                f"Good news, {_first(mentee.display_name)}: you've been matched with your mentor "
                f"for *{cohort.name}*, {mentor.display_name}"
                + (f" ({profile.organisation})" if profile and profile.organisation else "")
                + ".",
                f"How to reach {_first(mentor.display_name)}: {how}.",
                f"You make the first contact: please get in touch with {_first(mentor.display_name)} "
                f"to arrange your first meeting. If you have not heard back from "
                f"{_first(mentor.display_name)} by {by}, try again or tell {lead}.",
                next_steps + " Type *book a meeting* once you've agreed a time.",
            ]
        else:
            text = [
                f"You've been matched with a mentee for *{cohort.name}*: {mentee.display_name}.",
                f"How to reach {_first(mentee.display_name)}: email {mentee.email}.",
                f"{_first(mentee.display_name)} will contact you first, to arrange your first "
                f"meeting. If you have not heard from {_first(mentee.display_name)} by {by}, "
                f"please contact them at {mentee.email} or tell {lead}.",
                next_steps,
            ]
        messages.append(
            Outgoing(parts=(Text("\n\n".join(text)),), recipient_id=reader.id, kind="matching")
        )
    return messages


def _mentor_contact(mentor: Person, profile: MentorProfile | None) -> str:
    preference = profile.contact_preference.strip() if profile else ""
    if preference:
        return f"email {mentor.email} ({_first(mentor.display_name)} prefers: {preference})"
    return f"email {mentor.email}"


# -- conflicts of interest declared in chat ----------------------------------------------------

_KINDS: list[tuple[ConflictKind, re.Pattern[str]]] = [
    (ConflictKind.EDUCATIONAL_SUPERVISOR, re.compile(r"educational[\s_]supervis|\bsupervis", re.I)),
    (ConflictKind.APPRAISER, re.compile(r"\bapprais", re.I)),
    (
        ConflictKind.LINE_MANAGEMENT,
        re.compile(r"line[\s_-]?manag|\bmanager\b|\bmanages\b|\breports? to\b", re.I),
    ),
    (ConflictKind.SAME_DEPARTMENT, re.compile(r"department|same team", re.I)),
]
KIND_WORDS = {
    ConflictKind.APPRAISER: "appraiser",
    ConflictKind.EDUCATIONAL_SUPERVISOR: "educational supervisor",
    ConflictKind.LINE_MANAGEMENT: "line management",
    ConflictKind.SAME_DEPARTMENT: "same department",
    ConflictKind.OTHER: "other",
}
_TITLES = re.compile(r"^(?:dr|doctor|mr|mrs|ms|miss|mx|prof|professor)\.?\s+", re.I)


def kind_in(text: str) -> ConflictKind:
    for kind, pattern in _KINDS:
        if pattern.search(text):
            return kind
    return ConflictKind.OTHER


_NAMING = (
    re.compile(r"^(?P<who>.+?)\s+(?:is|was|used to be|has been)\s+my\b", re.I),
    re.compile(
        r"\bconflicts?(?:\s+of\s+interest)?\s*(?:with|:|-)?\s*(?P<who>.+?)"
        r"(?:\s*[:,;(]|\s+-\s|\s+(?:as|who|she|he|they|because)\b|$)",
        re.I,
    ),
    re.compile(
        r"^(?P<who>.+?)\s+(?:manages|appraises|supervises|managed|appraised|supervised|"
        r"used to (?:manage|appraise|supervise))\s+me\b",
        re.I,
    ),
)


def _named(text: str) -> str:
    """The person a mentee or mentor names: "Dr Jones is my appraiser" -> "Jones"."""
    text = text.strip().rstrip(".!")
    for pattern in _NAMING:
        if m := pattern.search(text):
            return _TITLES.sub("", m["who"].strip().strip("*\"'")).strip()
    return ""


def _match_person(said: str, people: list[Person]) -> list[Person]:
    word = said.casefold()
    exact = [p for p in people if word in (p.email.casefold(), p.display_name.casefold())]
    if exact:
        return exact
    parts = [p for p in people if word in p.display_name.casefold().split()]
    return parts


def declare_conflict(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    text = intent.rest or msg.text
    if ctx.enrolment(*STEERING_ROLES) is not None and re.match(
        r"^\s*conflict\s+A-?\d+", text, re.I
    ):
        return _steering_conflict(ctx, text)
    if re.match(r"^\s*conflict\s+A-?\d+", text, re.I):
        return Turn(
            replies=[
                Text(
                    "Recording a conflict by application reference is for the project lead and "
                    "the steering group. To declare your own, tell me who it's with, for example: "
                    "*conflict of interest with Sam Lee, my line manager*."
                )
            ]
        )
    if ctx.enrolment(Role.MENTEE.value) is not None:
        return _own_conflict(ctx, text, Role.MENTEE)
    if ctx.enrolment(Role.MENTOR.value) is not None:
        return _own_conflict(ctx, text, Role.MENTOR)
    if ctx.enrolment(*STEERING_ROLES) is not None:
        return Turn(
            replies=[
                Text(
                    "To record a conflict of interest, give the application reference, the "
                    "mentor and the kind, for example: *conflict A-07 mentor2@example.org line "
                    "management*."
                )
            ]
        )
    return Turn(
        replies=[
            Text(
                "Conflicts of interest are declared by mentees and mentors of the scheme, or "
                "recorded by the project lead. Please contact your project lead."
            )
        ]
    )


def _own_conflict(ctx: Context, text: str, role: Role) -> Turn:
    enrolment = ctx.enrolment(role.value)
    assert enrolment is not None
    cohort = enrolment.cohort
    assert cohort.id is not None
    named = _named(text)
    kind = kind_in(text)
    if not named or len(named) > 200:
        other = "mentor" if role is Role.MENTEE else "mentee"
        return Turn(
            replies=[
                Text(
                    f"Who is the conflict with? Tell me their name and how you know them, for "
                    f"example: *conflict of interest with Sam Lee, my line manager* (a {other} "
                    "you must not be matched with)."
                )
            ]
        )
    others_role = Role.MENTOR if role is Role.MENTEE else Role.MENTEE
    found = [
        p
        for p in _match_person(named, mq.people_in_role(ctx.session, cohort.id, others_role.value))
        if p.id != ctx.person_id
    ]
    how = KIND_WORDS[kind] if kind is not ConflictKind.OTHER else "a conflict of interest"
    if role is Role.MENTEE:
        if len(found) != 1:
            return Turn(
                replies=[
                    Text(
                        f"I can't find one mentor called “{named}” in *{cohort.name}*. Please "
                        "use their full name as shown in the mentor bios (type *choose my "
                        "mentor* to see them), or tell the project lead."
                    )
                ]
            )
        mentor = found[0]
        assert mentor.id is not None
        mq.add_conflict(
            ctx.session, cohort.id, ctx.person_id, mentor.id, kind, ctx.person_id, ctx.now
        )
        reply = (
            f"Thank you: I've recorded a conflict of interest with {mentor.display_name} "
            f"({how}). You won't be matched with them, and the steering group can see it."
        )
        return _with_current_partner(ctx, cohort, reply, ctx.person_id, mentor.id, how)
    # A mentor: the same answer whether or not the named person has applied.
    reply = (
        f"Thank you: I've noted a conflict of interest with “{named}” ({how}). You won't "
        "be matched with them; only the steering group sees it."
    )
    if len(found) == 1 and found[0].id is not None:
        mq.add_conflict(
            ctx.session, cohort.id, found[0].id, ctx.person_id, kind, ctx.person_id, ctx.now
        )
        return _with_current_partner(ctx, cohort, reply, found[0].id, ctx.person_id, how)
    mq.add_to_own_conflicts(ctx.session, ctx.person_id, named, ctx.now)
    return Turn(replies=[Text(reply)])


def _with_current_partner(
    ctx: Context, cohort: Cohort, reply: str, mentee_id: int, mentor_id: int, how: str
) -> Turn:
    """A conflict declared with one's own current partner: the project lead needs to know."""
    current = [
        p
        for p in queries.active_pairings(ctx.session, ctx.person_id)
        if (p.mentee_id, p.mentor_id) == (mentee_id, mentor_id)
    ]
    if not current:
        return Turn(replies=[Text(reply)])
    scheme = ctx.session.get(Scheme, cohort.scheme_id)
    assert scheme is not None
    partner = ctx.name_of(queries.partner_of(current[0], ctx.person_id))
    return Turn(
        replies=[
            Text(
                f"{reply} As {_first(partner)} is your current partner in the scheme, I've told "
                "the project lead, who will be in touch about what happens next."
            )
        ],
        outgoing=[
            Outgoing(
                parts=(
                    Text(
                        f"{ctx.person.display_name} has declared a conflict of interest ({how}) "
                        f"with their current partner, {partner}. Please get in touch with them."
                    ),
                ),
                channel=scheme.lead_channel,
                scheme_id=scheme.id,
            )
        ],
    )


_STEERING_CONFLICT = re.compile(r"^\s*conflict\s+(?P<ref>A-?\d+)\s+(?P<rest>.+)$", re.I)


def _steering_conflict(ctx: Context, text: str) -> Turn:
    cohort = _cohort_for(ctx)
    match = _STEERING_CONFLICT.match(text)
    if cohort is None or cohort.id is None or match is None:
        return _refusal()
    ref = (
        match["ref"].upper().replace("A", "A-", 1)
        if "-" not in match["ref"]
        else match["ref"].upper()
    )
    mentee = mq.mentee_by_reference(ctx.session, ctx.person_id, cohort.id, ref)
    if mentee is None or mentee.id is None:
        return Turn(replies=[Text(f"I can't find application {ref} in *{cohort.name}*.")])
    rest = match["rest"].strip()
    kind = kind_in(rest)
    mentors = mq.people_in_role(ctx.session, cohort.id, Role.MENTOR.value)
    found = []
    for length in range(len(rest.split()), 0, -1):
        said = " ".join(rest.split()[:length])
        found = _match_person(said, mentors)
        if len(found) == 1:
            break
    if len(found) != 1 or found[0].id is None:
        return Turn(
            replies=[
                Text(
                    "I can't tell which mentor that is. Give their email or full name, for "
                    "example: *conflict A-07 mentor2@example.org line management*."
                )
            ]
        )
    mentor = found[0]
    added = mq.add_conflict(
        ctx.session, cohort.id, mentee.id, mentor.id or 0, kind, ctx.person_id, ctx.now
    )
    if not added:
        return Turn(
            replies=[Text(f"That conflict ({ref} and {mentor.display_name}) is already recorded.")]
        )
    return Turn(
        replies=[
            Text(
                f"Recorded: {ref} and {mentor.display_name} must not be matched "
                f"({KIND_WORDS[kind]}). The next *propose matches* keeps them apart."
            )
        ]
    )


# -- "is this a good fit?" after the first minutes ---------------------------------------------

FIT_LABELS = {
    FitAnswer.GOOD_FIT: "Good fit",
    FitAnswer.STILL_DECIDING: "Still deciding",
    FitAnswer.NOT_A_GOOD_FIT: "Not a good fit",
}
REMATCH_YES = "rematch_yes"
REMATCH_NO = "rematch_no"


def fit_question(pairing_id: int, partner_first: str) -> Question:
    """Asked of both partners once their first meeting's minutes are logged."""
    return Question(
        f"Now that you've had your first meeting: how does the pairing with {partner_first} "
        "feel? The project lead sees your answer.",
        tuple(
            Choice(label, f"{FIT_PREFIX}:{answer.value}:{pairing_id}")
            for answer, label in FIT_LABELS.items()
        ),
    )


def first_minutes_questions(ctx: Context, pairing: Pairing) -> list[Outgoing]:
    """The fit question for both partners, as messages of their own (the mentee's reply to the
    minutes has its own buttons), when the minutes just saved are the pair's first; nothing
    otherwise. Called from the minutes save, in the same turn."""
    assert pairing.id is not None
    if mq.minutes_count(ctx.session, pairing.id) != 1:
        return []
    mentor_first = _first(ctx.name_of(pairing.mentor_id))
    mentee_first = _first(ctx.name_of(pairing.mentee_id))
    return [
        Outgoing(
            parts=(fit_question(pairing.id, mentor_first),),
            recipient_id=pairing.mentee_id,
            kind=FIT_KIND,
        ),
        Outgoing(
            parts=(fit_question(pairing.id, mentee_first),),
            recipient_id=pairing.mentor_id,
            kind=FIT_KIND,
        ),
    ]


def _rematch_question(pairing_id: int, mentor_first: str) -> Question:
    return Question(
        f"Would you like a new mentor? This ends your pairing with {mentor_first}; it stays in "
        "the scheme's records, and they're told only that it has ended.",
        (
            Choice("Yes, a new mentor", f"{FIT_PREFIX}:{REMATCH_YES}:{pairing_id}"),
            Choice("No, carry on", f"{FIT_PREFIX}:{REMATCH_NO}:{pairing_id}"),
        ),
    )


_FIT_WORDS = [
    (
        FitAnswer.NOT_A_GOOD_FIT,
        re.compile(
            r"\bnot (?:a )?(?:good|great|right) fit\b|\bnot the right fit\b|\bbad fit\b", re.I
        ),
    ),
    (
        FitAnswer.STILL_DECIDING,
        re.compile(r"\bstill deciding\b|\bnot sure yet\b|\btoo early\b", re.I),
    ),
    (FitAnswer.GOOD_FIT, re.compile(r"\b(?:good|great) fit\b", re.I)),
]


def may_choose_again(ctx: Context, pairing: Pairing) -> bool:
    """Whether the mentee of an ended pairing can pick a new top three in chat: they have a
    selected application in the cohort (a mentee loaded from a scheme file may not)."""
    return mq.has_selected_application(ctx.session, pairing.mentee_id, pairing.cohort_id)


def choose_again_question() -> Question:
    return Question(
        "Shall we choose your new mentors now?",
        (Choice("Choose my mentors", INTENT_ACTION_PREFIX + IntentName.PREFERENCES.value),),
    )


class FitStep(StrEnum):
    REMATCH = "rematch"


class FitDialog:
    """A partner's answer to "how does the pairing feel?", and the mentee's "new mentor?"."""

    name: ClassVar[str] = "fit_check"
    title: ClassVar[str] = "How the pairing feels"
    schema_version: ClassVar[int] = 1

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        answer: str | None = None
        pairing_id: int | None = None
        if msg.action and msg.action.startswith(f"{FIT_PREFIX}:"):
            parts = msg.action.split(":")
            if len(parts) == 3 and parts[2].isdigit():
                answer, pairing_id = parts[1], int(parts[2])
        else:
            for kind, pattern in _FIT_WORDS:
                if pattern.search(msg.text):
                    answer = kind.value
                    break
        pairing = mq.fit_pairing(ctx.session, ctx.person_id, pairing_id)
        if pairing is None or answer is None:
            return Turn(
                replies=[
                    Text(
                        "I can't find a current pairing of yours to answer about. If something "
                        "isn't right, type *raise a concern* and the project lead will help."
                    )
                ]
            )
        if pairing.status != PairingStatus.ACTIVE.value:
            return Turn(
                replies=[Text("That pairing has already ended, so there's nothing to change.")]
            )
        if answer in (REMATCH_YES, REMATCH_NO):
            if pairing.mentee_id != ctx.person_id:
                return Turn(replies=[Text("Only the mentee can ask for a new mentor.")])
            return self._rematch(ctx, pairing, answer == REMATCH_YES)
        try:
            fit = FitAnswer(answer)
        except ValueError:
            return Turn(replies=[Text("That button belongs to something we've already finished.")])
        return self._answer(ctx, pairing, fit)

    def _answer(self, ctx: Context, pairing: Pairing, fit: FitAnswer) -> Turn:
        mq.record_fit(ctx.session, ctx.person_id, pairing, fit.value, ctx.now)
        is_mentee = pairing.mentee_id == ctx.person_id
        partner = ctx.name_of(queries.partner_of(pairing, ctx.person_id))
        if fit is FitAnswer.GOOD_FIT:
            return Turn(
                replies=[
                    Text(
                        "Thank you, that's good to hear. Type *what's next* any time to see what's due."
                    )
                ]
            )
        if fit is FitAnswer.STILL_DECIDING:
            return Turn(
                replies=[
                    Text(
                        "That's fine: it can take a meeting or two. If you decide it isn't the "
                        "right fit, just tell me *not a good fit* at any time."
                    )
                ]
            )
        cohort = ctx.session.get(Cohort, pairing.cohort_id)
        assert cohort is not None
        scheme = ctx.session.get(Scheme, cohort.scheme_id)
        assert scheme is not None
        role = "mentee" if is_mentee else "mentor"
        lead_note = Outgoing(
            parts=(
                Text(
                    f"After their first meeting, {ctx.person.display_name} ({role}) says the "
                    f"pairing with {partner} is not a good fit. The mentee is being offered a new "
                    "mentor; please get in touch with them both."
                ),
            ),
            channel=scheme.lead_channel,
            scheme_id=scheme.id,
        )
        assert pairing.id is not None
        if is_mentee:
            return Turn(
                replies=[
                    Text(
                        "Thank you for saying so: it happens, and it's nobody's fault. The project lead has been told."
                    ),
                    _rematch_question(pairing.id, _first(partner)),
                ],
                state={"step": FitStep.REMATCH.value, "pairing_id": pairing.id},
                outgoing=[lead_note],
            )
        mentor_first = _first(ctx.person.display_name)
        offer = Outgoing(
            parts=(
                Text(
                    f"After your first meeting, {mentor_first} feels your pairing may not be the "
                    "best fit. That happens, and it's nobody's fault. The project lead knows and "
                    "will be in touch."
                ),
                _rematch_question(pairing.id, mentor_first),
            ),
            recipient_id=pairing.mentee_id,
        )
        return Turn(
            replies=[
                Text(
                    f"Thank you for saying so: it happens, and it's nobody's fault. The project "
                    f"lead has been told. I've let {_first(partner)} know you feel it may not be "
                    f"the best fit, and offered {_first(partner)} a new mentor. Until you hear "
                    "otherwise, the pairing carries on."
                )
            ],
            outgoing=[lead_note, offer],
        )

    def prompt(self, ctx: Context, state: dict[str, Any]) -> list[Part]:
        pairing = ctx.session.get(Pairing, int(state["pairing_id"]))
        if pairing is None:
            return [Text("That pairing has gone.")]
        return [_rematch_question(int(state["pairing_id"]), _first(ctx.name_of(pairing.mentor_id)))]

    def step(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        pairing = ctx.session.get(Pairing, int(state["pairing_id"]))
        if pairing is None or pairing.mentee_id != ctx.person_id:
            return Turn(replies=[Text("That pairing has gone.")])
        offered = _rematch_question(pairing.id or 0, "").choices
        yes, no = (choice.action for choice in offered)
        picked = answer(msg.text, offered, yes=yes, no=no)
        if picked is not None:
            return self._rematch(ctx, pairing, picked == yes)
        return Turn(
            replies=[
                Text("Please answer *yes* (a new mentor) or *no* (carry on)."),
                *self.prompt(ctx, state),
            ],
            state=state,
            advanced=False,
        )

    def _rematch(self, ctx: Context, pairing: Pairing, wanted: bool) -> Turn:
        mentor_name = ctx.name_of(pairing.mentor_id)
        if pairing.status != PairingStatus.ACTIVE.value:
            return Turn(replies=[Text("That pairing has already ended.")])
        if not wanted:
            return Turn(
                replies=[
                    Text(
                        f"OK, your pairing with {_first(mentor_name)} carries on. If you change "
                        "your mind, tell me *not a good fit* at any time, or talk to the project lead."
                    )
                ]
            )
        cohort = ctx.session.get(Cohort, pairing.cohort_id)
        assert cohort is not None
        scheme = ctx.session.get(Scheme, cohort.scheme_id)
        assert scheme is not None
        mq.end_not_a_good_fit(ctx.session, ctx.person_id, pairing, ctx.now)
        leads = queries.people_with_role(ctx.session, cohort.id or 0, Role.LEAD.value)
        lead_name = leads[0].display_name if leads else "The project lead"
        me = ctx.person.display_name
        ended = (
            f"Your pairing with {mentor_name} has ended; it stays in the scheme's records. "
            f"{_first(mentor_name)} has been told only that it has ended. "
        )
        replies: list[Part]
        if may_choose_again(ctx, pairing):
            ended += (
                "The steering group will match you with a new mentor: first, choose your new "
                "top three."
            )
            replies = [Text(ended), choose_again_question()]
        else:
            replies = [Text(ended + "The steering group will be in touch about a new mentor.")]
        return Turn(
            replies=replies,
            outgoing=[
                Outgoing(
                    parts=(
                        Text(
                            f"Your mentoring pairing with {me} has ended. Thank you for the time "
                            f"you've given. {lead_name}, the project lead, will be in touch about "
                            "what happens next."
                        ),
                    ),
                    recipient_id=pairing.mentor_id,
                ),
                Outgoing(
                    parts=(
                        Text(
                            f"{me} has ended their pairing with {mentor_name} (not a good fit) and "
                            "would like a new mentor. They'll be in the next *propose matches*."
                        ),
                    ),
                    channel=scheme.lead_channel,
                    scheme_id=scheme.id,
                ),
            ],
        )


def register(registry: Registry) -> None:
    """Wire this journey's intents, dialogs and button routes into ``registry``."""
    registry.add_dialog(
        MatchingDialog(),
        IntentName.PROPOSE_MATCHES,
        IntentName.SWAP_MATCHES,
        IntentName.APPROVE_MATCHES,
    )
    registry.add_dialog(FitDialog(), IntentName.FIT_CHECK)
    registry.answers[IntentName.DECLARE_CONFLICT] = declare_conflict
    registry.action_routes[FIT_PREFIX] = IntentName.FIT_CHECK
