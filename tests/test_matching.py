"""The whole-cohort matching (conversations.matching): optimal where a greedy loop is not,
capacity, the full flag, conflicts never matched, reasons for anyone left unmatched, and the
steering group's swaps and moves."""

from __future__ import annotations

import itertools
import random

from conversations.matching import (
    Matching,
    MenteeIn,
    MentorIn,
    Pair,
    Score,
    describe_score,
    move,
    propose,
    score_of,
    swap,
)

A, B, C, D = 101, 102, 103, 104  # mentors


def greedy(
    mentees: list[MenteeIn], mentors: list[MentorIn], forbidden: set[tuple[int, int]]
) -> Score:
    """What a first-come, best-choice loop gets: each mentee in turn takes their best choice
    with a place left."""
    left = {m.id: m.free for m in mentors}
    pairs: list[Pair] = []
    for mentee in mentees:
        for rank, mentor in enumerate(mentee.preferences, start=1):
            if left.get(mentor, 0) > 0 and (mentee.id, mentor) not in forbidden:
                left[mentor] -= 1
                pairs.append(Pair(mentee.id, mentor, rank))
                break
    return score_of(pairs, len(mentees) - len(pairs))


def brute_force(
    mentees: list[MenteeIn], mentors: list[MentorIn], forbidden: set[tuple[int, int]]
) -> Score:
    """The best score over every possible matching (small cases only)."""
    places = [m.id for m in mentors for _ in range(m.free)]
    best = Score(unmatched=len(mentees))
    options: list[list[int | None]] = [[None, *sorted(set(places))] for _ in mentees]
    for choice in itertools.product(*options):
        used: dict[int, int] = {}
        ok = True
        pairs = []
        for mentee, mentor in zip(mentees, choice, strict=True):
            if mentor is None:
                continue
            used[mentor] = used.get(mentor, 0) + 1
            if used[mentor] > places.count(mentor) or (mentee.id, mentor) in forbidden:
                ok = False
                break
            prefs = mentee.preferences
            pairs.append(
                Pair(mentee.id, mentor, prefs.index(mentor) + 1 if mentor in prefs else None)
            )
        if ok:
            score = score_of(pairs, len(mentees) - len(pairs))
            if score.key() > best.key():
                best = score
    return best


def mentors_of(matching: Matching) -> dict[int, int]:
    return {p.mentee_id: p.mentor_id for p in matching.pairs}


def test_more_first_choices_than_a_greedy_loop() -> None:
    # Greedy: 1 takes A; 2 (A full) takes its 2nd, B, which was 3's first; 3 takes its 2nd, C.
    mentees = [MenteeIn(1, (A,)), MenteeIn(2, (A, B, C)), MenteeIn(3, (B, C))]
    mentors = [MentorIn(A, 1), MentorIn(B, 1), MentorIn(C, 1)]
    assert greedy(mentees, mentors, set()) == Score(first=1, second=2)
    found = propose(mentees, mentors)
    assert found.score == Score(first=2, third=1)
    assert mentors_of(found) == {1: A, 2: C, 3: B}


def test_more_matched_than_a_greedy_loop() -> None:
    # Greedy: 1 takes A, its first; 2 chose only A and is left out. Optimal: both matched.
    mentees = [MenteeIn(1, (A, B)), MenteeIn(2, (A,))]
    mentors = [MentorIn(A, 1), MentorIn(B, 1)]
    assert greedy(mentees, mentors, set()) == Score(first=1, unmatched=1)
    found = propose(mentees, mentors)
    assert found.score == Score(first=1, second=1)
    assert mentors_of(found) == {1: B, 2: A}
    assert found.unmatched == ()


def test_unmatched_when_choices_are_taken() -> None:
    mentees = [MenteeIn(1, (A, B)), MenteeIn(2, (A,)), MenteeIn(3, (B,))]
    found = propose(mentees, [MentorIn(A, 1), MentorIn(B, 1)])
    # Two places, three mentees: the two who chose only one mentor get them.
    assert found.score == Score(first=2, unmatched=1)
    assert mentors_of(found) == {2: A, 3: B}
    assert found.unmatched[0].mentee_id == 1
    assert found.unmatched[0].reason == (
        "1st and 2nd choice are taken by others in this matching; "
        "and no other mentor with a free place is free of a conflict of interest"
    )


def test_capacity_more_than_one_is_several_places() -> None:
    mentees = [MenteeIn(1, (A,)), MenteeIn(2, (A,)), MenteeIn(3, (A, B))]
    found = propose(mentees, [MentorIn(A, 2), MentorIn(B, 1)])
    assert found.score == Score(first=2, second=1)
    assert mentors_of(found) == {1: A, 2: A, 3: B}


def test_full_flag_means_no_place() -> None:
    # A mentor flagged full comes in with free=0 (the storage query's rule): never matched.
    mentees = [MenteeIn(1, (A, B)), MenteeIn(2, (A,))]
    found = propose(mentees, [MentorIn(A, 0), MentorIn(B, 1)])
    assert mentors_of(found) == {1: B}
    assert found.unmatched[0].reason == (
        "their choice is full, and every other mentor free of a conflict is already taken "
        "in this matching"
    )


def test_conflicts_are_never_matched_even_when_preferred() -> None:
    mentees = [MenteeIn(1, (A, B, C)), MenteeIn(2, (B,))]
    mentors = [MentorIn(A, 1), MentorIn(B, 1), MentorIn(C, 1)]
    forbidden = {(1, A), (1, C)}  # mentee 1's appraiser and line manager
    found = propose(mentees, mentors, forbidden)
    assert not any((p.mentee_id, p.mentor_id) in forbidden for p in found.pairs)
    # B is mentee 1's only allowed mentor, so both are matched only if 1 gets B.
    assert mentors_of(found)[1] == B
    assert mentors_of(found)[2] in (A, C)
    assert found.score == Score(second=1, unranked=1)


def test_every_choice_in_conflict() -> None:
    mentees = [MenteeIn(1, (A, B))]
    found = propose(mentees, [MentorIn(A, 1), MentorIn(B, 1)], {(1, A), (1, B)})
    assert found.pairs == ()
    assert found.unmatched[0].reason == (
        "1st and 2nd choice are ruled out (a conflict of interest, or paired before); and no "
        "other mentor with a free place is free of a conflict of interest"
    )


def test_a_mentee_is_never_their_own_mentor() -> None:
    found = propose([MenteeIn(A, (A,))], [MentorIn(A, 1)])
    assert found.pairs == ()
    assert found.unmatched[0].reason.endswith("free of a conflict of interest")


def test_unmatched_reasons_in_plain_words() -> None:
    mentees = [MenteeIn(1, (A, B, C)), MenteeIn(2, ()), MenteeIn(3, (D,))]
    mentors = [MentorIn(A, 0), MentorIn(B, 0), MentorIn(C, 0), MentorIn(D, 1)]
    found = propose(mentees, mentors, {(2, D)})
    reasons = {u.mentee_id: u.reason for u in found.unmatched}
    assert mentors_of(found) == {3: D}
    assert reasons[1] == (
        "all three choices are full, and every other mentor free of a conflict is already "
        "taken in this matching"
    )
    assert reasons[2] == (
        "no preferences given, and no other mentor with a free place is free of a conflict of "
        "interest"
    )
    assert propose([MenteeIn(1, (A,))], [MentorIn(A, 0)]).unmatched[0].reason == (
        "no mentor has a free place"
    )


def test_unranked_match_only_when_it_adds_a_match() -> None:
    # Mentee 2 gave no preferences: gets the spare mentor, never someone's first choice.
    mentees = [MenteeIn(1, (A,)), MenteeIn(2, ())]
    found = propose(mentees, [MentorIn(A, 1), MentorIn(B, 1)])
    assert found.pairs == (Pair(1, A, 1), Pair(2, B, None))
    assert found.score == Score(first=1, unranked=1)


def test_optimal_on_random_small_cohorts() -> None:
    rng = random.Random(7)
    for _ in range(150):
        mentor_ids = [A, B, C, D][: rng.randint(1, 4)]
        mentors = [MentorIn(m, rng.randint(0, 2)) for m in mentor_ids]
        mentees = [
            MenteeIn(i, tuple(rng.sample(mentor_ids, rng.randint(0, min(3, len(mentor_ids))))))
            for i in range(1, rng.randint(1, 5) + 1)
        ]
        forbidden = {(e.id, m) for e in mentees for m in mentor_ids if rng.random() < 0.2}
        found = propose(mentees, mentors, forbidden)
        assert found.score.key() == brute_force(mentees, mentors, forbidden).key()
        assert not any((p.mentee_id, p.mentor_id) in forbidden for p in found.pairs)
        used: dict[int, int] = {}
        for p in found.pairs:
            used[p.mentor_id] = used.get(p.mentor_id, 0) + 1
        assert all(used[m.id] <= m.free for m in mentors if m.id in used)
        assert len({p.mentee_id for p in found.pairs}) == len(found.pairs)
        assert len(found.pairs) + len(found.unmatched) == len(mentees)


def test_swap_exchanges_mentors_and_rescores() -> None:
    mentees = [MenteeIn(1, (A, B)), MenteeIn(2, (B, A))]
    mentors = [MentorIn(A, 1), MentorIn(B, 1)]
    found = propose(mentees, mentors)
    assert found.score == Score(first=2)
    swapped = swap(found, 1, 2, mentees, mentors, set())
    assert isinstance(swapped, Matching)
    assert mentors_of(swapped) == {1: B, 2: A}
    assert swapped.score == Score(second=2)


def test_swap_refuses_a_conflict() -> None:
    mentees = [MenteeIn(1, (A,)), MenteeIn(2, (B,))]
    mentors = [MentorIn(A, 1), MentorIn(B, 1)]
    found = propose(mentees, mentors, {(1, B)})
    assert swap(found, 1, 2, mentees, mentors, {(1, B)}) == "conflict"
    assert swap(found, 1, 1, mentees, mentors, set()) == "same"


def test_swap_with_an_unmatched_mentee_gives_them_the_place() -> None:
    mentees = [MenteeIn(1, (A,)), MenteeIn(2, (A,))]
    mentors = [MentorIn(A, 1)]
    found = propose(mentees, mentors)
    assert mentors_of(found) == {1: A}
    swapped = swap(found, 1, 2, mentees, mentors, set())
    assert isinstance(swapped, Matching)
    assert mentors_of(swapped) == {2: A}
    assert [u.mentee_id for u in swapped.unmatched] == [1]


def test_move_refuses_over_capacity_and_conflict() -> None:
    mentees = [MenteeIn(1, (A,)), MenteeIn(2, (B,))]
    mentors = [MentorIn(A, 1), MentorIn(B, 1), MentorIn(C, 1)]
    found = propose(mentees, mentors, {(1, C)})
    assert move(found, 1, B, mentees, mentors, {(1, C)}) == "full"
    assert move(found, 1, C, mentees, mentors, {(1, C)}) == "conflict"
    moved = move(found, 2, C, mentees, mentors, {(1, C)})
    assert isinstance(moved, Matching)
    assert mentors_of(moved) == {1: A, 2: C}
    assert moved.score == Score(first=1, unranked=1)


def test_describe_score() -> None:
    assert describe_score(Score(first=4, second=1, unmatched=1), 6) == (
        "5 of 6 matched; 4 first choices, 1 second"
    )
    assert describe_score(Score(first=1, unranked=2), 3) == (
        "3 of 3 matched; 1 first choice, 2 not among their choices"
    )
    assert describe_score(Score(unmatched=2), 2) == "0 of 2 matched"


def test_no_mentees_no_pairs() -> None:
    assert propose([], [MentorIn(A, 1)]) == Matching((), (), Score())
