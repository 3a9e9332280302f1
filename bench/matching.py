"""Benchmark (not a test): whole-cohort matching (``conversations.matching.propose``) on random
cohorts of 20, 100, 500 and 2,000 selected mentees, with mentors of 1-3 places (about 1.2 places
per mentee), popular mentors (choices skewed towards a few), and 2% of pairs forbidden.

    .venv/bin/python bench/matching.py [--sizes 20,100,500,2000] [--runs 5]

Reports the median time of ``propose`` and the score it finds, beside a greedy first-come loop's
score on the same cohort (to show what the optimal assignment buys). Target: a cohort of 500
matched in under 1 s (a real cohort is 20-100). Exits non-zero when the target is missed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conversations.matching import Matching, MenteeIn, MentorIn, propose

TARGET_SECONDS_AT_500 = 1.0


def cohort(size: int, seed: int) -> tuple[list[MenteeIn], list[MentorIn], set[tuple[int, int]]]:
    rng = random.Random(seed)
    mentors: list[MentorIn] = []
    places = 0
    next_id = 100_000
    while places < size * 1.2:
        free = rng.choice((1, 1, 2, 3))
        mentors.append(MentorIn(id=next_id, free=free))
        places += free
        next_id += 1
    ids = [m.id for m in mentors]
    weights = [1.0 / (rank + 1) for rank in range(len(ids))]  # a few mentors are popular
    mentees = []
    for mentee_id in range(1, size + 1):
        picks: list[int] = []
        while len(picks) < 3:
            choice = rng.choices(ids, weights)[0]
            if choice not in picks:
                picks.append(choice)
        mentees.append(MenteeIn(id=mentee_id, preferences=tuple(picks)))
    forbidden = {
        (mentee.id, mentor.id) for mentee in mentees for mentor in mentors if rng.random() < 0.02
    }
    return mentees, mentors, forbidden


def greedy(
    mentees: list[MenteeIn], mentors: list[MentorIn], forbidden: set[tuple[int, int]]
) -> tuple[int, int]:
    """First come, first served on first choices: (matched, first choices)."""
    free = {m.id: m.free for m in mentors}
    matched = firsts = 0
    for mentee in mentees:
        for rank, mentor_id in enumerate(mentee.preferences, start=1):
            if free[mentor_id] > 0 and (mentee.id, mentor_id) not in forbidden:
                free[mentor_id] -= 1
                matched += 1
                firsts += rank == 1
                break
    return matched, firsts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="20,100,500,2000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    failed = False
    print(
        f"{'mentees':>8} {'mentors':>8} {'median':>10}  optimal (matched / 1st / 2nd / 3rd / other)  greedy (matched / 1st)"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        mentees, mentors, forbidden = cohort(size, seed=size)
        times: list[float] = []
        result: Matching | None = None
        for _ in range(args.runs):
            started = time.perf_counter()
            result = propose(mentees, mentors, forbidden)
            times.append(time.perf_counter() - started)
        assert result is not None
        median = statistics.median(times)
        s = result.score
        g_matched, g_first = greedy(mentees, mentors, forbidden)
        print(
            f"{size:>8} {len(mentors):>8} {median * 1000:>8.1f} ms  "
            f"{s.matched} / {s.first} / {s.second} / {s.third} / {s.unranked}"
            f"{'':>18}{g_matched} / {g_first}"
        )
        if size == 500 and median > TARGET_SECONDS_AT_500:
            print(f"  missed: 500 mentees took {median:.2f} s (target {TARGET_SECONDS_AT_500} s)")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
