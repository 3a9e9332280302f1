"""Incoming webhooks: post into a Slack or Teams channel before the full apps are installed.

Both platforms give a channel a secret URL that accepts a JSON POST. A scheme names one in its
settings, ``settings["channels"]["lead"] = {"platform": "webhook", "url": "https://..."}``, and
the outbox deliverer sends that channel's messages here.

Wire format (one POST per message)::

    {"text": "<preview, then the parts as plain text>",
     "mentorbot": {"preview": "...", "parts": [<part JSON as stored in the outbox>]}}

``text`` is what Slack and Teams show; it is escaped for Slack mrkdwn (``&``, ``<``, ``>``), so
no user text can ping ``@channel`` or a person. Buttons cannot work through a webhook (no app
receives the click), so questions show their options as a numbered list, as on the console.
Nor can a webhook carry a file: a binary attachment (a chart, a workbook) is left out of both
``text`` and ``parts``, and the text ends with a note naming it ("(1 file not shown here:
scheme-health.png)"); the body then also has ``"files_not_shown": ["scheme-health.png"]``.

Outcome of a POST:
- 2xx: sent; the message id is ``id`` from a JSON body, else a generated UUID (Slack answers
  ``ok``, Teams ``1``: neither gives one);
- 429: retry after the ``Retry-After`` seconds; 408 and 5xx: retry (with ``Retry-After`` if any);
- any other 4xx: permanent (the URL was revoked or the body refused);
- no connection made (refused, DNS, connect timeout): retry, nothing was sent;
- anything after the request may have left (read timeout, connection dropped): ambiguous.
"""

from __future__ import annotations

import json
import os
import uuid
from typing import Any

import aiohttp

from bot.channels.base import DeliveryError
from bot.channels.console import render, safe_filename
from conversations.messages import Attachment, Part, part_to_json

PLATFORM = "webhook"
_ERROR_BODY_CHARS = 200


def escape_mrkdwn(text: str) -> str:
    """Slack's three control characters as entities (the rest of mrkdwn is harmless)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _split(parts: list[Part]) -> tuple[list[Part], list[str]]:
    """The parts a webhook can carry, and the names of the files it cannot."""
    kept: list[Part] = []
    files: list[str] = []
    for part in parts:
        if isinstance(part, Attachment) and part.is_binary:
            files.append(safe_filename(part.filename))
        else:
            kept.append(part)
    return kept, files


def files_note(files: list[str]) -> str:
    count = f"{len(files)} file" + ("" if len(files) == 1 else "s")
    return f"({count} not shown here: {', '.join(files)})"


def message_text(parts: list[Part], preview: str) -> str:
    """The preview (what a notification shows) and then the whole message as plain text, with a
    note naming any file that could not come along."""
    kept, files = _split(parts)
    body = render(kept, contents=True)
    if files:
        body = f"{body}\n\n{files_note(files)}" if body else files_note(files)
    text = body if body.startswith(preview) else f"{preview}\n\n{body}"
    return escape_mrkdwn(text)


def _retry_after(response: aiohttp.ClientResponse) -> float | None:
    """``Retry-After`` in seconds (the form Slack and Teams use); an HTTP date is ignored."""
    value = response.headers.get("Retry-After", "").strip()
    try:
        seconds = float(value)
    except ValueError:
        return None
    return max(seconds, 0.0)


class WebhookSender:
    """Posts messages to incoming-webhook URLs through one shared ``aiohttp`` session."""

    platform = PLATFORM

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 10.0,
    ) -> None:
        self.session = session
        self.timeout = aiohttp.ClientTimeout(
            total=None, connect=connect_timeout, sock_read=read_timeout
        )

    async def send(
        self,
        address: dict[str, Any],
        parts: list[Part],
        preview: str,
        *,
        outbox_id: int | None = None,
    ) -> str:
        url = address.get("url")
        if isinstance(address.get("url_env"), str):  # the secret stays in the environment
            url = os.environ.get(address["url_env"], "")
            if not url:
                raise DeliveryError(
                    f"the environment variable {address['url_env']} (the webhook URL) is not set",
                    permanent=True,
                )
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise DeliveryError("webhook address has no http(s) url", permanent=True)
        kept, files = _split(parts)
        payload: dict[str, Any] = {
            "text": message_text(parts, preview),
            "mentorbot": {"preview": preview, "parts": [part_to_json(p) for p in kept]},
        }
        if files:
            payload["mentorbot"]["files_not_shown"] = files
        try:
            async with self.session.post(url, json=payload, timeout=self.timeout) as response:
                status = response.status
                if 200 <= status < 300:
                    return await _message_id(response)
                detail = (await _safe_text(response))[:_ERROR_BODY_CHARS]
                error = f"webhook answered HTTP {status}: {detail}".rstrip(": ")
                if status == 429:
                    raise DeliveryError(error, retry_after=_retry_after(response))
                if status == 408 or status >= 500:
                    raise DeliveryError(error, retry_after=_retry_after(response))
                raise DeliveryError(error, permanent=True)
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as exc:
            raise DeliveryError(f"webhook unreachable: {_scrub(exc, url)}") from exc
        except (aiohttp.InvalidURL, aiohttp.NonHttpUrlClientError) as exc:
            raise DeliveryError("webhook url is not valid", permanent=True) from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise DeliveryError(
                f"webhook request failed after sending ({_scrub(exc, url)})", ambiguous=True
            ) from exc


def _scrub(exc: BaseException, url: str) -> str:
    """The error without the webhook URL: the URL is the secret that lets anyone post."""
    return (str(exc) or type(exc).__name__).replace(url, "<webhook url>")


async def _safe_text(response: aiohttp.ClientResponse) -> str:
    try:
        return (await response.text()).strip()
    except (aiohttp.ClientError, TimeoutError, UnicodeDecodeError):
        return ""


async def _message_id(response: aiohttp.ClientResponse) -> str:
    """The id from a JSON ``{"id": ...}`` body, else a new UUID. A 2xx status means the message
    was accepted, so a body that cannot be read does not turn it into a failure."""
    body = await _safe_text(response)
    try:
        data = json.loads(body) if body else None
    except ValueError:
        data = None
    if isinstance(data, dict) and isinstance(data.get("id"), str | int) and data["id"] != "":
        return str(data["id"])[:256]
    return str(uuid.uuid4())
