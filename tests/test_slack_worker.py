"""Slack's dialog turns run in a worker process of their own (issue 11, item 7): the serving
process only verifies, stores and acks, and wakes the worker, which answers. The process is
real (``mentorbot serve`` and its child), and so are the kills. Fixed clock: Mon 23 Nov 2026,
10:00 London."""

from __future__ import annotations

import asyncio
import json
import os
import signal
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import Engine

from bot.channels.slack.inbox import SlackInbox
from bot.settings import TurnProcess
from conversations.clock import Clock
from conversations.scheme_config import load_demo
from storage.db import open_database
from tests.conftest import NOW
from tests.fakes.slack_api import FakeSlackApi
from tests.test_slack_harness import (
    MENTEE,
    MENTOR,
    USERS,
    SlackHarness,
    configure,
    fixture,
    message,
    shown,
    sign,
)
from tests.test_slack_inbox import (
    QUICK,
    SAFEGUARDING,
    _concerns,
    _free_port,
    _inbox,
    _post,
    _sent_replies,
    _serve,
    concerns_refused,
)
from tests.transcript import Chat

HELP = "Here's what I can do for you"
WHATS_NEXT = "Here's what's next for you"


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux: from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rpartition(")")[2].split()[1]) == pid:
            found.append(int(entry.name))
    return found


async def _worker_of(pid: int, other_than: int = 0) -> int:
    """The server's turn worker (a new one, when ``other_than`` is the one it replaces)."""
    async with asyncio.timeout(60):
        while True:
            children = await asyncio.to_thread(_children, pid)
            workers = [child for child in children if child != other_than]
            if workers:
                [worker] = workers
                return worker
            await asyncio.sleep(0.1)


def _alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


async def _gone(pid: int) -> None:
    async with asyncio.timeout(30):
        while True:
            if not await asyncio.to_thread(_alive, pid):
                return
            await asyncio.sleep(0.1)


def _answered(api: FakeSlackApi, user: str, text: str) -> list[str]:
    return [shown(p) for p in api.posts() if p["channel"] == f"D{user}" and text in shown(p)]


async def test_the_turn_worker_answers_and_one_killed_mid_turn_is_replaced(db_url: str) -> None:
    clock = Clock.fixed(NOW)
    db = await asyncio.to_thread(open_database, db_url)
    try:
        await asyncio.to_thread(load_demo, db, clock)
        # Priya began a concern in another chat; her first Slack message sends it.
        began = await asyncio.to_thread(Chat(db, clock, "mentee@example.org").said, SAFEGUARDING)
        assert "Tom won't be told" in began
        async with FakeSlackApi(users=dict(USERS)) as api:
            # The sweep does not link Priya by email first: she links by her message.
            api.stall("users.lookupByEmail")
            port = _free_port()
            server = await _serve(db_url, api, port)
            try:
                worker = await _worker_of(server.pid)
                # Tom types "help": stored, acked, and answered by the worker process.
                assert await _post(port, message("help", user=MENTOR)) == 200
                await api.wait_until(lambda: bool(_answered(api, MENTOR, HELP)), 60)

                # Priya's "Send it": the worker hangs in the middle of her turn (before its
                # commit) and is killed there. The server goes on and starts another worker.
                api.stall("users.info")
                send = message("Send it")
                assert await _post(port, send) == 200
                await api.wait_until(
                    lambda: any(c["user"] == MENTEE for c in api.of("users.info")), 60
                )
                os.kill(worker, signal.SIGKILL)
                replacement = await _worker_of(server.pid, other_than=worker)
                assert _concerns(db) == []
                await api.unstall("users.info")
                await api.unstall("users.lookupByEmail")
                await api.wait_until(lambda: bool(_sent_replies(api.posts())), 60)
                assert server.returncode is None  # the same server all along
            finally:
                server.send_signal(signal.SIGTERM)
                _out, err = await asyncio.wait_for(server.communicate(), timeout=60)
        assert server.returncode == 0, err.decode()
        assert "Traceback" not in err.decode()
        assert not await asyncio.to_thread(_alive, replacement)  # it stopped with the server
        [reply] = _sent_replies(api.posts())
        assert reply["channel"] == f"D{MENTEE}"
        [concern] = _concerns(db)
        assert (concern.category, concern.urgent) == ("safety", True)
        assert _inbox(db, send["event_id"]).status == "done"
        assert len(_answered(api, MENTOR, HELP)) == 1
    finally:
        db.dispose()


async def test_a_server_killed_takes_its_turn_worker_with_it(db_url: str) -> None:
    clock = Clock.fixed(NOW)
    db = await asyncio.to_thread(open_database, db_url)
    try:
        await asyncio.to_thread(load_demo, db, clock)
        async with FakeSlackApi(users=dict(USERS)) as api:
            server = await _serve(db_url, api, _free_port())
            try:
                worker = await _worker_of(server.pid)
                server.send_signal(signal.SIGKILL)
                await asyncio.wait_for(server.wait(), timeout=30)
            finally:
                if server.returncode is None:
                    server.kill()
            await _gone(worker)  # not left running on its own
    finally:
        db.dispose()


async def test_one_persons_waiting_turn_holds_up_nobody_else_and_order_is_kept(
    demo: Engine, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(monkeypatch)
    async with SlackHarness(demo, clock, policy=QUICK) as slack:
        await slack.event(message("hello", user=MENTOR))  # Tom is known: no users.info
        slack.api.stall("users.info")  # Priya is not known yet: her first turn waits
        handed = SlackInbox(demo, hand_off=True)  # stored as the serving process stores them
        try:
            for body in (message("help"), message("what's next"), message("help", MENTOR)):
                assert await handed.store(f"ev:{body['event_id']}", body)
        finally:
            handed.close()
        await slack.api.wait_until(lambda: bool(_answered(slack.api, MENTOR, HELP)), 30)
        assert _answered(slack.api, MENTEE, "") == []
        await slack.api.unstall("users.info")
        await slack.api.wait_until(lambda: len(_answered(slack.api, MENTEE, "")) == 2, 30)
        await slack.idle()
        first, second = _answered(slack.api, MENTEE, "")
        assert HELP in first
        assert WHATS_NEXT in second


@pytest.fixture
async def handing_off(
    demo: Engine, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[SlackHarness]:
    """The Slack channel as ``mentorbot serve`` mounts it: turns in a worker process."""
    configure(monkeypatch)
    async with SlackHarness(demo, clock, worker=TurnProcess(now=NOW)) as slack:
        yield slack


async def test_a_handed_off_delivery_gets_its_answer_at_once_and_its_reply_from_the_worker(
    handing_off: SlackHarness,
) -> None:
    from bot.channels.slack import blocks
    from conversations.messages import FieldKind, Form, FormField

    slack = handing_off
    # /mentoring in a channel: the ack says where the answer goes; the worker answers.
    form = fixture("slash_command")
    form.update({"text": "", "user_id": MENTEE, "channel_id": "C0GENERAL", "trigger_id": "1.2.abc"})
    raw = urlencode(form)
    status, text = await slack.raw(raw, sign(raw), "application/x-www-form-urlencoded")
    assert (status, text) == (200, "I'll answer you in our direct messages.")
    await slack.api.wait_until(
        lambda: bool(_answered(slack.api, MENTEE, "What would you like to do?")), 60
    )
    # A form answered with only spaces: the modal shows the error (the ack), at once.
    view = blocks.modal(
        Form("Note", (FormField("note", "Your note", FieldKind.LONG_TEXT),), "menu"),
        f"D{MENTEE}",
    )
    body = fixture("view_submission")
    body["view"]["private_metadata"] = view["private_metadata"]
    body["view"]["state"] = {
        "values": {"note": {"v": {"type": "plain_text_input", "value": "   "}}}
    }
    status, text = await slack.interactive(body, wait=False)
    assert (status, json.loads(text)) == (
        200,
        {"response_action": "errors", "errors": {"note": "Please write something here."}},
    )


async def test_handed_off_events_are_stored_before_the_200_and_answered_once(
    handing_off: SlackHarness,
) -> None:
    slack = handing_off
    asked = message("help")
    with concerns_refused(slack.db, "inbox"):  # the delivery cannot be stored
        assert (await slack.event(asked, wait=False))[0] == 503  # so Slack sends it again
    again = {"X-Slack-Retry-Num": "1"}
    assert (await slack.event(asked, headers=again, wait=False))[0] == 200
    assert (await slack.event(asked, headers=again, wait=False))[0] == 200  # a redelivery
    await slack.api.wait_until(lambda: bool(_answered(slack.api, MENTEE, HELP)), 60)
    async with asyncio.timeout(60):
        while True:  # until the worker has done all it holds
            if (
                await asyncio.to_thread(lambda: _inbox(slack.db, asked["event_id"]).status)
                == "done"
            ):
                break
            await asyncio.sleep(0.1)
    assert len(_answered(slack.api, MENTEE, HELP)) == 1
