"""The Slack turn worker: a process of its own that does the work of what the server stored.

The serving process (``mentorbot serve``) only verifies, stores and acks each Slack delivery
(``inbox.py``, hand-off). Dialog turns cost milliseconds of CPU each, and in the serving process
they would hold its interpreter while acks wait. So the turns run here, in a child process the
server starts (:class:`TurnWorker`) and starts again if it dies:

- the server writes a byte to the worker's stdin after each row it stored, and the worker's
  :meth:`SlackInbox.run` claims it at once (it also looks every ``InboxPolicy.poll`` seconds,
  for retries that fall due);
- a claimed row is dispatched through the replayer bolt app (``process_before_response``, the
  same listeners), concurrently, one person's rows in order;
- exactly once as before: a turn records its ``processed_event`` and closes its inbox row in
  its own transaction; a worker that dies holding rows is replaced, and the new worker takes
  over the dead one's rows at once (its pid no longer runs); replies wait in the outbox;
- on ``q`` (the server stopping) the worker claims no more, finishes what it holds and exits.
  When its stdin closes without one, the server died: the worker stops at once, and the next
  start takes its rows over;
- after ``ready``, the worker's stdout carries one line per turn it ran (``turn PLATFORM
  SECONDS``), which the server counts in its metrics (``bot.metrics``).

The worker reads the same environment as the server (``SLACK_*``), plus ``DATABASE_URL`` and
``MENTORBOT_NOW``, which :class:`TurnWorker` passes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import stat
import sys
import time

import aiohttp
from slack_bolt.async_app import AsyncApp
from sqlalchemy import Engine as Database

from bot import logs, metrics, redaction
from bot.channels.slack.inbox import InboxPolicy, SlackInbox
from bot.settings import TurnProcess

log = logging.getLogger(__name__)

WAKE = b"w"
QUIT = b"q"
READY = b"ready"
TURN = "turn"
_ENTRY = "import sys; from bot.channels.slack.worker import main; sys.exit(main())"


class TurnWorker:
    """The server's side: starts the worker process, wakes it, restarts it when it dies."""

    def __init__(self, db: Database, setting: TurnProcess) -> None:
        self.url = db.url.render_as_string(hide_password=False)
        self.setting = setting
        self.process: asyncio.subprocess.Process | None = None
        self._stopping = False
        self._quit_at: float | None = None  # loop time the worker was told to stop
        self._watch: asyncio.Task[None] | None = None
        self._reports: set[asyncio.Task[None]] = set()

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["DATABASE_URL"] = self.url
        env.pop("MENTORBOT_NOW", None)
        if self.setting.now:
            env["MENTORBOT_NOW"] = self.setting.now
        return env

    async def _spawn(self, limit: float = 60.0) -> asyncio.subprocess.Process:
        """Start a worker and wait (up to ``limit``) until it is ready to take rows."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            _ENTRY,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env=self._env(),
        )
        assert process.stdout is not None
        try:
            ready = await asyncio.wait_for(process.stdout.readline(), timeout=limit)
        except TimeoutError:
            ready = b""
        if ready.strip() == READY:
            log.info("Slack turn worker ready (pid %d)", process.pid)
            reading = asyncio.create_task(_read_reports(process.stdout))
            self._reports.add(reading)
            reading.add_done_callback(self._reports.discard)
        else:
            log.error("Slack turn worker (pid %d) did not say it was ready", process.pid)
        return process

    async def start(self) -> None:
        self.process = await self._spawn()
        self._watch = asyncio.create_task(self._supervise())

    async def _supervise(self) -> None:
        """Start a new worker when one dies: at once when it had run for a minute, else after
        a pause that doubles from 1 s (up to 30 s) while they keep dying."""
        pause = 0.0
        while True:
            assert self.process is not None
            started = time.monotonic()
            code = await self.process.wait()  # (reaped: its pid is free, its rows can be taken)
            if self._stopping:
                return
            log.error("Slack turn worker (pid %d) exited with %s", self.process.pid, code)
            pause = 0.0 if time.monotonic() - started > 60 else min(max(pause * 2, 1.0), 30.0)
            await asyncio.sleep(pause)
            if self._stopping:
                return
            self.process = await self._spawn()

    def wake(self) -> None:
        """A row was stored: one byte to the worker (none while the pipe is full: the worker
        has wake-ups waiting already)."""
        process = self.process
        if process is None or process.returncode is not None or process.stdin is None:
            return
        transport = process.stdin.transport
        if transport.is_closing() or transport.get_write_buffer_size():
            return
        with contextlib.suppress(OSError, RuntimeError):
            process.stdin.write(WAKE)

    def quit(self) -> None:
        """Tell the worker to finish what it holds and stop (the server is stopping)."""
        self._stopping = True
        if self._quit_at is None:
            self._quit_at = asyncio.get_running_loop().time()
        process = self.process
        if process is not None and process.returncode is None and process.stdin is not None:
            with contextlib.suppress(OSError, RuntimeError):
                process.stdin.write(QUIT)

    async def stop(self, limit: float = 7.0) -> None:
        """Let the worker finish what it holds, then end it if it has not stopped ``limit``
        seconds after it was told to (:meth:`quit`, called here if it was not yet)."""
        self.quit()
        process = self.process
        if process is not None and process.returncode is None and process.stdin is not None:
            with contextlib.suppress(OSError, RuntimeError, ConnectionError):
                await process.stdin.drain()
            assert self._quit_at is not None
            left = max(self._quit_at + limit - asyncio.get_running_loop().time(), 0.1)
            try:
                await asyncio.wait_for(process.wait(), timeout=left)
            except TimeoutError:
                log.error("Slack turn worker (pid %d) did not stop; killing it", process.pid)
                process.kill()
                await process.wait()
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch


async def _read_reports(stdout: asyncio.StreamReader) -> None:
    """Count the turns a worker reports (see the module docstring) until its stdout closes."""
    while line := await stdout.readline():
        match line.decode(errors="replace").split():
            case [kind, platform, seconds] if kind == TURN:
                with contextlib.suppress(ValueError):
                    metrics.EVENTS.turn(platform, float(seconds))
            case _:
                pass


# -- the worker process ----------------------------------------------------------------------


class _Reporter:
    """The worker's side of the reports: one line per turn on the server's pipe. Never blocks a
    turn: when the pipe is full (the server not reading), the line is dropped."""

    def __init__(self, fd: int) -> None:
        # Only a pipe (the server's): a worker started by hand writes no reports.
        self.fd = fd if stat.S_ISFIFO(os.fstat(fd).st_mode) else None
        if self.fd is not None:
            os.set_blocking(self.fd, False)

    def turn(self, platform: str, seconds: float) -> None:
        if self.fd is None:
            return
        with contextlib.suppress(OSError):
            os.write(self.fd, f"{TURN} {platform} {seconds:.6f}\n".encode())


async def _listen(wake: asyncio.Event, stop: asyncio.Event) -> None:
    """Read the server's bytes from stdin: wake-ups, and ``q`` to stop."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while True:
        data = await reader.read(4096)
        if not data:
            if not stop.is_set():
                log.error("the server is gone; the Slack turn worker stops with it")
                logging.shutdown()
                os._exit(1)
            return
        if QUIT in data:
            stop.set()
        wake.set()


async def work(db: Database, policy: InboxPolicy | None = None) -> None:
    """Replay the inbox's rows until told to stop (see the module docstring)."""
    from bot.channels.slack import SlackSettings, _warm
    from bot.channels.slack.listeners import Deps, register
    from bot.channels.slack.sender import make_client
    from bot.settings import Settings
    from conversations.clock import Clock
    from conversations.engine import Engine as DialogEngine
    from conversations.registry import default_registry

    settings = SlackSettings.from_env()
    clock = Clock.from_setting(Settings.from_env().now)
    stop, wake = asyncio.Event(), asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    listening = asyncio.create_task(_listen(wake, stop))
    reporter = _Reporter(os.dup(1))  # the server's pipe, kept when stdout goes to stderr below
    async with aiohttp.ClientSession() as http:
        client = make_client(http, settings.bot_token, settings.api_url)
        inbox = SlackInbox(db, policy=policy)
        deps = Deps(
            db=db,
            clock=clock,
            engine=DialogEngine(db, clock, default_registry(), on_turn=reporter.turn),
            client=client,
            inbox=inbox,
        )
        replayer = AsyncApp(
            client=client,
            request_verification_enabled=False,
            process_before_response=True,
            name="mentorbot-inbox",
        )
        register(replayer, deps)
        await _warm(deps.turns, inbox.threads)
        # Tell the server (stdout); anything printed later goes to stderr, like the logs.
        os.write(1, READY + b"\n")
        os.dup2(2, 1)
        try:
            await inbox.run(replayer, stop, wake)
            await deps.idle(limit=10)
        finally:
            listening.cancel()
            deps.turns.shutdown(wait=True)
            inbox.close()


def main() -> int:
    from storage.db import make_engine

    logs.configure(logging.INFO, "mentorbot: slack worker: %(levelname)s: %(message)s")
    redaction.install()  # no token or password in any log line (bot/redaction.py)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the server, which says stop
    db = make_engine()  # DATABASE_URL; the server has brought the schema up to date
    try:
        asyncio.run(work(db))
    finally:
        db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
