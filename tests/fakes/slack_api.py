"""A local fake of Slack's Web API for channel tests (point ``SLACK_API_URL`` at ``.url``).

Answers auth.test, users.info, users.lookupByEmail, conversations.open, conversations.info,
chat.postMessage, chat.update, chat.delete, views.open and views.publish the way Slack does
(``{"ok": true, ...}``), and records every call (method and arguments, from the query string, a
form or a JSON body) in arrival order. ``users`` maps Slack user ids to their profile (email, tz,
team); ``channels`` maps channel ids to their names (others are ``channel_not_found``).
users.lookupByEmail matches an email in any case, and answers ``users_not_found`` (Slack's own
code for it, unlike users.info's ``user_not_found``) for one nobody has; conversations.open
answers the DM ``D<user id>``.
``fail_next(method, status, error, retry_after)`` makes the next call of a method fail;
``delay`` (a (low, high) range in seconds) slows every answer, as the real API does.
``outside`` holds channel ids the bot is not a member of: chat.postMessage there answers
``not_in_channel`` until the id is taken out (the bot was invited).
chat.delete answers ``message_not_found`` for a (channel, ts) it deleted already (``deleted``).
``stall(method)`` makes calls of a method hang (recorded, unanswered) until ``unstall(method)``:
a process can be caught, and killed, in the middle of its work.

Files, as Slack's upload does them: ``files.getUploadURLExternal`` (``filename``, ``length``)
answers an ``upload_url`` on this server and a ``file_id``; a POST of the bytes to that URL
(raw, or a multipart form with one file) answers ``200 OK - <length>``, and is refused with 400
when the length differs from the one announced; ``files.completeUploadExternal`` (``files`` as
a JSON list of ``{"id", "title"}``, ``channel_id``, ``thread_ts``, ``initial_comment``) shares
them, or answers ``file_not_found`` for an id never uploaded. ``shared()`` lists the files
shared, with their bytes. ``fail_next("upload", 500)`` makes the next byte POST fail.

    async with FakeSlackApi(users={"U1": SlackUser("a@example.org")}) as api:
        ... SLACK_API_URL = api.url ...
        api.posts()  # the chat.postMessage calls
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import deque
from collections.abc import Callable
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


@dataclass
class Upload:
    """A file announced by files.getUploadURLExternal; ``data`` once its bytes arrived."""

    file_id: str
    filename: str
    length: int
    data: bytes | None = None


@dataclass(frozen=True)
class Shared:
    """A file shared into a channel by files.completeUploadExternal."""

    file_id: str
    filename: str
    title: str
    data: bytes
    channel: str
    thread_ts: str | None
    initial_comment: str | None


@dataclass(frozen=True)
class _Failure:
    status: int
    error: str
    retry_after: float | None
    echo: bool = False  # the error body repeats the request's Authorization header


def _decoded(text: str) -> Any:
    try:
        return json.loads(text) if text[:1] in "[{" else text
    except ValueError:
        return text


@dataclass
class FakeSlackApi(LocalServer):
    users: dict[str, SlackUser] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=dict)
    delay: tuple[float, float] = (0.0, 0.0)
    calls: list[Call] = field(default_factory=list)
    _failures: dict[str, deque[_Failure]] = field(default_factory=dict)
    _arrived: asyncio.Condition = field(default_factory=asyncio.Condition)
    _runner: web.AppRunner | None = None
    _ts: int = 0
    url: str = ""
    origin: str = ""
    uploads: dict[str, Upload] = field(default_factory=dict)
    _shared: list[Shared] = field(default_factory=list)
    outside: set[str] = field(default_factory=set)
    _stalled: set[str] = field(default_factory=set)
    deleted: set[tuple[str, str]] = field(default_factory=set)

    def fail_next(
        self, method: str, status: int = 200, error: str = "internal_error", *,
        count: int = 1, retry_after: float | None = None, echo: bool = False,
    ) -> None:  # fmt: skip
        queue = self._failures.setdefault(method, deque())
        queue.extend(_Failure(status, error, retry_after, echo) for _ in range(count))

    def of(self, method: str) -> list[dict[str, Any]]:
        return [c.args for c in self.calls if c.method == method]

    def posts(self) -> list[dict[str, Any]]:
        return self.of("chat.postMessage")

    def shared(self, channel: str | None = None) -> list[Shared]:
        """Files shared, in order; optionally into one channel."""
        return [f for f in self._shared if channel is None or f.channel == channel]

    async def wait_for(self, method: str, count: int, limit: float = 10.0) -> None:
        await self.wait_until(lambda: len(self.of(method)) >= count, limit)

    async def wait_until(self, done: Callable[[], bool], limit: float = 10.0) -> None:
        """Until ``done()`` is true after some call arrived (or already is)."""
        async with asyncio.timeout(limit), self._arrived:
            await self._arrived.wait_for(done)

    def stall(self, method: str) -> None:
        self._stalled.add(method)

    async def unstall(self, method: str) -> None:
        self._stalled.discard(method)
        async with self._arrived:
            self._arrived.notify_all()

    async def _args(self, request: web.Request) -> dict[str, Any]:
        """The call's arguments, from the query string, a form or a JSON body (as Slack takes
        them); a form or query value that is a JSON list or object is decoded."""
        args: dict[str, Any] = {k: _decoded(v) for k, v in request.query.items()}
        if request.can_read_body:
            if request.content_type == "application/json":
                args.update(await request.json())
            else:
                form = await request.post()
                args.update({k: _decoded(str(v)) for k, v in form.items()})
        return args

    async def _record(
        self, method: str, args: dict[str, Any], authorization: str = ""
    ) -> web.Response | None:
        """Record the call; the failure queued for it, if any (``authorization``: what an
        echoing failure repeats, as a careless proxy or gateway does)."""
        self.calls.append(Call(method, args))
        async with self._arrived:
            self._arrived.notify_all()
            await self._arrived.wait_for(lambda: method not in self._stalled)
        if self.delay[1] > 0:
            await asyncio.sleep(random.uniform(*self.delay))
        queue = self._failures.get(method)
        if not queue:
            return None
        failure = queue.popleft()
        headers = {}
        if failure.retry_after is not None:
            headers["Retry-After"] = f"{failure.retry_after:g}"
        echoed = f" (request had Authorization: {authorization})" if failure.echo else ""
        if failure.status >= 500:
            text = f"upstream error{echoed}"
            return web.Response(status=failure.status, text=text, headers=headers)
        return web.json_response(
            {"ok": False, "error": failure.error + echoed}, status=failure.status, headers=headers
        )

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._args(request)
        failure = await self._record(method, args, request.headers.get("Authorization", ""))
        return failure or web.json_response(self._answer(method, args))

    async def _upload(self, request: web.Request) -> web.Response:
        """The upload URL: the file's bytes, raw or as a multipart form with one file."""
        upload = self.uploads.get(request.match_info["file_id"])
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            fields = [v for v in form.values() if isinstance(v, web.FileField)]
            data = fields[0].file.read() if fields else b""
        else:
            data = await request.read()
        failure = await self._record("upload", {"file_id": request.match_info["file_id"]})
        if failure is not None:
            return failure
        if upload is None:
            return web.Response(status=404, text="unknown upload")
        if len(data) != upload.length:
            return web.Response(status=400, text="length does not match")
        upload.data = data
        return web.Response(text=f"OK - {len(data)}")

    def _complete(self, args: dict[str, Any]) -> dict[str, Any]:
        files = args.get("files")
        if not isinstance(files, list) or not files:
            return {"ok": False, "error": "invalid_arguments"}
        done = []
        for item in files:
            upload = self.uploads.get(str(item.get("id", "")))
            if upload is None or upload.data is None:
                return {"ok": False, "error": "file_not_found"}
            done.append((upload, str(item.get("title") or upload.filename)))
        channel = str(args.get("channel_id") or "")
        for upload, title in done:
            assert upload.data is not None
            if channel:
                self._shared.append(
                    Shared(
                        upload.file_id, upload.filename, title, upload.data, channel,
                        args.get("thread_ts") or None, args.get("initial_comment") or None,
                    )
                )  # fmt: skip
        return {
            "ok": True,
            "files": [
                {"id": u.file_id, "name": u.filename, "title": t, "size": u.length} for u, t in done
            ],
        }

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
                email = str(args.get("email", "")).lower()
                user_id, user = next(
                    ((k, u) for k, u in self.users.items() if u.email.lower() == email),
                    ("", None),
                )
            if user is None:  # (lookupByEmail's own error code is plural)
                error = "user_not_found" if method == "users.info" else "users_not_found"
                return {"ok": False, "error": error}
            return {
                "ok": True,
                "user": {
                    "id": user_id, "team_id": TEAM, "name": user.name, "deleted": False,
                    "is_bot": user.is_bot, "tz": user.tz,
                    "profile": {"email": user.email, "real_name": user.name},
                },
            }  # fmt: skip
        if method == "conversations.info":
            channel = str(args.get("channel", ""))
            if channel not in self.channels:
                return {"ok": False, "error": "channel_not_found"}
            return {"ok": True, "channel": {"id": channel, "name": self.channels[channel]}}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": f"D{args.get('users', '')}"}}
        if method == "chat.postMessage":
            if args.get("channel") in self.outside:
                return {"ok": False, "error": "not_in_channel"}
            self._ts += 1
            ts = f"1790000000.{self._ts:06d}"
            args["ts"] = ts  # recorded with the call, so a test can press its buttons
            return {"ok": True, "channel": args.get("channel"), "ts": ts, "message": {"ts": ts}}
        if method == "chat.delete":
            key = (str(args.get("channel", "")), str(args.get("ts", "")))
            if key in self.deleted:
                return {"ok": False, "error": "message_not_found"}
            self.deleted.add(key)
            return {"ok": True, "channel": key[0], "ts": key[1]}
        if method == "chat.update":
            return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts")}
        if method == "files.getUploadURLExternal":
            filename, length = str(args.get("filename") or ""), str(args.get("length") or "")
            if not filename or not length.isdigit():
                return {"ok": False, "error": "invalid_arguments"}
            file_id = f"F{len(self.uploads) + 1:08d}"
            self.uploads[file_id] = Upload(file_id, filename, int(length))
            return {
                "ok": True,
                "upload_url": f"{self.origin}/upload/v1/{file_id}",
                "file_id": file_id,
            }
        if method == "files.completeUploadExternal":
            return self._complete(args)
        if method in ("views.open", "views.publish"):
            return {"ok": True, "view": {"id": "V0TEST", **dict(args.get("view") or {})}}
        return {"ok": False, "error": "unknown_method"}

    async def start(self) -> FakeSlackApi:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle)
        app.router.add_post("/upload/v1/{file_id}", self._upload)
        self.origin = await self.serve(app)
        self.url = self.origin + "/api/"
        return self
