"""Benchmark (not a test): how much of what people type the bot understands the first time.

    .venv/bin/python bench/understanding.py [--corpus PATH] [--only ID ...] [--group N] [-v]

Plays every case of the development corpus (``../shared/corpus/dev.yaml``: what a person says,
what is set up first, what must happen) through the real engine, each on a fresh copy of the
demo database, with the case's clock. Text is typed, never pressed, so each turn is handled as
on Slack or Teams. Our machine-checkable reading of each case's ``expect`` lives in
``tests/corpus/`` (one module per corpus section). Prints the share understood first time,
overall and per group, then the failures with why; ``-v`` adds each failure's transcript.
Target (issue 12): at least 95% overall and at least 85% in every group; exits non-zero below.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from tests.corpus import world  # noqa: E402


def _default_corpus() -> Path:
    """``shared/corpus/dev.yaml`` beside the checkout or beside any folder above it (a git
    worktree sits deeper than the main checkout)."""
    for folder in ROOT.parents:
        candidate = folder / "shared" / "corpus" / "dev.yaml"
        if candidate.exists():
            return candidate
    return ROOT.parent / "shared" / "corpus" / "dev.yaml"


DEFAULT_CORPUS = _default_corpus()


def load(path: Path) -> list[world.Spoken]:
    text = path.read_text(encoding="utf-8")
    sections = world.groups(iter(text.splitlines()))
    cases = []
    for item in yaml.safe_load(text):
        then = item.get("then") or ()
        cases.append(
            world.Spoken(
                id=str(item["id"]),
                group=sections.get(str(item["id"])) or world.group_of(str(item["id"])),
                role=str(item["role"]),
                clock=str(item["clock"]),
                say=str(item["say"]),
                then=tuple(str(answer) for answer in then),
                given=str(item.get("given") or ""),
                expect=str(item.get("expect") or ""),
            )
        )
    return cases


def readings() -> dict[str, world.Case]:
    for module in sorted((ROOT / "tests" / "corpus").glob("g[0-9]*.py")):
        importlib.import_module(f"tests.corpus.{module.stem}")
    return world.CASES


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--corpus", type=Path, default=Path(os.environ.get("MENTORBOT_CORPUS", DEFAULT_CORPUS))
    )
    parser.add_argument("--only", nargs="*", default=[])
    parser.add_argument("--group", type=int)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    if not args.corpus.exists():
        print(f"understanding: no corpus at {args.corpus} (set MENTORBOT_CORPUS)", file=sys.stderr)
        return 2
    logging.disable(logging.WARNING)
    cases = load(args.corpus)
    if args.only:
        cases = [c for c in cases if c.id in set(args.only)]
    if args.group:
        cases = [c for c in cases if c.group.startswith(f"{args.group}.")]
    known = readings()
    with tempfile.TemporaryDirectory(prefix="mentorbot-understanding-") as folder_name:
        folder = Path(folder_name)
        demo = world.template(folder)
        outcomes = [world.play(c, known.get(c.id), demo, folder) for c in cases]
    by_group: dict[str, list[world.Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_group[outcome.case.group].append(outcome)
    failures = [o for o in outcomes if not o.ok]
    if failures:
        print("Not understood first time:")
        for outcome in failures:
            print(f"  {outcome.case.id}: {outcome.case.say!r}\n      {outcome.reason}")
            if args.verbose:
                for turn in outcome.transcript:
                    print(f"      > {turn.who}: {turn.text}")
                    for line in turn.rendered.splitlines():
                        print(f"        {line}")
        print()
    unencoded = sum(1 for o in outcomes if o.reason == "not encoded yet")
    print(f"{'group':44} {'understood':>12}")
    worst = 100.0
    for group in sorted(by_group, key=lambda g: int(g.split(".")[0]) if g[:1].isdigit() else 99):
        got = by_group[group]
        share = 100 * sum(o.ok for o in got) / len(got)
        worst = min(worst, share)
        print(f"{group[:44]:44} {sum(o.ok for o in got):4}/{len(got):<4} {share:5.1f}%")
    total = 100 * sum(o.ok for o in outcomes) / max(1, len(outcomes))
    print(f"{'overall':44} {sum(o.ok for o in outcomes):4}/{len(outcomes):<4} {total:5.1f}%")
    if unencoded:
        print(f"({unencoded} cases not encoded yet count as not understood)")
    ok = total >= 95 and worst >= 85
    print("PASS" if ok else "FAIL (target: 95% overall, 85% in every group)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
