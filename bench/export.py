"""Benchmark (not a test): one person's subject access export of at least 10,000 rows about
them, on SQLite and (with MENTORBOT_BENCH_DATABASE_URL, a PostgreSQL database it may fill)
PostgreSQL.

    .venv/bin/python bench/export.py [--rows 10000]

The world is ``tests/export_world.py`` (a row in every table that refers to a person), repeated
cohort by cohort until the export holds ``--rows`` rows (items of its lists). It reports the
rows in the database, the rows exported, the SQL statements it took and the seconds (the whole
work of ``mentorbot export``: the queries and the JSON). Target: under 60 s. Exits non-zero when
it is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, event, func, select
from sqlmodel import SQLModel

from bench.nudge_sweep import _databases as databases
from storage.db import transaction
from storage.export_queries import export_person
from tests.export_world import add_cohort, people

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
TARGET_SECONDS = 60.0


def _rows(db: Engine) -> int:
    with db.connect() as conn:
        return sum(
            conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in SQLModel.metadata.sorted_tables
        )


def _items(data: dict[str, Any]) -> int:
    """The rows in an export: the items of its lists (the person and profile not counted)."""
    return sum(len(v) for v in data.values() if isinstance(v, list))


def measure(db: Engine, rows: int) -> dict[str, Any]:
    with transaction(db) as session:
        who = people(session, NOW)
        add_cohort(session, who, 0, NOW)
        per_cohort = _items(export_person(session, who.sam))
    with transaction(db) as session:
        for i in range(1, -(-rows // per_cohort)):
            add_cohort(session, who, i, NOW)
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(db, "before_cursor_execute", count)
    start = time.perf_counter()
    with transaction(db) as session:
        data = export_person(session, who.sam)
    text = json.dumps(data, indent=2, ensure_ascii=False)
    seconds = time.perf_counter() - start
    event.remove(db, "before_cursor_execute", count)
    return {
        "rows": _rows(db),
        "items": _items(data),
        "bytes": len(text),
        "statements": len(statements),
        "seconds": seconds,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    failed = False
    for name, make in databases(os.environ.get("MENTORBOT_BENCH_DATABASE_URL")):
        db, cleanup = make()
        try:
            m = measure(db, args.rows)
        finally:
            cleanup()
        ok = m["seconds"] < TARGET_SECONDS
        failed |= not ok
        print(
            f"{name}: {m['rows']} rows in the database, {m['items']} exported ({m['bytes']} bytes) in "
            f"{m['statements']} statements, {m['seconds']:.2f} s "
            f"({'ok' if ok else 'MISSED'}: target < {TARGET_SECONDS:.0f} s)"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
