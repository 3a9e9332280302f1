"""Whole-cohort matching of mentees to mentors: a pure function, no database.

``propose(mentees, mentors, forbidden)`` returns the matching that honours the most preferences,
in this strict (lexicographic) order of what matters:

1. the most mentees matched;
2. then the most first choices; then the most second choices; then the most third choices.

A mentee may also be matched to a mentor they did not rank (an *unranked* match) when that
mentor has a free place and no conflict of interest with them: SCHEME.md has the steering group
match "comparing the application with mentor profiles", so an allowed match the group can review
(and swap) is better than leaving someone without a mentor. Unranked matches have the lowest
priority: they never displace anyone's ranked choice, and they only happen when they add a match.

How: a minimum-cost assignment (``scipy.optimize.linear_sum_assignment``, the Hungarian method's
modern form) on a matrix with one row per mentee and one column per mentor *place* (a mentor
with two free places has two columns: capacity expansion), plus one "no mentor" column per
mentee at cost 0 so that leaving someone unmatched is always possible. A match with rank ``r``
earns ``B**4 + B**(4 - r)`` (an unranked match earns ``B**4``) with ``B = len(mentees) + 1``;
every count is below ``B``, so the total ``matched*B**4 + first*B**3 + second*B**2 + third*B``
orders matchings exactly lexicographically. Forbidden cells (a conflict of interest, the
mentee themselves) get a cost far above any benefit; the solver never picks one while a
"no mentor" column is free, and any that slipped through would be dropped. The costs are whole
numbers in float64: the solver's rounding stays far below the smallest step (``B``) while
``n * B**3 < 2**52``, that is for cohorts up to about 8,000 mentees (a real cohort is 20-100;
bench/matching.py times 20 to 2,000).

Also here: :func:`swap` and :func:`move`, the steering group's edits of a proposal, which refuse
a conflict of interest or a mentor over capacity with the reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

MAX_PREFERENCES = 3
ORDINALS = {1: "1st", 2: "2nd", 3: "3rd"}


@dataclass(frozen=True)
class MenteeIn:
    """A selected mentee waiting for a mentor, with their ranked choices (best first)."""

    id: int
    preferences: tuple[int, ...] = ()


@dataclass(frozen=True)
class MentorIn:
    """A mentor and their free places: capacity minus active mentees, 0 when flagged full."""

    id: int
    free: int


@dataclass(frozen=True)
class Pair:
    mentee_id: int
    mentor_id: int
    # 1, 2 or 3: the mentee's choice; None: a mentor they did not rank.
    rank: int | None


@dataclass(frozen=True)
class Unmatched:
    mentee_id: int
    reason: str


@dataclass(frozen=True)
class Score:
    first: int = 0
    second: int = 0
    third: int = 0
    unranked: int = 0
    unmatched: int = 0

    @property
    def matched(self) -> int:
        return self.first + self.second + self.third + self.unranked

    def key(self) -> tuple[int, int, int, int]:
        """What the matching maximises, most important first."""
        return (self.matched, self.first, self.second, self.third)

    def as_json(self) -> dict[str, int]:
        return {
            "first": self.first,
            "second": self.second,
            "third": self.third,
            "unranked": self.unranked,
            "unmatched": self.unmatched,
        }


@dataclass(frozen=True)
class Matching:
    pairs: tuple[Pair, ...]
    unmatched: tuple[Unmatched, ...]
    score: Score = field(default_factory=Score)

    @property
    def total(self) -> int:
        return len(self.pairs) + len(self.unmatched)

    def as_json(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, int]]:
        """The pairs, the unmatched and the score, as a stored proposal keeps them."""
        pairs = [{"mentee_id": p.mentee_id, "mentor_id": p.mentor_id, "rank": p.rank}
                 for p in self.pairs]  # fmt: skip
        unmatched = [{"mentee_id": u.mentee_id, "reason": u.reason} for u in self.unmatched]
        score = {**self.score.as_json(), "matched": self.score.matched, "total": self.total}
        return pairs, unmatched, score

    @classmethod
    def from_json(
        cls, pairs: list[dict[str, Any]], unmatched: list[dict[str, Any]], score: dict[str, Any]
    ) -> Matching:
        return cls(
            tuple(Pair(int(p["mentee_id"]), int(p["mentor_id"]), p.get("rank")) for p in pairs),
            tuple(Unmatched(int(u["mentee_id"]), str(u["reason"])) for u in unmatched),
            Score(**{k: int(score.get(k, 0)) for k in Score.__dataclass_fields__}),
        )


def rank_of(mentee: MenteeIn, mentor_id: int) -> int | None:
    """Which of the mentee's choices the mentor is (1-3), or None."""
    prefs = mentee.preferences[:MAX_PREFERENCES]
    return prefs.index(mentor_id) + 1 if mentor_id in prefs else None


def score_of(pairs: Iterable[Pair], unmatched: int) -> Score:
    ranks = Counter(p.rank for p in pairs)
    return Score(
        first=ranks[1], second=ranks[2], third=ranks[3], unranked=ranks[None], unmatched=unmatched
    )


def _allowed(mentee_id: int, mentor_id: int, forbidden: set[tuple[int, int]]) -> bool:
    return mentee_id != mentor_id and (mentee_id, mentor_id) not in forbidden


def propose(
    mentees: Sequence[MenteeIn],
    mentors: Sequence[MentorIn],
    forbidden: Iterable[tuple[int, int]] = (),
) -> Matching:
    """The best whole-cohort matching (see the module docstring for what "best" means).

    ``forbidden`` holds (mentee id, mentor id) pairs that must never be matched. The result is
    deterministic for the same input: mentees and mentors are taken in id order."""
    banned = set(forbidden)
    mentees = sorted(mentees, key=lambda m: m.id)
    mentors = sorted(mentors, key=lambda m: m.id)
    n = len(mentees)
    if n == 0:
        return Matching(pairs=(), unmatched=(), score=Score())
    # numpy and scipy take a third of a second to import: only matching pays for them.
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    # One column per place; more places than mentees can never be used.
    columns = [m.id for m in mentors for _ in range(min(max(m.free, 0), n))]
    base = float(n + 1)
    matched_gain = base**4
    gains = {1: base**3, 2: base**2, 3: base}
    infeasible = (n + 1) * matched_gain * 4  # above any total benefit
    cost = np.zeros((n, len(columns) + n))
    for row, mentee in enumerate(mentees):
        for col, mentor_id in enumerate(columns):
            if not _allowed(mentee.id, mentor_id, banned):
                cost[row, col] = infeasible
                continue
            rank = rank_of(mentee, mentor_id)
            cost[row, col] = -(matched_gain + (gains[rank] if rank else 0.0))
    rows, cols = linear_sum_assignment(cost)
    pairs: list[Pair] = []
    assigned: dict[int, int] = {}
    for row, col in zip(rows.tolist(), cols.tolist(), strict=True):
        if col >= len(columns) or cost[row, col] >= infeasible:
            continue  # the "no mentor" column, or a forbidden cell dropped
        mentee = mentees[row]
        mentor_id = columns[col]
        assigned[mentee.id] = mentor_id
        pairs.append(Pair(mentee.id, mentor_id, rank_of(mentee, mentor_id)))
    unmatched = [
        Unmatched(m.id, unmatched_reason(m, mentors, banned, pairs))
        for m in mentees
        if m.id not in assigned
    ]
    return Matching(
        pairs=tuple(pairs),
        unmatched=tuple(unmatched),
        score=score_of(pairs, len(unmatched)),
    )


def _places_left(mentors: Sequence[MentorIn], pairs: Iterable[Pair]) -> dict[int, int]:
    used = Counter(p.mentor_id for p in pairs)
    return {m.id: max(m.free, 0) - used[m.id] for m in mentors}


def unmatched_reason(
    mentee: MenteeIn,
    mentors: Sequence[MentorIn],
    forbidden: set[tuple[int, int]],
    pairs: Iterable[Pair],
) -> str:
    """Why a mentee has no mentor in this matching, in plain words for the steering group.

    Names no mentor and shows no one's conflicts list: it says which of the mentee's choices
    (by rank) were full, taken by others, or in conflict."""
    pairs = list(pairs)
    free = {m.id: max(m.free, 0) for m in mentors}
    left = _places_left(mentors, pairs)
    if not any(free.values()):
        return "no mentor has a free place"
    choices: dict[str, list[str]] = {"full": [], "taken": [], "conflict": []}
    prefs = mentee.preferences[:MAX_PREFERENCES]
    for rank, mentor_id in enumerate(prefs, start=1):
        if not _allowed(mentee.id, mentor_id, forbidden):
            choices["conflict"].append(ORDINALS[rank])
        elif free.get(mentor_id, 0) == 0:
            choices["full"].append(ORDINALS[rank])
        else:
            choices["taken"].append(ORDINALS[rank])
    others = [
        m.id
        for m in mentors
        if m.id not in prefs and free[m.id] > 0 and _allowed(mentee.id, m.id, forbidden)
    ]
    if others and all(left[o] <= 0 for o in others):
        rest = "every other mentor free of a conflict is already taken in this matching"
    else:
        rest = "no other mentor with a free place is free of a conflict of interest"
    if not prefs:
        return f"no preferences given, and {rest}"
    if len(choices["full"]) == len(prefs):
        said = {1: "their choice is", 2: "both their choices are", 3: "all three choices are"}
        return f"{said[len(prefs)]} full, and {rest}"
    parts = []
    labels = {
        "full": "full",
        "taken": "taken by others in this matching",
        "conflict": "ruled out (a conflict of interest, or paired before)",
    }
    for kind in ("full", "taken", "conflict"):
        if choices[kind]:
            which = " and ".join(choices[kind])
            verb = "is" if len(choices[kind]) == 1 else "are"
            parts.append(f"{which} choice {verb} {labels[kind]}")
    return "; ".join(parts) + f"; and {rest}"


def swap(
    matching: Matching,
    a: int,
    b: int,
    mentees: Sequence[MenteeIn],
    mentors: Sequence[MentorIn],
    forbidden: Iterable[tuple[int, int]],
) -> Matching | str:
    """Exchange the mentors of mentees ``a`` and ``b`` (either may be unmatched), or say why not:
    ``"conflict"``, ``"same"`` (one mentee named twice) or ``"nothing"`` (neither has a mentor).

    Capacity cannot change (the two places are exchanged), so only a conflict of interest can
    refuse a real swap."""
    banned = set(forbidden)
    by_mentee = {p.mentee_id: p for p in matching.pairs}
    if a == b:
        return "same"
    if a not in by_mentee and b not in by_mentee:
        return "nothing"
    mentor_a = by_mentee[a].mentor_id if a in by_mentee else None
    mentor_b = by_mentee[b].mentor_id if b in by_mentee else None
    for mentee_id, mentor_id in ((a, mentor_b), (b, mentor_a)):
        if mentor_id is not None and not _allowed(mentee_id, mentor_id, banned):
            return "conflict"
    changes = {a: mentor_b, b: mentor_a}
    return _rebuild(matching, changes, mentees, mentors, banned)


def move(
    matching: Matching,
    mentee_id: int,
    mentor_id: int,
    mentees: Sequence[MenteeIn],
    mentors: Sequence[MentorIn],
    forbidden: Iterable[tuple[int, int]],
) -> Matching | str:
    """Give mentee ``mentee_id`` to mentor ``mentor_id`` (who must have a place left), or say
    why not: ``"conflict"``, ``"full"`` or ``"same"`` (already theirs)."""
    banned = set(forbidden)
    if not _allowed(mentee_id, mentor_id, banned):
        return "conflict"
    current = {p.mentee_id: p.mentor_id for p in matching.pairs}
    if current.get(mentee_id) == mentor_id:
        return "same"
    left = _places_left(mentors, matching.pairs)
    if left.get(mentor_id, 0) <= 0:
        return "full"
    return _rebuild(matching, {mentee_id: mentor_id}, mentees, mentors, banned)


def _rebuild(
    matching: Matching,
    changes: dict[int, int | None],
    mentees: Sequence[MenteeIn],
    mentors: Sequence[MentorIn],
    banned: set[tuple[int, int]],
) -> Matching:
    by_id = {m.id: m for m in mentees}
    current: dict[int, int | None] = {p.mentee_id: p.mentor_id for p in matching.pairs}
    current.update(changes)
    order = [p.mentee_id for p in matching.pairs] + [u.mentee_id for u in matching.unmatched]
    pairs: list[Pair] = []
    for mentee_id in order:
        mentor_id = current.get(mentee_id)
        if mentor_id is not None:
            pairs.append(Pair(mentee_id, mentor_id, rank_of(by_id[mentee_id], mentor_id)))
    unmatched = [
        Unmatched(i, unmatched_reason(by_id[i], mentors, banned, pairs))
        for i in order
        if current.get(i) is None
    ]
    return Matching(tuple(pairs), tuple(unmatched), score_of(pairs, len(unmatched)))


def describe_score(score: Score, total: int) -> str:
    """ "5 of 6 matched; 4 first choices, 1 second" """
    counts = [
        (score.first, "first choice", "first choices"),
        (score.second, "second", "seconds"),
        (score.third, "third", "thirds"),
        (score.unranked, "not among their choices", "not among their choices"),
    ]
    said = [f"{n} {one if n == 1 else many}" for n, one, many in counts if n]
    head = f"{score.matched} of {total} matched"
    return head + ("; " + ", ".join(said) if said else "")
