"""Benchmark (not a test): one nudge sweep over 1k, 10k and 100k active pairs, 1-2% of them due,
on SQLite and (with MENTORBOT_BENCH_DATABASE_URL, a PostgreSQL database it may fill) PostgreSQL.

    .venv/bin/python bench/nudge_sweep.py [--sizes 1000,10000,100000] [--due 0.01]

For each size it reports the median time to select what is due (every rule's candidate query:
``conversations.nudges.select_due``), to build the messages (``collect``), and one whole sweep
that creates the nudges (timed untraced), and the peak memory that sweep allocates (a second
run from the same state under tracemalloc). It also runs
the scaling check of issue 4: ten times the pairs with the same number due must cost less than
twice the selection time. Targets: select < 50 ms at 100k pairs; memory growth < 50 MB.
Exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, create_engine, text

from conversations.clock import Clock
from conversations.nudges import collect, select_due, sweep
from storage.db import database_url, open_database, transaction
from tests.factories import make_cohort

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # a Tuesday morning


def _median_ms(action: Callable[[], object], runs: int = 7) -> float:
    action()  # warm caches and statement compilation
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _databases(
    pg_url: str | None,
) -> list[tuple[str, Callable[[], tuple[Engine, Callable[[], None]]]]]:
    def sqlite() -> tuple[Engine, Callable[[], None]]:
        folder = tempfile.mkdtemp(prefix="mentorbot-bench-")
        db = open_database(f"sqlite:///{folder}/bench.sqlite3")
        return db, db.dispose

    def postgresql() -> tuple[Engine, Callable[[], None]]:
        assert pg_url is not None
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(database_url(pg_url))
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in pg_url else "?"
        db = open_database(f"{database_url(pg_url)}{sep}options={quote(f'-csearch_path={schema}')}")

        def drop() -> None:
            db.dispose()
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()

        return db, drop

    found = [("SQLite", sqlite)]
    if pg_url:
        found.append(("PostgreSQL", postgresql))
    return found


def measure(
    make: Callable[[], tuple[Engine, Callable[[], None]]], pairs: int, due: float
) -> dict[str, float]:
    db, cleanup = make()
    try:
        due_pairs = make_cohort(db, pairs=pairs, due=due, now=NOW)

        def select() -> None:
            with transaction(db) as session:
                select_due(session, NOW)

        def build() -> None:
            with transaction(db) as session:
                collect(session, NOW)

        select_ms = _median_ms(select)
        collect_ms = _median_ms(build)
        start = time.perf_counter()
        stats = sweep(db, Clock.fixed(NOW))
        sweep_ms = (time.perf_counter() - start) * 1000
        # Again, from the same state, with allocations traced (tracing slows Python down, so
        # the time above is measured without it).
        with db.begin() as conn:
            conn.execute(text("DELETE FROM nudge"))
            conn.execute(text("DELETE FROM outbox WHERE kind = 'nudge'"))
        tracemalloc.start()
        sweep(db, Clock.fixed(NOW))
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return {
            "pairs": pairs,
            "due": due_pairs,
            "select_ms": select_ms,
            "collect_ms": collect_ms,
            "sweep_ms": sweep_ms,
            "created": stats.created,
            "peak_mb": peak / 1e6,
        }
    finally:
        cleanup()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--due", type=float, default=0.01)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    ok = True
    for name, make in _databases(os.environ.get("MENTORBOT_BENCH_DATABASE_URL")):
        print(f"\n{name}: one sweep, {args.due:.0%} of pairs due")
        print(
            f"{'pairs':>8} {'due':>6} {'select':>9} {'collect':>9} {'sweep':>9} {'nudges':>7} {'peak':>8}"
        )
        results = {}
        for size in sizes:
            r = measure(make, size, args.due)
            results[size] = r
            print(
                f"{size:>8} {r['due']:>6.0f} {r['select_ms']:>7.1f}ms {r['collect_ms']:>7.1f}ms "
                f"{r['sweep_ms']:>7.0f}ms {r['created']:>7.0f} {r['peak_mb']:>6.1f}MB"
            )
            if size >= 100_000 and r["select_ms"] >= 50:
                print(
                    f"  MISSED: selecting what is due took {r['select_ms']:.1f} ms (target < 50 ms)"
                )
                ok = False
            if r["peak_mb"] >= 50:
                print(
                    f"  MISSED: the sweep allocated {r['peak_mb']:.1f} MB at peak (target < 50 MB)"
                )
                ok = False
        largest = max(sizes)
        if largest >= 10 * min(sizes):
            same_due = round(largest * args.due)
            small = measure(make, largest // 10, same_due / (largest // 10))
            ratio = results[largest]["select_ms"] / small["select_ms"]
            print(
                f"scaling: {largest // 10} pairs with {small['due']:.0f} due selects in "
                f"{small['select_ms']:.1f} ms; {largest} pairs with {same_due} due in "
                f"{results[largest]['select_ms']:.1f} ms: x{ratio:.2f} (target < x2)"
            )
            ok = ok and ratio < 2
    print("\nPASS" if ok else "\nFAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
