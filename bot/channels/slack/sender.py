"""Posting to Slack: the Web API client, the outbox :class:`SlackSender`, and error mapping.

- :func:`make_client`: an ``AsyncWebClient`` on the shared aiohttp session, at ``SLACK_API_URL``,
  with slack_sdk's rate-limit retry handler (it waits ``Retry-After`` once, then the 429 is ours
  to report). No connection-error retry: a dropped connection may follow a post that landed,
  and chat.postMessage has no idempotency key.
- :func:`post_parts`: render parts and post them (several messages when Slack's limits need);
  our outbox id goes into the message metadata, so a resend after an ambiguous failure can be
  matched with what is in the channel. Attachments (a PNG chart, an XLSX workbook, a meeting's
  ``.ics`` invite) go up as files (scope ``files:write``), see "Files" below.
- :class:`SlackSender`: the outbox port (``platform = "slack"``) for DMs (address
  ``{"team", "user", "channel"}``, plus ``"thread"``, a thread's ts, for a reply in a thread;
  ``conversations.open`` when the DM id is not known yet) and
  scheme channels (``{"platform": "slack", "channel": "C..."}``).
- :func:`delivery_error`: any failure as a :class:`~bot.channels.base.DeliveryError`.

Files. Slack's upload is three calls: ``files.getUploadURLExternal`` (a URL and a file id per
file), a POST of the bytes to that URL, and ``files.completeUploadExternal``, which shares the
files into the channel (and thread). The first two show nothing to anyone, so they come first:
upload every file, then post the text, then share the files just below it. Any failure before
the text is posted leaves nothing visible, and the outbox may retry the whole message safely.
Once the text is posted, nothing is retried: a retry would post the text again (Slack has no
idempotency key, and our outbox id in the message metadata only lets a person find it). A
failed share after the text is :class:`FilesNotShared`: the outbox dead-letters it with what
went and what did not, and a short note is posted where the file should have been. (slack_sdk's
``files_upload_v2`` runs all three calls in one go, so it cannot put the text between them; we
use its two Web API methods and POST the bytes ourselves.)
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.base import DeliveryError
from bot.channels.console import file_size, safe_filename
from bot.channels.slack.blocks import escape, render_messages
from conversations.messages import Attachment, Part

log = logging.getLogger(__name__)

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


class UploadFailed(Exception):
    """The POST of a file's bytes to its upload URL was refused (``status``: the HTTP status)."""

    def __init__(self, status: int, filename: str) -> None:
        super().__init__(f"slack refused the upload of {filename} (HTTP {status})")
        self.status = status


class FilesNotShared(Exception):
    """The message's text was posted but its files were not shared: never send it again whole.
    ``stamps``: the ts of the messages posted; ``filenames``: the files that are missing."""

    def __init__(self, stamps: list[str], filenames: list[str], cause: BaseException) -> None:
        super().__init__(f"the text was posted, but not {', '.join(filenames)}")
        self.stamps = stamps
        self.filenames = filenames
        self.cause = cause


def _limit(client: AsyncWebClient) -> float:
    """A call's time limit: the client's timeout, plus the longest rate-limit wait."""
    return float(client.timeout) + 3.0


def delivery_error(exc: BaseException, *, sent_before: bool = False) -> DeliveryError:
    """``exc`` from a Web API call as a classified delivery error. ``sent_before``: an earlier
    message of the same send was posted, so any retry would repeat it (ambiguous)."""
    if isinstance(exc, FilesNotShared):
        cause = delivery_error(exc.cause)
        what = f"{exc} ({cause})"
        if cause.ambiguous:
            return DeliveryError(what, ambiguous=True)
        return DeliveryError(what, permanent=True)  # the text went: a retry would repeat it
    if isinstance(exc, UploadFailed):
        if exc.status in (408, 429) or exc.status >= 500:
            return DeliveryError(str(exc))
        return DeliveryError(str(exc), permanent=True)
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


def split_files(parts: list[Part]) -> tuple[list[Part], list[Attachment]]:
    """The parts shown as blocks, and the attachments uploaded as files (a calendar invite too:
    a file a person opens to add the meeting, not a code block to copy)."""
    shown: list[Part] = []
    files: list[Attachment] = []
    for part in parts:
        if isinstance(part, Attachment):
            files.append(part)
        else:
            shown.append(part)
    return shown, files


async def _post_bytes(client: AsyncWebClient, url: str, data: bytes, filename: str) -> None:
    """Step 2 of an upload: the bytes, raw, to the URL Slack gave (it answers 200)."""
    timeout = aiohttp.ClientTimeout(total=float(client.timeout))
    owned = client.session is None or client.session.closed
    http = aiohttp.ClientSession() if owned else client.session
    assert http is not None
    try:
        async with http.post(
            url,
            data=data,
            headers={"Content-Type": "application/octet-stream"},
            timeout=timeout,
        ) as response:
            await response.read()
            if response.status != 200:
                raise UploadFailed(response.status, filename)
    finally:
        if owned:
            await http.close()


async def upload_files(client: AsyncWebClient, files: list[Attachment]) -> list[dict[str, str]]:
    """Steps 1 and 2 of Slack's upload for each file; nothing is shown to anyone yet. Returns
    the ``files`` argument of ``files.completeUploadExternal`` (id and title per file)."""
    uploads: list[dict[str, str]] = []
    for part in files:
        data = part.data()
        name = safe_filename(part.filename)
        async with asyncio.timeout(_limit(client)):
            response = await client.files_getUploadURLExternal(filename=name, length=len(data))
        url, file_id = str(response.get("upload_url", "")), str(response.get("file_id", ""))
        if not url or not file_id:
            raise UploadFailed(0, name)
        async with asyncio.timeout(_limit(client)):
            await _post_bytes(client, url, data, name)
        uploads.append({"id": file_id, "title": name})
    return uploads


async def share_files(
    client: AsyncWebClient,
    channel: str,
    uploads: list[dict[str, str]],
    *,
    thread_ts: str | None = None,
    initial_comment: str | None = None,
) -> None:
    """Step 3: share the uploaded files into ``channel`` (in the thread when there is one)."""
    async with asyncio.timeout(_limit(client)):
        await client.files_completeUploadExternal(
            files=list(uploads),  # type: ignore[arg-type]  # dict[str, str] is what it sends
            channel_id=channel,
            thread_ts=thread_ts,
            initial_comment=initial_comment,
        )


def _not_attached(files: list[Attachment], exc: BaseException) -> str:
    data = getattr(getattr(exc, "response", None), "data", None)
    code = str(data.get("error", "")) if isinstance(data, dict) else ""
    names = ", ".join(f"{safe_filename(f.filename)} ({file_size(len(f.data()))})" for f in files)
    reason = f" (Slack said: {code})" if code else ""
    return (
        f"I couldn't attach {names} here{reason}. "
        "It's listed with the messages that failed, for the project lead to check."
    )


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
    ``posted`` as they go, so a caller knows what landed before a failure). Binary attachments
    are uploaded first, and shared after the text (see "Files" in the module docstring). Raises
    the Web API's own errors, and :class:`FilesNotShared` when the text went but the files did
    not (see :func:`delivery_error` to classify them)."""
    stamps: list[str] = posted if posted is not None else []
    shown, files = split_files(parts)
    uploads = await upload_files(client, files) if files else []
    for blocks in render_messages(shown):
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
    if uploads:
        comment = None if shown else escape(preview) or None
        try:
            await share_files(
                client, channel, uploads, thread_ts=thread_ts, initial_comment=comment
            )
        except Exception as exc:
            if not stamps:
                raise
            note = _not_attached(files, exc)
            try:  # best effort: the reader should know a file is missing
                async with asyncio.timeout(_limit(client)):
                    await client.chat_postMessage(
                        channel=channel, text=note, thread_ts=thread_ts, unfurl_links=False
                    )
            except Exception:  # the dead letter still tells the lead
                log.warning("could not post the missing-file note to %s", channel)
            names = [safe_filename(f.filename) for f in files]
            raise FilesNotShared(list(stamps), names, exc) from exc
    return stamps


async def user_by_email(client: AsyncWebClient, email: str) -> dict[str, Any] | None:
    """The Slack user with ``email`` (``users.lookupByEmail``, scope ``users:read.email``), or
    None when Slack knows nobody by it (``users_not_found``). Other failures raise."""
    try:
        async with asyncio.timeout(_limit(client)):
            response = await client.users_lookupByEmail(email=email)
    except SlackApiError as exc:
        data = getattr(exc.response, "data", None)
        if isinstance(data, dict) and data.get("error") == "users_not_found":
            return None
        raise
    user = response.get("user")
    return user if isinstance(user, dict) else None


async def dm_channel(client: AsyncWebClient, user: str) -> str:
    async with asyncio.timeout(_limit(client)):
        response = await client.conversations_open(users=user)
    channel = response.get("channel") or {}
    return str(channel.get("id", ""))


class SlackSender:
    """Delivers outbox rows to Slack DMs and scheme channels."""

    platform = PLATFORM

    def __init__(
        self,
        client: AsyncWebClient,
        opened: Callable[[dict[str, Any], dict[str, Any]], Awaitable[None]] | None = None,
    ) -> None:
        self.client = client
        # Told (old address, new address) of each DM it opened for an address with none
        # (``bot.reach.chat_opened`` keeps it).
        self.opened = opened

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
                if channel and self.opened is not None:
                    await self.opened(address, {**address, "channel": channel})
            if not channel:
                raise DeliveryError("slack gave no DM channel", permanent=True)
            thread = str(address.get("thread") or "") or None
            await post_parts(
                self.client,
                channel,
                parts,
                preview,
                thread_ts=thread,
                outbox_id=outbox_id,
                posted=stamps,
            )
        except DeliveryError:
            raise
        except Exception as exc:
            raise delivery_error(exc, sent_before=bool(stamps)) from exc
        return stamps[0] if stamps else ""

    async def delete(self, address: dict[str, Any], message_id: str) -> bool:
        """Delete a message the bot posted (``chat.delete``: a bot may delete its own). False
        when Slack no longer has it; other failures raise :class:`DeliveryError`."""
        try:
            channel = str(address.get("channel") or "")
            if not channel and isinstance(address.get("user"), str):
                channel = await dm_channel(self.client, str(address["user"]))
            if not channel:
                raise DeliveryError("slack address has no channel or user", permanent=True)
            async with asyncio.timeout(_limit(self.client)):
                await self.client.chat_delete(channel=channel, ts=message_id)
        except SlackApiError as exc:
            data = getattr(exc.response, "data", None)
            if isinstance(data, dict) and data.get("error") == "message_not_found":
                return False
            raise delivery_error(exc) from exc
        except DeliveryError:
            raise
        except Exception as exc:
            raise delivery_error(exc) from exc
        return True


def sender_from_env(http: aiohttp.ClientSession) -> SlackSender:
    """The outbox's Slack sender, from ``SLACK_BOT_TOKEN`` and ``SLACK_API_URL``."""
    return SlackSender(make_client(http, os.environ["SLACK_BOT_TOKEN"]))
