"""``mentorbot serve`` and ``mentorbot nudge`` as a scheme runs them: the scheduler inside the
server sweeps, and the lead channel's alert reaches its incoming webhook (a local fake)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from importlib.resources import files
from pathlib import Path

import pytest

from tests.fakes.webhook_server import FakeWebhook
from tests.test_cli import mentorbot

LOADED_AT = "2026-11-23T10:00:00+00:00"
DEADLINE_AFTERNOON = "2026-12-07T15:10:00+00:00"  # the demo's contract deadline, 15:10


def _scheme_with_webhook(tmp_path: Path) -> Path:
    demo = files("conversations").joinpath("schemes/demo.toml").read_text(encoding="utf-8")
    path = tmp_path / "scheme.toml"
    path.write_text(
        demo + '\n[scheme.channels.lead]\nplatform = "webhook"\nurl_env = "TEST_LEAD_WEBHOOK"\n',
        encoding="utf-8",
    )
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_serve_runs_the_scheduler_and_delivers_to_the_lead_webhook(
    db_url: str, tmp_path: Path
) -> None:
    loaded = mentorbot(
        "scheme", "load", str(_scheme_with_webhook(tmp_path)), "--now", LOADED_AT, db=db_url
    )
    assert loaded.returncode == 0, loaded.stderr
    async with FakeWebhook() as hook:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MENTORBOT_NOW")}
        env["TEST_LEAD_WEBHOOK"] = hook.url
        port = _free_port()
        server = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "serve", "--port", str(port), "--sweep-every", "1",
            "--db", db_url, "--now", DEADLINE_AFTERNOON,
            env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            await asyncio.wait_for(hook.wait_for(1), timeout=60)
        finally:
            server.send_signal(signal.SIGTERM)
            _out, err = await asyncio.wait_for(server.communicate(), timeout=60)
    assert server.returncode == 0, err.decode()
    assert "Traceback" not in err.decode()
    [alert] = hook.texts()
    assert "2 mentoring contracts were not signed by today's deadline (Mon 7 Dec)" in alert
    assert "Alert N" in alert


def test_nudge_prints_one_summary_line(db_url: str) -> None:
    assert mentorbot("scheme", "load", "--demo", "--now", LOADED_AT, db=db_url).returncode == 0
    first = mentorbot("nudge", "--now", "2026-11-23T09:05:00+00:00", db=db_url)
    assert first.returncode == 0, first.stderr
    assert first.stdout == (
        "2 nudges created, 0 messages sent, 0 failures (2 waiting: in console inboxes or due later).\n"
    )
    again = mentorbot("nudge", "--now", "2026-11-23T09:06:00+00:00", db=db_url)
    assert again.stdout.startswith("0 nudges created,")


@pytest.mark.parametrize("command", ["nudge", "deliver"])
def test_a_bad_database_is_one_line(command: str) -> None:
    result = mentorbot(command, db="postgresql://nobody@127.0.0.1:1/x")
    assert result.returncode != 0
    assert result.stderr.startswith("mentorbot: cannot reach the database")
