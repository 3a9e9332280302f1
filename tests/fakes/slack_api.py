"""A local fake of Slack's Web API for channel tests (point ``SLACK_API_URL`` at ``.url``).

Answers auth.test, users.info, users.lookupByEmail, conversations.open, chat.postMessage,
chat.update, views.open and views.publish the way Slack does (``{"ok": true, ...}``), and
records every call (method and arguments, from the query string, a form or a JSON body) in
arrival order. ``users`` maps Slack user ids to their profile (email, tz, team).
``fail_next(method, status, error, retry_after)`` makes the next call of a method fail;
``delay`` (a (low, high) range in seconds) slows every answer, as the real API does.

    async with FakeSlackApi(users={"U1": SlackUser("a@example.org")}) as api:
        ... SLACK_API_URL = api.url ...
        api.posts()  # the chat.postMessage calls
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes import LocalServer

TEAM = "T0TEST"
BOT_USER = "UBOT"


@dataclass(frozen=True)
class SlackUser:
    email: str
    tz: str = "Europe/London"
    name: str = "someone"
    is_bot: bool = False


@dataclass(frozen=True)
class Call:
    method: str
    args: dict[str, Any]


@dataclass(frozen=True)
class _Failure:
    status: int
    error: str
    retry_after: float | None


@dataclass
class FakeSlackApi(LocalServer):
    users: dict[str, SlackUser] = field(default_factory=dict)
    delay: tuple[float, float] = (0.0, 0.0)
    calls: list[Call] = field(default_factory=list)
    _failures: dict[str, deque[_Failure]] = field(default_factory=dict)
    _arrived: asyncio.Condition = field(default_factory=asyncio.Condition)
    _runner: web.AppRunner | None = None
    _ts: int = 0
    url: str = ""

    def fail_next(
        self, method: str, status: int = 200, error: str = "internal_error", *,
        count: int = 1, retry_after: float | None = None,
    ) -> None:  # fmt: skip
        queue = self._failures.setdefault(method, deque())
        queue.extend(_Failure(status, error, retry_after) for _ in range(count))

    def of(self, method: str) -> list[dict[str, Any]]:
        return [c.args for c in self.calls if c.method == method]

    def posts(self) -> list[dict[str, Any]]:
        return self.of("chat.postMessage")

    async def wait_for(self, method: str, count: int, limit: float = 10.0) -> None:
        async with asyncio.timeout(limit), self._arrived:
            await self._arrived.wait_for(lambda: len(self.of(method)) >= count)

    async def _args(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                args.update(await request.json())
            else:
                form = await request.post()
                for key, value in form.items():
                    text = str(value)
                    try:
                        args[key] = json.loads(text) if text[:1] in "[{" else text
                    except ValueError:
                        args[key] = text
        return args

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._args(request)
        self.calls.append(Call(method, args))
        async with self._arrived:
            self._arrived.notify_all()
        if self.delay[1] > 0:
            await asyncio.sleep(random.uniform(*self.delay))
        queue = self._failures.get(method)
        if queue:
            failure = queue.popleft()
            headers = {}
            if failure.retry_after is not None:
                headers["Retry-After"] = f"{failure.retry_after:g}"
            if failure.status >= 500:
                return web.Response(status=failure.status, text="upstream error", headers=headers)
            return web.json_response(
                {"ok": False, "error": failure.error}, status=failure.status, headers=headers
            )
        return web.json_response(self._answer(method, args))

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True, "url": "https://test.slack.com/", "team": "Test", "user": "mentorbot",
                "team_id": TEAM, "user_id": BOT_USER, "bot_id": "BBOT", "is_enterprise_install": False,
            }  # fmt: skip
        if method in ("users.info", "users.lookupByEmail"):
            if method == "users.info":
                user_id = str(args.get("user", ""))
                user = self.users.get(user_id)
            else:
                user_id, user = next(
                    ((k, u) for k, u in self.users.items() if u.email == args.get("email")),
                    ("", None),
                )
            if user is None:
                return {"ok": False, "error": "user_not_found"}
            return {
                "ok": True,
                "user": {
                    "id": user_id, "team_id": TEAM, "name": user.name, "deleted": False,
                    "is_bot": user.is_bot, "tz": user.tz,
                    "profile": {"email": user.email, "real_name": user.name},
                },
            }  # fmt: skip
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": f"D{args.get('users', '')}"}}
        if method == "chat.postMessage":
            self._ts += 1
            ts = f"1790000000.{self._ts:06d}"
            args["ts"] = ts  # recorded with the call, so a test can press its buttons
            return {"ok": True, "channel": args.get("channel"), "ts": ts, "message": {"ts": ts}}
        if method == "chat.update":
            return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts")}
        if method in ("views.open", "views.publish"):
            return {"ok": True, "view": {"id": "V0TEST", **dict(args.get("view") or {})}}
        return {"ok": False, "error": "unknown_method"}

    async def start(self) -> FakeSlackApi:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle)
        self.url = await self.serve(app) + "/api/"
        return self
