"""Fakes that speak the wire format: local aiohttp servers standing in for the platforms.

``LocalServer`` is what they share: serve an app on 127.0.0.1 at a free port, stop it, and be
an async context manager (``async with FakeSlackApi() as api: ...``).
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from aiohttp import web


class LocalServer:
    """A local HTTP server: subclasses build their app in ``start`` and call ``serve``."""

    _runner: web.AppRunner | None

    async def serve(self, app: web.Application) -> str:
        """Serve ``app`` on 127.0.0.1 at a free port; returns its origin (``http://host:port``)."""
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        return f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def start(self) -> Self:
        raise NotImplementedError

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
