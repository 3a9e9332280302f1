"""Posting to Slack: the Web API client, the outbox :class:`SlackSender`, and error mapping.

- :func:`make_client`: an ``AsyncWebClient`` on the shared aiohttp session, at ``SLACK_API_URL``,
  with slack_sdk's rate-limit retry handler (it waits ``Retry-After`` once, then the 429 is ours
  to report). No connection-error retry: a dropped connection may follow a post that landed,
  and chat.postMessage has no idempotency key.
- :func:`post_parts`: render parts and post them (several messages when Slack's limits need);
  our outbox id goes into the message metadata, so a resend after an ambiguous failure can be
  matched with what is in the channel.
- :class:`SlackSender`: the outbox port (``platform = "slack"``) for DMs (address
  ``{"team", "user", "channel"}``; ``conversations.open`` when the DM id is not known yet) and
  scheme channels (``{"platform": "slack", "channel": "C..."}``).
- :func:`delivery_error`: any failure as a :class:`~bot.channels.base.DeliveryError`.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.base import DeliveryError
from bot.channels.slack.blocks import escape, render_messages
from conversations.messages import Part

PLATFORM = "slack"
DEFAULT_API_URL = "https://slack.com/api/"
METADATA_EVENT = "mentorbot_outbox"

# Error codes that no retry can fix (the address, the token or the message is wrong).
PERMANENT = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "no_permission",
        "missing_scope",
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "user_not_found",
        "user_disabled",
        "cannot_dm_bot",
        "invalid_blocks",
        "invalid_blocks_format",
        "msg_too_long",
        "too_many_attachments",
        "invalid_arguments",
        "restricted_action",
    }
)


def api_url() -> str:
    return os.environ.get("SLACK_API_URL") or DEFAULT_API_URL


class ShortRateLimitRetry(AsyncRateLimitErrorRetryHandler):
    """slack_sdk's rate-limit handler (it sleeps ``Retry-After``, then retries once), only for
    short waits: a longer one comes back as a 429 so the outbox reschedules the row instead of
    holding a delivery slot (and the call's timeout) while it sleeps."""

    def __init__(self, longest_wait: float = 2.0) -> None:
        super().__init__(max_retry_count=1)
        self.longest_wait = longest_wait

    async def _can_retry_async(
        self, *, state: Any, request: Any, response: Any = None, error: Any = None
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        wait = _retry_after(response)
        return wait is None or wait <= self.longest_wait


def make_client(
    http: aiohttp.ClientSession | None, token: str, base_url: str | None = None, timeout: int = 10
) -> AsyncWebClient:
    """The Web API client. ``timeout`` is applied per call by :func:`call` (slack_sdk applies
    its own only to sessions it creates, and we share the process's session)."""
    return AsyncWebClient(
        token=token,
        base_url=base_url or api_url(),
        session=http,
        timeout=timeout,
        retry_handlers=[ShortRateLimitRetry()],
    )


def _limit(client: AsyncWebClient) -> float:
    """A call's time limit: the client's timeout, plus the longest rate-limit wait."""
    return float(client.timeout) + 3.0


def delivery_error(exc: BaseException, *, sent_before: bool = False) -> DeliveryError:
    """``exc`` from a Web API call as a classified delivery error. ``sent_before``: an earlier
    message of the same send was posted, so any retry would repeat it (ambiguous)."""
    if isinstance(exc, SlackApiError):
        status = int(getattr(exc.response, "status_code", 0) or 0)
        data = getattr(exc.response, "data", None)
        code = str(data.get("error", "")) if isinstance(data, dict) else ""
        message = f"slack answered HTTP {status}: {code or 'error'}"
        if sent_before:
            return DeliveryError(message + " after part of the message was posted", ambiguous=True)
        if status == 429 or code == "ratelimited":
            return DeliveryError(message, retry_after=_retry_after(exc.response))
        if code in PERMANENT or (400 <= status < 500 and status not in (408, 429)):
            return DeliveryError(message, permanent=True)
        return DeliveryError(message, retry_after=_retry_after(exc.response))
    if isinstance(exc, aiohttp.ClientConnectorError | aiohttp.ConnectionTimeoutError):
        if sent_before:
            return DeliveryError(f"slack unreachable mid-message: {exc}", ambiguous=True)
        return DeliveryError(f"slack unreachable: {exc}")
    # A read timeout or a dropped connection: the post may have landed.
    detail = str(exc) or type(exc).__name__
    return DeliveryError(f"slack request failed after sending ({detail})", ambiguous=True)


def _retry_after(response: Any) -> float | None:
    headers = getattr(response, "headers", None) or {}
    for key, value in dict(headers).items():
        if str(key).lower() == "retry-after":
            raw = value[0] if isinstance(value, list) and value else value
            try:
                return max(float(str(raw)), 0.0)
            except ValueError:
                return None
    return None


async def post_parts(
    client: AsyncWebClient,
    channel: str,
    parts: list[Part],
    preview: str,
    *,
    thread_ts: str | None = None,
    outbox_id: int | None = None,
    posted: list[str] | None = None,
) -> list[str]:
    """Post ``parts`` to ``channel``; returns the ts of each message posted (also appended to
    ``posted`` as they go, so a caller knows what landed before a failure). Raises the Web
    API's own errors (see :func:`delivery_error` to classify them)."""
    stamps: list[str] = posted if posted is not None else []
    for blocks in render_messages(parts):
        args: dict[str, Any] = {
            "channel": channel,
            "text": escape(preview),  # the push preview: never private content
            "blocks": blocks,
            "unfurl_links": False,
            "unfurl_media": False,
        }
        if thread_ts:
            args["thread_ts"] = thread_ts
        if outbox_id is not None:
            args["metadata"] = {
                "event_type": METADATA_EVENT,
                "event_payload": {"outbox_id": outbox_id, "part": len(stamps)},
            }
        async with asyncio.timeout(_limit(client)):
            response = await client.chat_postMessage(**args)
        stamps.append(str(response.get("ts", "")))
    return stamps


async def dm_channel(client: AsyncWebClient, user: str) -> str:
    async with asyncio.timeout(_limit(client)):
        response = await client.conversations_open(users=user)
    channel = response.get("channel") or {}
    return str(channel.get("id", ""))


class SlackSender:
    """Delivers outbox rows to Slack DMs and scheme channels."""

    platform = PLATFORM

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def send(
        self,
        address: dict[str, Any],
        parts: list[Part],
        preview: str,
        *,
        outbox_id: int | None = None,
    ) -> str:
        channel = str(address.get("channel") or "")
        stamps: list[str] = []
        try:
            if not channel:
                user = address.get("user")
                if not isinstance(user, str) or not user:
                    raise DeliveryError("slack address has no channel or user", permanent=True)
                channel = await dm_channel(self.client, user)
            if not channel:
                raise DeliveryError("slack gave no DM channel", permanent=True)
            await post_parts(
                self.client, channel, parts, preview, outbox_id=outbox_id, posted=stamps
            )
        except DeliveryError:
            raise
        except Exception as exc:
            raise delivery_error(exc, sent_before=bool(stamps)) from exc
        return stamps[0] if stamps else ""


def sender_from_env(http: aiohttp.ClientSession) -> SlackSender:
    """The outbox's Slack sender, from ``SLACK_BOT_TOKEN`` and ``SLACK_API_URL``."""
    return SlackSender(make_client(http, os.environ["SLACK_BOT_TOKEN"]))
