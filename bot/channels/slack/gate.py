"""What a Slack request must pass before any listener sees it.

- :func:`screen_http`: the HTTP route's own check, before bolt parses anything. A missing or
  non-numeric ``X-Slack-Request-Timestamp``, an old one or a bad signature is a 401 (bolt's own
  verifier turns a non-numeric timestamp into an exception, and so a 500); a signed body that is
  not UTF-8, JSON or a form with a JSON ``payload`` is a 400 (bolt would fail with a 500 while
  building its request). Then :func:`refusal` below.
- :func:`refusal`: whether a parsed payload is one we answer. Not when it comes from another
  workspace than ours (``SLACK_TEAM_ID``, else the team of the bot token from ``auth.test`` at
  start-up), including a Slack Connect user of another workspace in a shared channel; not when
  another bot, a workflow or our own bot user wrote it (``bot_id``, ``bot_profile``, subtype
  ``bot_message``; for an edit, the edited message's). A refused payload is acknowledged with an empty 200 (so Slack does not retry
  it) and goes no further.
- :func:`install`: the same :func:`refusal` as bolt's first middleware, for Socket Mode (whose
  events do not come through the route). Install it before any other middleware.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

_BY_A_BOT = "written by a bot"
# Payloads that carry no workspace and must be answered (Slack's own checks of the URL).
_UNSCOPED = frozenset({"url_verification", "ssl_check"})


@dataclass(frozen=True)
class Workspace:
    """Our Slack workspace and our bot's identities in it."""

    team_id: str
    bot_user_id: str = ""
    bot_id: str = ""


class Gate:
    """The workspace (once known) and the signing secret; one per Slack runtime."""

    def __init__(self, signing_secret: str, team_id: str = "") -> None:
        self.secret = signing_secret.encode()
        self.configured_team = team_id
        self.workspace: Workspace | None = None
        self._lock = asyncio.Lock()

    async def identify(self, client: AsyncWebClient) -> Workspace | None:
        """Our workspace, from ``SLACK_TEAM_ID`` and ``auth.test`` (asked once it succeeds).
        When ``auth.test`` fails and no team is configured, None: every payload is refused
        with a 503 until it works (Slack retries them)."""
        if self.workspace is not None:
            return self.workspace
        async with self._lock:
            if self.workspace is not None:
                return self.workspace
            try:
                auth = await client.auth_test()
            except Exception as exc:
                log.error("Slack: auth.test failed (%s): cannot tell our workspace yet", exc)
                if self.configured_team:
                    self.workspace = Workspace(self.configured_team)
                return self.workspace
            team = str(auth.get("team_id") or "")
            if self.configured_team and team and team != self.configured_team:
                log.error(
                    "Slack: SLACK_TEAM_ID is %s but the bot token belongs to workspace %s: "
                    "every request will be refused until they agree",
                    self.configured_team,
                    team,
                )
            self.workspace = Workspace(
                team_id=self.configured_team or team,
                bot_user_id=str(auth.get("user_id") or ""),
                bot_id=str(auth.get("bot_id") or ""),
            )
            return self.workspace

    async def screen_http(
        self, request: web.Request, client: AsyncWebClient
    ) -> web.Response | dict[str, Any]:
        """The response that ends the request; else its payload (it may go on to bolt)."""
        raw = await request.read()
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        if self.secret and not signed(self.secret, raw, timestamp, signature, time.time()):
            return web.json_response({"error": "invalid request"}, status=401)
        body = parse(raw, request.content_type)
        if body is None:
            return web.json_response({"error": "malformed request"}, status=400)
        if body.get("type") in _UNSCOPED:
            return body
        workspace = await self.identify(client)
        if workspace is None:
            return web.json_response({"error": "starting"}, status=503)
        why = refusal(body, workspace)
        if why is not None:
            _log_refusal(why)
            return web.Response(status=200, text="")
        return body


def _log_refusal(why: str) -> None:
    # Every message we post in a DM comes back as an event written by a bot: not news.
    log.log(logging.DEBUG if why.endswith(_BY_A_BOT) else logging.WARNING, "Slack: ignored %s", why)


def signed(secret: bytes, raw: bytes, timestamp: str, signature: str, now: float) -> bool:
    """Slack's ``v0`` signature over the raw bytes, with a timestamp of digits within five
    minutes of ``now`` (as slack_sdk's ``SignatureVerifier``, which raises on other text)."""
    if not (timestamp.isascii() and timestamp.isdigit()) or abs(now - int(timestamp)) > 300:
        return False
    base = b"v0:" + timestamp.encode() + b":" + raw
    expected = "v0=" + hmac.new(secret, base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def parse(raw: bytes, content_type: str) -> dict[str, Any] | None:
    """The payload as a dict (as bolt reads it), or None when it is malformed."""
    try:
        text = raw.decode("utf-8")
        if content_type == "application/json" or text.startswith("{"):
            body = json.loads(text)
        else:
            form = dict(parse_qsl(text, keep_blank_values=True))
            body = json.loads(form["payload"]) if "payload" in form else form
    except (UnicodeDecodeError, ValueError):
        return None
    return body if isinstance(body, dict) else None


def _teams_of(body: dict[str, Any]) -> list[str]:
    """Every workspace id the payload names for itself and for the person acting."""
    found: list[Any] = [body.get("team_id")]
    team = body.get("team")
    found.append(team.get("id") if isinstance(team, dict) else team)
    user = body.get("user")
    if isinstance(user, dict):
        found.append(user.get("team_id"))
    event = body.get("event")
    if isinstance(event, dict):
        found += [event.get("team"), event.get("user_team"), event.get("source_team")]
    return [str(t) for t in found if t]


def refusal(body: dict[str, Any], workspace: Workspace) -> str | None:
    """Why we do not answer this payload, or None when we do (see the module docstring)."""
    kind = str(body.get("type") or body.get("command") or "request")
    if kind in _UNSCOPED:
        return None
    teams = _teams_of(body)
    if not teams:
        return f"{kind}: names no workspace"
    others = sorted({t for t in teams if t != workspace.team_id})
    if others:
        return f"{kind} from another workspace ({', '.join(others)})"
    event = body.get("event")
    if isinstance(event, dict):
        # An edit (``message_changed``) is the edited message's: our own buttons replaced by
        # the choice made come back as one, written by our bot.
        changed = event.get("message") if event.get("subtype") == "message_changed" else None
        for written in (event, changed):
            if isinstance(written, dict) and _by_a_bot(written, workspace):
                return f"{event.get('type')} event {_BY_A_BOT}"
    return None


def _by_a_bot(message: dict[str, Any], workspace: Workspace) -> bool:
    return bool(
        message.get("bot_id")
        or message.get("bot_profile")
        or message.get("subtype") == "bot_message"
        or (workspace.bot_user_id and message.get("user") == workspace.bot_user_id)
    )


def install(app: AsyncApp, gate: Gate, client: AsyncWebClient) -> None:
    """:func:`refusal` as the bolt app's first middleware (Socket Mode; HTTP is screened first
    by :meth:`Gate.screen_http`, so this finds nothing more there)."""

    async def screen(body: dict[str, Any], next: Callable[[], Awaitable[BoltResponse]]) -> Any:
        if body.get("type") in _UNSCOPED:
            return await next()
        workspace = await gate.identify(client)
        why = "our workspace is not known yet" if workspace is None else refusal(body, workspace)
        if why is not None:
            _log_refusal(why)
            return BoltResponse(status=200, body="")
        return await next()

    app.middleware(screen)
