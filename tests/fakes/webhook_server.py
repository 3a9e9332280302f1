"""A local incoming-webhook endpoint (Slack and Teams style) for delivery tests.

``FakeWebhook`` runs an aiohttp app on 127.0.0.1 at a free port. Every POST body is recorded in
arrival order (before any delay, so a request counts as received even if the client dies while
waiting for the answer). It can be told to answer the next K requests with a status (429 with
``Retry-After``, 500, 403 ...) or to sleep before answering (``delay``: long enough, and the
client times out after its request was sent), or to hold every request unanswered until told
(``stall``/``unstall``: a platform that has the message and has not said so yet).

    async with FakeWebhook() as hook:
        hook.fail_next(429, retry_after=30)
        ... post to hook.url ...
        hook.texts()
"""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes import LocalServer


@dataclass(frozen=True)
class Received:
    order: int
    at: float  # event-loop time of arrival
    body: dict[str, Any]

    @property
    def text(self) -> str:
        return str(self.body.get("text", ""))


@dataclass(frozen=True)
class _Failure:
    status: int
    retry_after: float | None


@dataclass
class FakeWebhook(LocalServer):
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    _failures: deque[_Failure] = field(default_factory=deque)
    _arrived: asyncio.Condition = field(default_factory=asyncio.Condition)
    _stalled: bool = False
    _runner: web.AppRunner | None = None
    url: str = ""

    def stall(self) -> None:
        """Hold the requests that arrive from now on (recorded, unanswered) until ``unstall``."""
        self._stalled = True

    async def unstall(self) -> None:
        self._stalled = False
        async with self._arrived:
            self._arrived.notify_all()

    def fail_next(self, status: int, count: int = 1, retry_after: float | None = None) -> None:
        """Answer the next ``count`` requests with ``status`` (and ``Retry-After``)."""
        self._failures.extend(_Failure(status, retry_after) for _ in range(count))

    def recover(self) -> None:
        """Answer normally again from now on (failures still queued are dropped)."""
        self._failures.clear()

    async def wait_for(self, count: int) -> None:
        """Until ``count`` requests have arrived."""
        async with self._arrived:
            await self._arrived.wait_for(lambda: len(self.received) >= count)

    def texts(self) -> list[str]:
        return [r.text for r in self.received]

    def counts(self) -> Counter[str]:
        return Counter(self.texts())

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(
            Received(order=len(self.received) + 1, at=asyncio.get_running_loop().time(), body=body)
        )
        async with self._arrived:
            self._arrived.notify_all()
            await self._arrived.wait_for(lambda: not self._stalled)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self._failures:
            failure = self._failures.popleft()
            headers = {}
            if failure.retry_after is not None:
                headers["Retry-After"] = f"{failure.retry_after:g}"
            return web.Response(status=failure.status, text="no", headers=headers)
        return web.json_response({"ok": True, "id": f"m{len(self.received)}"})

    async def start(self) -> FakeWebhook:
        app = web.Application()
        app.router.add_post("/hook", self._handle)
        self.url = await self.serve(app) + "/hook"
        return self
