"""Time conversations.dates on typical replies and sentences; exit 1 when a budget is missed.

Budgets (median per call): a date phrase < 1 ms, a sentence without a date < 0.5 ms.
Run: ``.venv/bin/python bench/bench_dates.py [runs]`` (default 200 runs per phrase).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conversations import dates

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
TZ = "Europe/London"
DATE_BUDGET_MS = 1.0
PLAIN_BUDGET_MS = 0.5

DATE_PHRASES = [
    "next Tuesday at 3pm",
    "tomorrow 10:30",
    "in two weeks",
    "Friday afternoon",
    "5/12",
    "12/01/2026",
    "today 4pm",
    "on the 3rd",
    "tonight at 8",
    "at 5",
    "noon",
    "midday",
    "3.30pm",
    "15:00",
    "Thu 12 Mar",
    "12 March at 15:00",
    "Tuesday",
    "31 Feb",
    "by Friday",
    "end of the month",
    "the day after tomorrow at 10am",
    "thurs half 2",
    "a week on fri, 11ish",
    "fortnight today at 10",
    "20/3 1030",
    "next tues at 11",
    "tmrw after lunch",
]
DATE_SENTENCES = [
    "book a meeting next Tuesday 3pm for an hour by video",
    "Sam: draft the business case by 5 Dec",
    "can we pause until 5 Jan please",
    "let's meet on the 3rd at 2pm if that works for you",
]
DURATIONS = ["an hour", "90 mins", "1.5 hours", "1h30", "an hour and a half", "half an hour"]
PLAIN = [
    "we may meet soon",
    "I feel like I'm on the march",
    "sunny day",
    "we march on regardless of the weather",
    "thanks, that was really helpful and I will think about it",
    "I sat down with my manager and we talked about the promotion",
    "It costs 3.50 and there were 5 people",
]


def median_ms(call: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def run_group(title: str, calls: dict[str, Callable[[], object]], budget: float, runs: int) -> bool:
    print(f"\n{title} (budget {budget} ms median)")
    ok = True
    for label, call in calls.items():
        ms = median_ms(call, runs)
        flag = "" if ms < budget else "  <-- over budget"
        ok = ok and ms < budget
        print(f"  {ms:7.3f} ms  {label}{flag}")
    return ok


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    start = time.perf_counter()
    dates.warm_up()
    print(f"warm_up: {(time.perf_counter() - start) * 1000:.0f} ms")

    def when(text: str) -> Callable[[], object]:
        return lambda: dates.parse_when(text, NOW, TZ, need_time=False)

    def find(text: str) -> Callable[[], object]:
        return lambda: (dates.find_when(text, NOW, TZ), dates.find_duration(text))

    def duration(text: str) -> Callable[[], object]:
        return lambda: dates.parse_duration(text)

    date_calls = {f"parse_when {t!r}": when(t) for t in DATE_PHRASES}
    date_calls |= {f"find_when+find_duration {t!r}": find(t) for t in DATE_SENTENCES}
    date_calls |= {f"parse_duration {t!r}": duration(t) for t in DURATIONS}
    plain_calls = {f"find_when+find_duration {t!r}": find(t) for t in PLAIN}
    plain_calls |= {f"parse_when {t!r}": when(t) for t in PLAIN}

    ok = run_group("Date phrases", date_calls, DATE_BUDGET_MS, runs)
    ok = run_group("Sentences without a date", plain_calls, PLAIN_BUDGET_MS, runs) and ok
    print("\nPASS" if ok else "\nFAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
