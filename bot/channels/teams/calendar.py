"""Meeting invites in Teams: *Add to calendar* through a signed, expiring download link that
``mentorbot serve`` answers, and a Teams meeting link for a video meeting.

A bot cannot attach a file to a Teams message without OneDrive (README, Teams), so the card
offers the ``.ics`` as a link instead:

- :class:`CalendarLinks`: makes and opens the links. The token in
  ``{MENTORBOT_PUBLIC_URL}/calendar/<token>.ics`` *is* the invite: compressed, then sealed
  with AES-GCM under a key derived (HKDF-SHA256, its own purpose label) from the database's
  current data key (``storage.sealing``), with the key id and the expiry time as associated
  data. The GCM tag is the signature: a token changed in any byte (its expiry included) does
  not open (HTTP 403), and a token past its expiry does (410). Nothing is stored on the
  server, every process sharing the database's keys can serve any link, and a link's text
  shows nothing of the meeting to a proxy's log. A link lives until a day after the meeting
  ends (at least a day, at most :data:`LONGEST`). After ``mentorbot keys rotate`` the old keys
  stay in the ring, so links made before still open; a key taken out of the ring revokes them.
- :func:`link_invites`: a message's ``text/calendar`` attachments as small *calendar card*
  attachments (:data:`CARD_MEDIA`, JSON: the download link, the Teams meeting link) that
  ``cards.py`` renders with :func:`card_elements`: *Add to calendar* and *Start a Teams
  meeting* buttons (``Action.OpenUrl``). Without ``MENTORBOT_PUBLIC_URL`` there is no download
  link, and the card says so and asks the person to add the meeting themselves.
- :func:`teams_meeting_link`: the ``teams.microsoft.com/l/meeting/new`` deep link with the
  subject, both attendees and the times (it needs no Graph permission): opening it fills in a
  new Teams meeting in the person's own calendar. Only for a video meeting being booked.
- :func:`serve_route`: ``GET /calendar/{token}.ics`` on ``mentorbot serve``.
"""

from __future__ import annotations

import base64
import json
import os
import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from aiohttp import web
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Engine

from conversations.calendar_invite import MODE_LOCATIONS, is_invite
from conversations.clock import Clock
from conversations.messages import Attachment, Part
from storage.sealing import Keyring, keyring_of

PUBLIC_URL_ENV = "MENTORBOT_PUBLIC_URL"
CARD_MEDIA = "application/vnd.mentorbot.calendar-card+json"
PURPOSE = b"mentorbot calendar link v1"
LONGEST = timedelta(days=90)
SHORTEST = timedelta(days=1)
TEAMS_MEETING_URL = "https://teams.microsoft.com/l/meeting/new"
_NONCE = 12
_HEADER = struct.Struct(">4sQ")  # key id (4 bytes), expiry (Unix seconds)


class LinkRefused(Exception):
    """A link that was not made by us, or was changed (HTTP 403)."""


class LinkExpired(Exception):
    """A genuine link past its expiry (HTTP 410)."""


def _link_key(data_key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE).derive(data_key)


@dataclass(frozen=True)
class Invite:
    """What a calendar card needs from an invite: its file, and the facts of its event."""

    filename: str
    content: str
    method: str
    subject: str
    attendees: tuple[str, ...]
    starts_at: datetime | None
    ends_at: datetime | None
    video: bool


def read_invite(part: Attachment) -> Invite:
    """The facts of an ``.ics`` invite (icalendar parses it)."""
    from icalendar import Calendar

    calendar = Calendar.from_ical(part.content)
    events = calendar.walk("VEVENT")
    event = events[0] if events else None
    starts = ends = None
    attendees: list[str] = []
    subject, video = "", False
    if event is not None:
        if "DTSTART" in event:
            starts = event.decoded("DTSTART")
            ends = event.decoded("DTEND") if "DTEND" in event else None
            if ends is None and "DURATION" in event:
                ends = starts + event.decoded("DURATION")
        found = event.get("ATTENDEE")
        items = found if isinstance(found, list) else [found] if found is not None else []
        attendees = [str(a).split(":", 1)[-1] for a in items]
        subject = str(event.get("SUMMARY", ""))
        video = str(event.get("LOCATION", "")) == MODE_LOCATIONS["video"]
    return Invite(
        filename=part.filename,
        content=part.content,
        method=str(calendar.get("METHOD", "REQUEST")).upper(),
        subject=subject,
        attendees=tuple(attendees),
        starts_at=starts if isinstance(starts, datetime) else None,
        ends_at=ends if isinstance(ends, datetime) else None,
        video=video,
    )


class CalendarLinks:
    """Makes and opens the signed download links (see the module's text)."""

    def __init__(self, keyring: Keyring, base_url: str | None, clock: Clock) -> None:
        self.keys = {bytes.fromhex(kid): _link_key(key) for kid, key in keyring.keys.items()}
        self.current = bytes.fromhex(keyring.current)
        self.base_url = base_url.rstrip("/") if base_url else None
        self.clock = clock

    @classmethod
    def of(cls, db: Engine, clock: Clock, environ: Mapping[str, str] = os.environ) -> CalendarLinks:
        return cls(keyring_of(db.dialect), environ.get(PUBLIC_URL_ENV) or None, clock)

    def token(self, filename: str, ics: str, expires: datetime) -> str:
        header = _HEADER.pack(self.current, int(expires.timestamp()))
        body = zlib.compress(json.dumps({"f": filename, "c": ics}).encode(), 9)
        nonce = os.urandom(_NONCE)
        sealed = AESGCM(self.keys[self.current]).encrypt(nonce, body, header)
        return base64.urlsafe_b64encode(header + nonce + sealed).decode().rstrip("=")

    def open(self, token: str) -> tuple[str, str]:
        """The (filename, .ics text) a token holds; raises :class:`LinkRefused` or
        :class:`LinkExpired`."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except ValueError:
            raise LinkRefused("not a calendar link") from None
        if len(raw) < _HEADER.size + _NONCE + 16:
            raise LinkRefused("not a calendar link")
        header, rest = raw[: _HEADER.size], raw[_HEADER.size :]
        kid, expires = _HEADER.unpack(header)
        key = self.keys.get(kid)
        if key is None:
            raise LinkRefused("made with a key this server does not hold")
        try:
            body = AESGCM(key).decrypt(rest[:_NONCE], rest[_NONCE:], header)
        except InvalidTag:
            raise LinkRefused("the link was changed") from None
        if self.clock.now() >= datetime.fromtimestamp(expires, UTC):
            raise LinkExpired("the link has expired")
        found = json.loads(zlib.decompress(body))
        return str(found["f"]), str(found["c"])

    def url(self, invite: Invite) -> str | None:
        """The download link of ``invite``, or ``None`` without a public URL."""
        if self.base_url is None:
            return None
        now = self.clock.now()
        end = invite.ends_at or invite.starts_at
        expires = (end + SHORTEST) if end is not None else now + SHORTEST
        expires = min(max(expires, now + SHORTEST), now + LONGEST)
        return (
            f"{self.base_url}/calendar/{self.token(invite.filename, invite.content, expires)}.ics"
        )


def teams_meeting_link(invite: Invite) -> str | None:
    """The Teams deep link that fills in a new Teams meeting, for a video meeting being booked."""
    if not invite.video or invite.method != "REQUEST" or invite.starts_at is None:
        return None
    query = {"subject": invite.subject, "attendees": ",".join(invite.attendees)}
    query["startTime"] = invite.starts_at.astimezone(UTC).isoformat()
    if invite.ends_at is not None:
        query["endTime"] = invite.ends_at.astimezone(UTC).isoformat()
    return f"{TEAMS_MEETING_URL}?{urlencode(query, quote_via=quote, safe='')}"


def link_invites(parts: list[Part], links: CalendarLinks | None) -> list[Part]:
    """``parts`` with each calendar invite turned into a calendar card (see the module)."""
    out: list[Part] = []
    for part in parts:
        if not is_invite(part):
            out.append(part)
            continue
        invite = read_invite(part)
        card = {
            "download": links.url(invite) if links is not None else None,
            "meeting": teams_meeting_link(invite),
            "cancel": invite.method == "CANCEL",
        }
        out.append(Attachment(part.filename, CARD_MEDIA, json.dumps(card)))
    return out


NO_PUBLIC_URL = (
    "I can't offer the calendar file in Teams yet (this server has no public address set up), "
    "so please add the meeting to your calendar yourself."
)


def card_elements(part: Attachment) -> list[dict[str, Any]]:
    """The Adaptive Card elements of a calendar card: its buttons, or a note without them."""
    card = json.loads(part.content)
    actions: list[dict[str, Any]] = []
    if card.get("download"):
        title = "Update my calendar" if card.get("cancel") else "Add to calendar"
        actions.append({"type": "Action.OpenUrl", "title": title, "url": card["download"]})
    if card.get("meeting"):
        actions.append(
            {"type": "Action.OpenUrl", "title": "Start a Teams meeting", "url": card["meeting"]}
        )
    elements: list[dict[str, Any]] = []
    if not card.get("download"):
        elements.append({"type": "TextBlock", "text": NO_PUBLIC_URL, "wrap": True})
    if actions:
        elements.append({"type": "ActionSet", "actions": actions})
    return elements


def serve_route(app: web.Application, links: CalendarLinks) -> None:
    """``GET /calendar/{token}.ics``: the invite a genuine, unexpired link holds."""

    async def download(request: web.Request) -> web.Response:
        headers = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"}
        try:
            filename, ics = links.open(request.match_info["token"])
        except LinkExpired:
            return web.Response(
                status=410, text="This calendar link has expired.\n", headers=headers
            )
        except LinkRefused:
            return web.Response(
                status=403, text="This calendar link isn't valid.\n", headers=headers
            )
        method = "CANCEL" if "\nMETHOD:CANCEL" in ics.replace("\r\n", "\n") else "REQUEST"
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        headers["Content-Type"] = f"text/calendar; charset=utf-8; method={method}"
        return web.Response(body=ics.encode("utf-8"), headers=headers)

    app.router.add_get("/calendar/{token}.ics", download)
