"""Benchmark (not a test): what sealing at rest costs a turn that writes a diary entry.

    .venv/bin/python bench/sealing.py [--turns 200]

The same turns ("diary: ..." typed by the demo mentee, through the real engine on a SQLite file
with its WAL) run twice on fresh databases: once with the database's real key (AES-GCM), once
with a key ring that stores values as they are, so the difference is the sealing alone. It
prints the median CPU time per turn of each and the overhead. Target: at most 10% more. Exits
non-zero when it is missed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlmodel import select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conversations.clock import Clock
from conversations.engine import Engine as DialogEngine
from conversations.messages import Incoming
from conversations.registry import default_registry
from conversations.scheme_config import load_demo
from storage import queries, sealing
from storage.db import open_database, transaction
from storage.models import DiaryEntry

NOW = "2026-11-23T10:00:00+00:00"
TARGET = 0.10
ROUNDS = 5


class Unsealed(sealing.Keyring):
    """Values stored as they are: the same turns without the cost of sealing."""

    def seal(self, text: str) -> str:
        return text

    def open(self, stored: str) -> str:
        return stored


def _turns(folder: Path, turns: int, *, sealed: bool) -> list[float]:
    db = open_database(f"sqlite:///{folder}/bench.sqlite3")
    if not sealed:
        keys = sealing.keyring_of(db.dialect)
        sealing.attach(db, Unsealed(keys.keys, keys.current, keys.source))
    clock = Clock.fixed(NOW)
    load_demo(db, clock)
    with transaction(db) as session:
        person = queries.person_by_email(session, "mentee@example.org")
        assert person is not None
        assert person.id is not None
        person_id = person.id
    engine = DialogEngine(db, clock, default_registry())
    times = []
    for n in range(turns):
        text = f"diary: turn {n}, a reflection on chairing the ward huddle and what I'd change"
        started = time.process_time()
        engine.handle(Incoming(person_id=person_id, text=text))
        times.append(time.process_time() - started)
    with transaction(db) as session:
        written = len(session.exec(select(DiaryEntry)).all())
    assert written == turns, f"{written} diary entries for {turns} turns"
    db.dispose()
    return times[5:]  # the first turns warm caches


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=200)
    args = parser.parse_args()
    medians = {}
    for sealed in (False, True) * ROUNDS:  # interleaved, so drift hits both alike
        with tempfile.TemporaryDirectory() as folder:
            runs = _turns(Path(folder), args.turns, sealed=sealed)
        medians.setdefault(sealed, []).append(statistics.median(runs))
    plain, secret = min(medians[False]), min(medians[True])
    overhead = secret / plain - 1
    print(f"a diary-writing turn: {plain * 1000:.2f} ms unsealed, {secret * 1000:.2f} ms sealed")
    verdict = "within" if overhead <= TARGET else "OVER"
    print(f"sealing costs {overhead:+.1%} per turn (target at most +{TARGET:.0%}): {verdict}")
    return 0 if overhead <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
