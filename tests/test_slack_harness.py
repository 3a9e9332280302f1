"""(Support for the Slack tests; no tests here.) A real aiohttp server with the Slack channel mounted, a fake Web API, and signed requests.

async with SlackHarness(db, clock, users) as slack:
    await slack.event(message("hello"))   # signed POST /slack/events, then wait for the work
    slack.api.posts()
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import os
import time
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import test_utils, web
from sqlalchemy import Engine

from conversations.clock import Clock
from tests.fakes.slack_api import TEAM, FakeSlackApi, SlackUser

if TYPE_CHECKING:
    from bot.channels.slack.inbox import InboxPolicy
    from bot.settings import TurnProcess

SECRET = "test-signing-secret"
FIXTURES = Path(__file__).parent / "fixtures" / "slack"
MENTEE, MENTOR, STRANGER = "U0MENTEE", "U0MENTOR", "U0STRANGER"
USERS = {
    MENTEE: SlackUser("mentee@example.org", tz="Europe/London", name="priya"),
    MENTOR: SlackUser("mentor@example.org", tz="America/New_York", name="tom"),
    STRANGER: SlackUser("someone.else@example.org", name="stranger"),
}


def fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return copy.deepcopy(data)


def sign(body: str, timestamp: int | None = None, secret: str = SECRET) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


_counter = iter(range(1, 10**9))


def message(text: str, user: str = MENTEE, event_id: str | None = None) -> dict[str, Any]:
    n = next(_counter)
    body = fixture("message_im")
    body["event_id"] = event_id or f"Ev{n:08d}"
    body["event"].update(
        {"text": text, "user": user, "channel": f"D{user}", "ts": f"1790000001.{n:06d}"}
    )
    return body


def mention(text: str, user: str = MENTEE) -> dict[str, Any]:
    n = next(_counter)
    body = fixture("app_mention")
    body["event_id"] = f"EvM{n:07d}"
    body["event"].update({"text": f"<@UBOT> {text}", "user": user, "ts": f"1790000002.{n:06d}"})
    return body


def _block_action(post: dict[str, Any], action: dict[str, Any], user: str) -> dict[str, Any]:
    body = fixture("block_actions")
    body["user"]["id"] = user
    body["container"].update({"message_ts": post["ts"], "channel_id": post["channel"]})
    body["channel"]["id"] = post["channel"]
    body["message"].update({"ts": post["ts"], "blocks": post["blocks"]})
    body["actions"] = [action]
    return body


def press(post: dict[str, Any], label: str, user: str = MENTEE) -> dict[str, Any]:
    """The block_actions payload of pressing the button ``label`` on the posted message, or of
    picking the option ``label`` from its drop-down (as Slack sends a static_select pick)."""
    stamp = f"1790000004.{next(_counter):06d}"
    for block in post["blocks"]:
        for element in block.get("elements", []):
            if element.get("type") == "button" and element["text"]["text"] == label:
                pressed = {
                    "action_id": element["action_id"],
                    "block_id": block["block_id"],
                    "text": element["text"],
                    "value": element.get("value", ""),
                    "type": "button",
                    "action_ts": stamp,
                }
                return _block_action(post, pressed, user)
            for option in element.get("options", []) if element["type"] == "static_select" else []:
                if option["text"]["text"] == label:
                    pick = {
                        "type": "static_select",
                        "action_id": element["action_id"],
                        "block_id": block["block_id"],
                        "selected_option": option,
                        "placeholder": element["placeholder"],
                        "action_ts": stamp,
                    }
                    return _block_action(post, pick, user)
    raise AssertionError(f"no button {label!r} in {post['blocks']}")


def configure(env: Any, **extra: str) -> None:
    """The Slack settings a harness runs with (``env``: pytest's monkeypatch), plus ``extra``."""
    settings = {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET, **extra}
    settings.setdefault("SLACK_API_URL", "http://127.0.0.1:9/api/")  # the harness sets its own
    for name in ("SLACK_APP_TOKEN", "SLACK_TEAM_ID"):
        env.delenv(name, raising=False)
    for name, value in settings.items():
        env.setenv(name, value)


class SlackHarness:
    def __init__(
        self,
        db: Engine,
        clock: Clock,
        users: dict[str, SlackUser] | None = None,
        policy: InboxPolicy | None = None,
        whole_server: bool = False,
        worker: TurnProcess | None = None,
    ):
        """``whole_server``: the app ``mentorbot serve`` runs (``/healthz``, the scheduler),
        with the Slack channel mounted from the environment; else the Slack channel alone.
        ``worker``: the turns run in a worker process (``idle()`` then does not wait for
        them: wait for what the fake API receives)."""
        self.db = db
        self.worker = worker
        self.clock = clock
        self.policy = policy
        self.whole_server = whole_server
        self.api = FakeSlackApi(users=dict(users or USERS))
        self.server: test_utils.TestServer | None = None
        self.http: aiohttp.ClientSession | None = None
        self.app: web.Application | None = None

    async def __aenter__(self) -> SlackHarness:
        from bot.channels import slack

        await self.api.start()
        os.environ["SLACK_API_URL"] = self.api.url  # the caller's monkeypatch restores it
        if self.whole_server:
            from bot.server import build_app

            self.app = build_app(self.db, self.clock)
        else:
            self.app = web.Application()
            slack.mount(self.app, self.db, self.clock, policy=self.policy, worker=self.worker)
        self.server = test_utils.TestServer(self.app, host="127.0.0.1")
        await self.server.start_server()
        self.http = aiohttp.ClientSession()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.http is not None:
            await self.http.close()
        if self.server is not None:
            await self.server.close()
        await self.api.stop()

    @property
    def url(self) -> str:
        return self.url_of("/slack/events")

    def url_of(self, path: str) -> str:
        assert self.server is not None
        return str(self.server.make_url(path))

    async def idle(self) -> None:
        from bot.channels.slack import SLACK

        assert self.app is not None
        deps = self.app[SLACK].deps
        assert deps is not None
        await deps.idle()

    async def raw(self, body: str, headers: dict[str, str], content_type: str) -> tuple[int, str]:
        assert self.http is not None
        async with self.http.post(
            self.url, data=body.encode(), headers={"Content-Type": content_type, **headers}
        ) as response:
            return response.status, await response.text()

    async def event(
        self, body: dict[str, Any], headers: dict[str, str] | None = None, wait: bool = True
    ) -> tuple[int, str]:
        raw = json.dumps(body)
        result = await self.raw(raw, {**sign(raw), **(headers or {})}, "application/json")
        if wait:
            await self.idle()
        return result

    async def interactive(self, payload: dict[str, Any], wait: bool = True) -> tuple[int, str]:
        raw = urlencode({"payload": json.dumps(payload)})
        result = await self.raw(raw, sign(raw), "application/x-www-form-urlencoded")
        if wait:
            await self.idle()
        return result

    async def command(self, text: str, user: str = "U0MENTEE") -> tuple[int, str]:
        form = fixture("slash_command")
        form.update({"text": text, "user_id": user, "channel_id": f"D{user}"})
        form["trigger_id"] = f"1790000006.{next(_counter)}.abc"
        raw = urlencode(form)
        result = await self.raw(raw, sign(raw), "application/x-www-form-urlencoded")
        await self.idle()
        return result

    def posts_to(self, channel: str) -> list[dict[str, Any]]:
        return [p for p in self.api.posts() if p.get("channel") == channel]

    def last_post(self, channel: str) -> dict[str, Any]:
        posts = self.posts_to(channel)
        assert posts, f"nothing posted to {channel}: {self.api.calls}"
        return posts[-1]


def shown(post: dict[str, Any]) -> str:
    """The mrkdwn text of a posted message's sections and buttons, one line per block."""
    lines: list[str] = []
    for block in post.get("blocks", []):
        if block["type"] == "section":
            lines.append(block["text"]["text"])
        elif block["type"] == "actions":
            lines.append(
                " | ".join(
                    e["text"]["text"]
                    if e["type"] == "button"
                    else " | ".join(o["text"]["text"] for o in e.get("options", []))
                    for e in block["elements"]
                )
            )
        elif block["type"] == "context":
            lines.append(" ".join(e["text"] for e in block["elements"]))
    return "\n".join(lines)


__all__ = ["MENTEE", "MENTOR", "SECRET", "STRANGER", "TEAM", "SlackHarness", "fixture", "shown"]
