"""Meeting invites in Teams: the card offers *Add to calendar*, a signed link that the bot's own
aiohttp route answers with the .ics until a day after the meeting (a changed link is refused,
403; an old one is gone, 410), and for a video meeting a Teams meeting link with the subject,
both attendees and the times. Against the Bot Connector fake (tests/fakes/bot_connector.py)."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from aiohttp import web
from icalendar import Calendar
from sqlalchemy import Engine

from bot.channels import teams
from bot.channels.teams.adapter import TeamsSettings
from bot.channels.teams.calendar import NO_PUBLIC_URL, CalendarLinks, serve_route
from bot.server import build_app
from conversations.calendar_invite import Attendee, meeting_invite
from conversations.clock import Clock, parse_instant
from conversations.messages import Attachment, Part, Text, preview
from storage.sealing import Keyring, keyring_of
from tests.conftest import NOW
from tests.fakes import LocalServer
from tests.fakes.bot_connector import BOT_ID, TENANT, FakeBotConnector

APP_ID = "0b6a1f5e-3c1d-4e4f-9a7b-1d2e3f4a5b6c"
TUE_3PM = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


class MovingClock:
    def __init__(self) -> None:
        self.now = parse_instant(NOW)
        self.clock = Clock(source=lambda: self.now)


class CalendarServer(LocalServer):
    """The bot's calendar route, served by aiohttp on a free port."""

    def __init__(self, engine: Engine, time: MovingClock) -> None:
        self.engine = engine
        self.time = time
        self.url = ""

    async def start(self) -> CalendarServer:
        app = web.Application()
        serve_route(app, self.links(None))  # opening a link needs only the keys
        self.url = await self.serve(app)
        return self

    def links(self, base_url: str | None = "") -> CalendarLinks:
        base = self.url if base_url == "" else base_url
        return CalendarLinks(keyring_of(self.engine.dialect), base, self.time.clock)


@pytest.fixture
async def connector() -> AsyncIterator[FakeBotConnector]:
    async with FakeBotConnector() as fake:
        yield fake


@pytest.fixture
def time() -> MovingClock:
    return MovingClock()


@pytest.fixture
async def server(engine: Engine, time: MovingClock) -> AsyncIterator[CalendarServer]:
    async with CalendarServer(engine, time) as found:
        yield found


def _address(connector: FakeBotConnector) -> dict[str, Any]:
    user = connector.add_person("mentee@example.org", "Priya Shah")
    return {
        "platform": "teams",
        "tenantId": TENANT,
        "reference": {
            "user": {"id": user.user_id, "aadObjectId": user.aad},
            "bot": {"id": BOT_ID, "name": "mentorbot"},
            "conversation": {"conversationType": "personal", "id": user.conversation},
            "channelId": "msteams",
            "serviceUrl": connector.url + "/",
        },
    }


def _invite(mode: str = "video", method: str = "REQUEST") -> Attachment:
    return meeting_invite(
        meeting_id=4,
        starts_at=TUE_3PM,
        duration_minutes=60,
        mode=mode,
        mentee=Attendee("Priya Shah", "mentee@example.org"),
        mentor=Attendee("Tom Okafor", "mentor@example.org"),
        method=method,  # type: ignore[arg-type]
        sequence=0,
        now=parse_instant(NOW),
    )


async def _card(
    connector: FakeBotConnector, links: CalendarLinks | None, invite: Attachment
) -> dict[str, Any]:
    settings = TeamsSettings(app_id=APP_ID, tenant_id=TENANT, token_provider=lambda: "t")
    parts: list[Part] = [Text("Confirmed: your meeting with Tom, Tue 24 Nov, 15:00."), invite]
    async with aiohttp.ClientSession() as http:
        sender = teams.sender_from_env(http, settings=settings, links=links)
        await sender.send(_address(connector), parts, preview(parts))
    return connector.sent()[-1].card()  # one activity per message: the newest


def _actions(card: dict[str, Any]) -> dict[str, str]:
    return {
        a["title"]: a["url"]
        for element in card["body"]
        if element["type"] == "ActionSet"
        for a in element["actions"]
        if a["type"] == "Action.OpenUrl"
    }


def _texts(card: dict[str, Any]) -> str:
    return "\n".join(e["text"] for e in card["body"] if e["type"] == "TextBlock")


async def _get(url: str) -> tuple[int, str, str]:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status, response.headers.get("Content-Type", ""), await response.text()


async def test_add_to_calendar_downloads_the_invite_from_a_signed_link(
    connector: FakeBotConnector, server: CalendarServer, time: MovingClock
) -> None:
    card = await _card(connector, server.links(), _invite())
    actions = _actions(card)
    assert set(actions) == {"Add to calendar", "Start a Teams meeting"}
    assert "BEGIN:VCALENDAR" not in str(card)  # a button, not the file's text
    link = actions["Add to calendar"]
    assert link.startswith(f"{server.url}/calendar/")
    assert link.endswith(".ics")
    assert "Priya" not in link  # the link's text shows nothing of the meeting
    assert "mentee@example.org" not in link

    status, kind, body = await _get(link)
    assert status == 200
    assert kind.startswith("text/calendar")
    calendar = Calendar.from_ical(body)
    [event] = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "REQUEST"
    assert event.decoded("dtstart") == TUE_3PM
    assert str(event["SUMMARY"]) == "Mentoring: Priya Shah and Tom Okafor"

    time.now = TUE_3PM + timedelta(hours=1, days=1) - timedelta(seconds=1)
    assert (await _get(link))[0] == 200  # until a day after the meeting ends
    time.now += timedelta(seconds=1)
    status, _, said = await _get(link)
    assert status == 410
    assert "expired" in said


async def test_a_changed_link_is_refused(
    connector: FakeBotConnector, server: CalendarServer
) -> None:
    link = _actions(await _card(connector, server.links(), _invite()))["Add to calendar"]
    token = link.rsplit("/", 1)[1].removesuffix(".ics")
    raw = bytearray(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))

    later = bytearray(raw)
    later[11] ^= 0x01  # the expiry, pushed later: the signature no longer matches
    flipped = bytearray(raw)
    flipped[-1] ^= 0x01  # one bit of the sealed invite
    for changed in (later, flipped):
        forged = base64.urlsafe_b64encode(bytes(changed)).decode().rstrip("=")
        status, _, said = await _get(f"{server.url}/calendar/{forged}.ics")
        assert status == 403
        assert "isn't valid" in said
    assert (await _get(f"{server.url}/calendar/not-a-token.ics"))[0] == 403

    elsewhere = CalendarLinks(Keyring.of([b"k" * 32], "elsewhere"), "x", server.time.clock)
    stranger = elsewhere.token("x.ics", "BEGIN:VCALENDAR", TUE_3PM)  # not our key
    assert (await _get(f"{server.url}/calendar/{stranger}.ics"))[0] == 403
    assert (await _get(link))[0] == 200  # the genuine link still works


async def test_a_teams_meeting_link_carries_subject_attendees_and_times(
    connector: FakeBotConnector, server: CalendarServer
) -> None:
    link = _actions(await _card(connector, server.links(), _invite()))["Start a Teams meeting"]
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
        "https://teams.microsoft.com/l/meeting/new"
    )
    assert "+" not in parts.query  # spaces and pluses are percent-encoded
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query == {
        "subject": "Mentoring: Priya Shah and Tom Okafor",
        "attendees": "mentee@example.org,mentor@example.org",
        "startTime": "2026-11-24T15:00:00+00:00",
        "endTime": "2026-11-24T16:00:00+00:00",
    }


async def test_in_person_meetings_and_cancellations_offer_no_teams_meeting(
    connector: FakeBotConnector, server: CalendarServer
) -> None:
    assert set(_actions(await _card(connector, server.links(), _invite("in_person")))) == {
        "Add to calendar"
    }
    card = await _card(connector, server.links(), _invite(method="CANCEL"))
    assert set(_actions(card)) == {"Update my calendar"}


async def test_without_a_public_url_the_card_says_how_to_get_it(
    connector: FakeBotConnector, server: CalendarServer
) -> None:
    card = await _card(connector, server.links(None), _invite())
    assert set(_actions(card)) == {"Start a Teams meeting"}
    assert NO_PUBLIC_URL in _texts(card).replace("\\", "")


def test_mentorbot_serve_answers_calendar_links(demo: Engine) -> None:
    app = build_app(demo, Clock.fixed(NOW))
    paths = {r.get_info().get("formatter") for r in app.router.resources()}
    assert "/calendar/{token}.ics" in paths
