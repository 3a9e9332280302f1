"""(Support for the tests; no tests here.) Finds event-loop callbacks that held the loop.

asyncio's debug mode logs "Executing <callback> took 0.123 seconds" for each callback slower
than ``loop.slow_callback_duration``; :class:`LoopWatch` turns that on (0.1 s) and collects those
warnings. A slow callback stalls every other request the server is handling: a synchronous
database call waiting on a lock is the usual culprit.

What item 7 of issue 11 forbids is the loop's thread *sleeping* inside a callback: on a
database lock, a socket, a disk. On a loaded machine (2 cores shared by many jobs) a callback
also looks slow when it never slept: its thread waited for a CPU, or for the GIL while another
thread ran or waited for a CPU itself (a thread being started, say), or debug mode's own
bookkeeping ran (it records a stack, statting source files, for every future it creates); and
debug mode makes running code slower too. So the watch samples every 5 ms how long each thread
has run and waited for a CPU (Linux ``/proc/self/task/*/schedstat``) and where the loop's
thread is, and counts a slow callback only when the time its thread slept, beyond all that
(the busiest other thread's running and waiting taken as GIL time, and any time the sampler
itself could not run: the whole process held off the CPU), is over the limit. For each one counted, the report names the stack the loop's thread was seen in
most. Where Linux gives no schedstat, every slow callback counts.
"""

from __future__ import annotations

import asyncio
import bisect
import faulthandler
import logging
import os
import re
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import Engine

TASKS = Path("/proc/self/task")
_ROOT = Path(__file__).resolve().parent.parent
OURS = tuple(str(_ROOT / package) for package in ("bot", "conversations", "storage", "tests"))
LIMIT = 0.1
SAMPLE_EVERY = 0.005
# A frame line of faulthandler's dump: '  File "/x/y.py", line 12 in run'.
_FRAME = re.compile(r'^\s+File "(?P<file>.*)", line (?P<line>\d+|\?\?\?) in (?P<name>.*)$')


def _schedstats() -> dict[int, tuple[float, float]]:
    """Seconds each thread of this process has run on a CPU and waited for one (empty where
    Linux won't say)."""
    stats: dict[int, tuple[float, float]] = {}
    try:
        names = os.listdir(TASKS)
    except OSError:
        return stats
    for name in names:
        try:
            fields = (TASKS / name / "schedstat").read_text().split()
            stats[int(name)] = (int(fields[0]) / 1e9, int(fields[1]) / 1e9)
        except (OSError, IndexError, ValueError):
            continue
    return stats


_FORMATTING = ("/linecache.py", "/traceback.py", "/asyncio/format_helpers.py")
_ASYNCIO = ("/asyncio/base_events.py", "/asyncio/futures.py", "/asyncio/events.py")


def _bookkeeping(stack: list[str]) -> bool:
    """Whether the stack (innermost first) is debug mode recording where a future, task or
    callback was created (a stack extraction that stats source files), not our code."""
    for n, line in enumerate(stack):
        if line.split(":", 1)[0].endswith(_FORMATTING):
            return any(outer.split(":", 1)[0].endswith(_ASYNCIO) for outer in stack[n + 1 :])
    return False


@dataclass
class SlowCallback:
    text: str  # asyncio's own warning
    took: float
    running: float = 0.0  # the loop's thread on a CPU
    waiting: float = 0.0  # for a CPU (the loop's thread), or for the GIL (another thread busy)
    bookkeeping: float = 0.0  # debug mode recording stacks
    paused: float = 0.0  # the whole process off the CPU (the sampler starved too)
    where: list[str] = field(default_factory=list)  # the loop thread's stack seen most in it

    @property
    def blocked(self) -> float:
        """The time the loop's thread slept: on a lock, a socket, a disk."""
        return self.took - self.running - self.waiting - self.bookkeeping - self.paused


class LoopWatch(logging.Handler):
    """``start(loop)`` ... ``stop()``; then ``found`` lists the callbacks that held the loop."""

    def __init__(self, limit: float = LIMIT) -> None:
        super().__init__(level=logging.WARNING)
        self.limit = limit
        self.slow: list[tuple[float, SlowCallback]] = []  # (when it ended, the callback)
        self._samples: list[tuple[float, dict[int, tuple[float, float]]]] = []
        self._stacks: list[tuple[float, tuple[str, ...], bool]] = []
        self._loop_ident = threading.get_ident()
        self._stopping = threading.Event()
        self._sampler = threading.Thread(target=self._sample, name="loop-watch", daemon=True)
        self._loop_thread = threading.get_native_id()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._was: tuple[bool, float] = (False, 0.1)

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._loop_thread = threading.get_native_id()
        self._loop_ident = threading.get_ident()
        self._was = (loop.get_debug(), loop.slow_callback_duration)
        loop.set_debug(True)
        loop.slow_callback_duration = self.limit
        logging.getLogger("asyncio").addHandler(self)
        self._sampler.start()

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.set_debug(self._was[0])
            self._loop.slow_callback_duration = self._was[1]
        logging.getLogger("asyncio").removeHandler(self)
        time.sleep(2 * SAMPLE_EVERY)  # a sample after the last callback
        self._stopping.set()
        if self._sampler.is_alive():
            self._sampler.join()
        for ended, callback in self.slow:
            self._account(callback, ended - callback.took, ended)
            seen = Counter(s for t, s, _ in self._stacks if ended - callback.took <= t <= ended)
            callback.where = list(seen.most_common(1)[0][0]) if seen else []

    @property
    def found(self) -> list[SlowCallback]:
        """Slow callbacks in which the loop's thread slept over the limit. A step of the test
        itself (its own set-up and checks: ``coro=<test_...``, an async fixture's set-up) is
        the test's business, not the server's, and is left out."""
        return [
            callback
            for _, callback in self.slow
            if callback.blocked > self.limit
            and "coro=<test_" not in callback.text
            and "_asyncgen_fixture" not in callback.text
        ]

    def report(self) -> str:
        return "\n".join(
            f"{c.text} ({c.blocked:.3f} s asleep; running {c.running:.3f} s, waiting for a CPU "
            f"{c.waiting:.3f} s); the loop was mostly in:\n    " + "\n    ".join(c.where)
            for c in self.found
        )

    # -- measuring ----------------------------------------------------------------------------

    def emit(self, record: logging.LogRecord) -> None:
        if not str(record.msg).startswith("Executing") or not isinstance(record.args, tuple):
            return
        took = float(record.args[-1])
        self.slow.append((record.created, SlowCallback(record.getMessage(), took)))

    def _sample(self) -> None:
        # Unbuffered: faulthandler writes straight to the file's descriptor.
        with tempfile.TemporaryFile(buffering=0) as dump:
            while not self._stopping.is_set():
                now = time.time()
                self._samples.append((now, _schedstats()))
                stack = self._loop_stack(dump)[:60]
                ours = next((line for line in stack if line.startswith(OURS)), "")
                more = (f"... {ours}",) if ours and ours not in stack[:6] else ()
                self._stacks.append((now, tuple(stack[:6]) + more, _bookkeeping(stack[:12])))
                self._stopping.wait(SAMPLE_EVERY)

    def _loop_stack(self, dump: BinaryIO) -> list[str]:
        """The loop thread's stack, innermost first, as "file:line function". Read by
        faulthandler in one C call that keeps the GIL: walking another running thread's frames
        in Python (``f_back``, ``f_lineno``) can hand the GIL over midway and crash CPython 3.11
        when that thread pops the frame being read."""
        dump.seek(0)
        dump.truncate()
        faulthandler.dump_traceback(dump, all_threads=True)
        dump.seek(0)
        header = f"0x{self._loop_ident:016x} "
        stack: list[str] = []
        inside = False
        for line in dump.read().decode(errors="replace").splitlines():
            if line.startswith(("Thread ", "Current thread ")):
                inside = header in line
            elif inside and (found := _FRAME.match(line)) is not None:
                stack.append(f"{found['file']}:{found['line']} {found['name']}")
        return stack

    def _account(self, callback: SlowCallback, began: float, ended: float) -> None:
        times = [t for t, _ in self._samples]
        before = bisect.bisect_right(times, began) - 1
        after = bisect.bisect_left(times, ended)
        if before < 0 or after >= len(times):
            return  # not sampled: counted in full
        first, last = self._samples[before][1], self._samples[after][1]
        zero = (0.0, 0.0)
        loop_first, loop_last = (
            first.get(self._loop_thread, zero),
            last.get(self._loop_thread, zero),
        )
        others = [  # a thread that started inside the callback counts from zero
            (last[tid][0] - first.get(tid, zero)[0]) + (last[tid][1] - first.get(tid, zero)[1])
            for tid in last
            if tid != self._loop_thread
        ]
        callback.running = min(callback.took, loop_last[0] - loop_first[0])
        # The loop's thread waiting for a CPU, or for the GIL while another thread held it
        # (that thread running, or itself waiting for a CPU).
        callback.waiting = loop_last[1] - loop_first[1] + max(others, default=0.0)
        callback.bookkeeping = self._debugging(began, ended)
        callback.paused = self._paused(times, began, ended)

    @staticmethod
    def _paused(times: list[float], began: float, ended: float) -> float:
        """Time the sampler itself could not run inside the callback (gaps between its samples
        beyond a few periods): the whole process was held off the CPU (a container's CPU quota
        throttles every thread at once, and schedstat counts that as sleep, not as waiting).
        A loop blocked on a lock, a socket or a disk sleeps in C with the GIL released, so the
        sampler goes on every 5 ms there and nothing is discounted."""
        inside = [began, *(t for t in times if began < t < ended), ended]
        slack = 4 * SAMPLE_EVERY
        return sum(max(0.0, b - a - slack) for a, b in pairwise(inside))

    def _debugging(self, began: float, ended: float) -> float:
        """Time the loop's thread was seen in debug mode's own bookkeeping (each sample counts
        until the next one)."""
        spent = 0.0
        for (at, _, bookkeeping), (following, _, _) in zip(
            self._stacks, self._stacks[1:], strict=False
        ):
            if bookkeeping and began <= at and following <= ended:
                spent += following - at
        return spent


class HeldLock:
    """Another connection holding a lock on the database, as a long migration or a stuck
    session would, until :meth:`release` (which ``release_after`` calls from a timer thread, so
    a loop that is blocked waiting for it still gets it back).

    SQLite: a write lock (``BEGIN IMMEDIATE``) on the whole file: writers wait, readers do not
    (WAL). PostgreSQL: ``ACCESS EXCLUSIVE`` on ``tables``: nobody reads or writes them."""

    def __init__(self, db: Engine, tables: tuple[str, ...]) -> None:
        self.released = threading.Event()
        self._connection = db.connect()
        self._transaction = self._connection.begin()
        if db.dialect.name == "sqlite":
            self._connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            self._connection.exec_driver_sql(
                f"LOCK TABLE {', '.join(tables)} IN ACCESS EXCLUSIVE MODE"
            )
        self._timer: threading.Timer | None = None

    def release_after(self, seconds: float) -> None:
        self._timer = threading.Timer(seconds, self.release)
        self._timer.start()

    def release(self) -> None:
        if self.released.is_set():
            return
        if self._connection.dialect.name == "sqlite":
            self._connection.exec_driver_sql("ROLLBACK")
        self._transaction.rollback()
        self._connection.close()
        self.released.set()

    def join(self) -> None:
        if self._timer is not None:
            self._timer.join()
        self.release()
