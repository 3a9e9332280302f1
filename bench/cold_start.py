"""How long ``mentorbot chat`` takes, from process start, to answer its first message.

Each run starts ``python -m bot chat`` in a fresh process on its own copy of a demo database
(made once beforehand, clock fixed), types one message and closes its input. It reports the
child's CPU time (user + sys, from ``os.wait4``: start-up, the first reply and exit) and the
wall time until the first reply arrived; the median of several runs per message. Exits 1 when
a median CPU time is over the budget (1.0 s).

The child runs as this environment would run it: with ``PYTHONDONTWRITEBYTECODE`` set, our own
modules are compiled from source at every start. When it is set, a second set of runs shows a
normal installation, where they are compiled once (to a temporary ``PYTHONPYCACHEPREFIX``).

Run: ``.venv/bin/python bench/cold_start.py [runs]`` (default 5 runs per message).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-23T10:00:00+00:00"  # a Monday
USER = "mentee@example.org"
MESSAGES = ("help", "book a meeting thursday at 2")
CPU_BUDGET_S = 1.0


def _env(pycache: Path | None = None) -> dict[str, str]:
    drop = {"DATABASE_URL", "MENTORBOT_NOW", "MENTORBOT_FILES_DIR"}
    if pycache is not None:
        drop.add("PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["PYTHONPATH"] = str(ROOT)
    if pycache is not None:
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def make_demo(folder: Path) -> Path:
    """The demo scheme in a SQLite file, loaded by the CLI as a user would."""
    path = folder / "demo.sqlite3"
    subprocess.run(
        [sys.executable, "-m", "bot", "scheme", "load", "--demo", "--now", NOW,
         "--db", f"sqlite:///{path}"],
        check=True, capture_output=True, env=_env(), cwd=ROOT,
    )  # fmt: skip
    return path


def one_run(
    demo: Path, folder: Path, message: str, pycache: Path | None = None
) -> tuple[float, float, str]:
    """(CPU seconds of the child, wall seconds to the first reply, the reply)."""
    db = folder / "run.sqlite3"
    for suffix in ("", "-wal", "-shm", ".key"):  # the key: the demo holds sealed answers
        Path(f"{db}{suffix}").unlink(missing_ok=True)
        if Path(f"{demo}{suffix}").exists():
            shutil.copyfile(f"{demo}{suffix}", f"{db}{suffix}")
    command = [sys.executable, "-m", "bot", "chat", "--user", USER, "--now", NOW,
               "--db", f"sqlite:///{db}", "--files-dir", str(folder / "files")]  # fmt: skip
    start = time.perf_counter()
    child = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        env=_env(pycache), cwd=folder,
    )  # fmt: skip
    assert child.stdin is not None
    assert child.stdout is not None
    child.stdin.write(f"{message}\n".encode())
    child.stdin.close()
    first = os.read(child.stdout.fileno(), 1 << 16)
    wall = time.perf_counter() - start
    rest = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0 or not first:
        raise SystemExit(f"mentorbot chat failed on {message!r} (exit {child.returncode})")
    return usage.ru_utime + usage.ru_stime, wall, (first + rest).decode()


def measure(demo: Path, folder: Path, runs: int, pycache: Path | None = None) -> float:
    """Print the medians per message; returns the worst median CPU time."""
    worst = 0.0
    for message in MESSAGES:
        cpus, walls = [], []
        for _ in range(runs):
            cpu, wall, reply = one_run(demo, folder, message, pycache)
            cpus.append(cpu)
            walls.append(wall)
        cpu, wall = statistics.median(cpus), statistics.median(walls)
        worst = max(worst, cpu)
        first_line = reply.strip().splitlines()[0] if reply.strip() else ""
        print(f"  {message!r:32} CPU {cpu:.2f} s  wall {wall:.2f} s   ({first_line[:40]})")
    return worst


def main(runs: int = 5) -> int:
    with tempfile.TemporaryDirectory(prefix="mentorbot-cold-") as tmp:
        folder = Path(tmp)
        demo = make_demo(folder)
        print(f"mentorbot chat: the first reply from a cold start (median of {runs} runs)")
        worst = measure(demo, folder, runs)
        if os.environ.get("PYTHONDONTWRITEBYTECODE"):
            print("with our modules' bytecode cached, as in a normal installation:")
            pycache = folder / "pycache"
            for message in MESSAGES:  # compiles them once
                one_run(demo, folder, message, pycache)
            measure(demo, folder, runs, pycache)
    verdict = "OK" if worst <= CPU_BUDGET_S else "OVER BUDGET"
    print(f"worst median CPU {worst:.2f} s (budget {CPU_BUDGET_S:.1f} s): {verdict}")
    return 0 if worst <= CPU_BUDGET_S else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5))
