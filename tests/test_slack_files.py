"""Files in Slack: a chart or a workbook goes up through Slack's three-call upload, against the
fake Web API (tests/fakes/slack_api.py), after the message's text; retries never repeat the text."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from icalendar import Calendar
from sqlalchemy import Engine
from sqlmodel import select

from bot.channels.base import DeliveryError
from bot.channels.console import file_size
from bot.channels.slack.sender import SlackSender, make_client
from bot.outbox import Deliverer
from conversations.calendar_invite import Attendee, meeting_invite
from conversations.clock import Clock, parse_instant
from conversations.messages import Attachment, Part, Text, part_to_json
from storage import outbox_queries
from storage.db import transaction
from storage.models import Outbox, OutboxStatus, Scheme
from tests.conftest import NOW
from tests.fakes.slack_api import FakeSlackApi
from tests.sample_files import XLSX_TYPE, chart_png, is_png, sheet_rows, workbook_xlsx

LEAD = {"platform": "slack", "channel": "C0LEAD"}


@pytest.fixture
async def api() -> AsyncIterator[FakeSlackApi]:
    async with FakeSlackApi() as server:
        yield server


@pytest.fixture
async def sender(api: FakeSlackApi) -> AsyncIterator[SlackSender]:
    async with aiohttp.ClientSession() as http:
        yield SlackSender(make_client(http, "xoxb-test", api.url, timeout=2))


def _report(png: bytes, xlsx: bytes | None = None) -> list[Part]:
    parts: list[Part] = [
        Text("Scheme health for November: 12 pairs active, 2 at risk."),
        Attachment.binary("scheme-health.png", "image/png", png),
    ]
    if xlsx is not None:
        parts.append(Attachment.binary("scheme-health.xlsx", XLSX_TYPE, xlsx))
    return parts


def _order(api: FakeSlackApi) -> list[str]:
    return [c.method for c in api.calls]


async def test_a_chart_goes_up_in_three_calls_after_the_text(
    api: FakeSlackApi, sender: SlackSender
) -> None:
    png = chart_png()
    ts = await sender.send(LEAD, _report(png), "Scheme health for November", outbox_id=7)

    assert _order(api) == [
        "files.getUploadURLExternal",  # invisible: a URL and a file id
        "upload",  # invisible: the bytes
        "chat.postMessage",  # the text, with our outbox id in its metadata
        "files.completeUploadExternal",  # the chart appears below the text
    ]
    [asked] = api.of("files.getUploadURLExternal")
    assert asked["filename"] == "scheme-health.png"
    assert int(asked["length"]) == len(png)
    [post] = api.posts()
    assert ts == post["ts"]
    assert "12 pairs active" in post["blocks"][0]["text"]["text"]
    assert post["metadata"]["event_payload"]["outbox_id"] == 7
    assert "scheme-health" not in str(post["blocks"])  # no base64 dumped into the text
    [shared] = api.shared()
    assert shared.data == png
    assert is_png(shared.data)
    assert shared.channel == "C0LEAD"
    assert shared.title == "scheme-health.png"
    assert shared.initial_comment is None  # the text is just above it


async def test_a_file_alone_reaches_a_dm_with_the_preview_as_its_comment(
    api: FakeSlackApi, sender: SlackSender
) -> None:
    xlsx = workbook_xlsx()
    parts: list[Part] = [Attachment.binary("../../etc/pairs.xlsx", XLSX_TYPE, xlsx)]
    await sender.send({"user": "U0LEAD"}, parts, "Your pairs workbook")
    assert api.posts() == []
    [shared] = api.shared("DU0LEAD")
    assert shared.filename == "pairs.xlsx"  # never a path
    assert shared.initial_comment == "Your pairs workbook"
    assert sheet_rows(shared.data)[1] == ("P-01", 4, 12)


async def test_a_calendar_invite_goes_up_as_an_ics_file_not_a_code_block(
    api: FakeSlackApi, sender: SlackSender
) -> None:
    invite = meeting_invite(
        meeting_id=4,
        starts_at=datetime(2026, 11, 24, 15, 0, tzinfo=UTC),
        duration_minutes=60,
        mode="video",
        mentee=Attendee("Priya Shah", "mentee@example.org"),
        mentor=Attendee("Tom Okafor", "mentor@example.org"),
        method="REQUEST",
        sequence=0,
        now=parse_instant(NOW),
    )
    await sender.send({"user": "U0TOM"}, [Text("Confirmed: Tue 24 Nov, 15:00."), invite], "Ok")
    assert _order(api) == [
        "conversations.open",
        "files.getUploadURLExternal",
        "upload",
        "chat.postMessage",
        "files.completeUploadExternal",
    ]
    [post] = api.posts()
    assert "VCALENDAR" not in str(post["blocks"])
    assert "Confirmed: Tue 24 Nov, 15:00." in post["blocks"][0]["text"]["text"]
    [shared] = api.shared("DU0TOM")
    assert shared.filename == "mentoring-meeting-4-invite.ics"
    calendar = Calendar.from_ical(shared.data)
    [event] = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "REQUEST"
    assert event.decoded("dtstart") == datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


async def test_upload_failures_are_classified_before_anything_is_shown(
    api: FakeSlackApi, sender: SlackSender
) -> None:
    api.fail_next("files.getUploadURLExternal", 200, "missing_scope")
    with pytest.raises(DeliveryError) as scope:
        await sender.send(LEAD, _report(chart_png()), "Scheme health")
    assert scope.value.permanent
    assert "missing_scope" in str(scope.value)

    api.fail_next("upload", 503)
    with pytest.raises(DeliveryError) as busy:
        await sender.send(LEAD, _report(chart_png()), "Scheme health")
    assert not busy.value.permanent
    assert not busy.value.ambiguous
    assert api.posts() == []
    assert api.shared() == []


# -- through the outbox, on SQLite and PostgreSQL -------------------------------------------


class _Time:
    def __init__(self) -> None:
        self.now: datetime = parse_instant(NOW)
        self.clock = Clock(source=lambda: self.now)


def _queue(db: Engine, when: datetime, parts: list[Part]) -> int:
    with transaction(db) as session:
        scheme = session.exec(select(Scheme)).one()
        outbox_queries.set_scheme_channel(session, scheme, LEAD)
        row = Outbox(
            scheme_id=scheme.id,
            channel="lead",
            parts=[part_to_json(p) for p in parts],
            preview="Scheme health for November",
            next_attempt_at=when,
            created_at=when,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id


def _row(db: Engine, row_id: int) -> Outbox:
    with transaction(db) as session:
        row = session.get(Outbox, row_id)
        assert row is not None
        return row


async def _passes(deliverer: Deliverer, time: _Time, count: int) -> list[tuple[int, int, int]]:
    """Run ``count`` delivery passes an hour apart; (sent, failed, dead) of each."""
    seen = []
    for _ in range(count):
        stats = await deliverer.deliver_once()
        seen.append((stats.sent, stats.failed, stats.dead))
        time.now += timedelta(hours=1)
    return seen


@pytest.fixture
async def outbox(demo: Engine, sender: SlackSender) -> tuple[Deliverer, _Time]:
    time = _Time()
    deliverer = Deliverer(
        demo, time.clock, {"slack": sender}, worker="w", pacing={}, rng=random.Random(1)
    )
    return deliverer, time


async def test_a_retry_after_a_failed_upload_posts_the_text_once(
    demo: Engine, api: FakeSlackApi, outbox: tuple[Deliverer, _Time]
) -> None:
    deliverer, time = outbox
    png, xlsx = chart_png(), workbook_xlsx()
    row_id = _queue(demo, time.now, _report(png, xlsx))
    api.fail_next("upload", 500)  # the chart's bytes do not get through the first time

    assert await _passes(deliverer, time, 3) == [(0, 1, 0), (1, 0, 0), (0, 0, 0)]
    assert len(api.posts()) == 1
    assert [(f.filename, f.data) for f in api.shared("C0LEAD")] == [
        ("scheme-health.png", png),
        ("scheme-health.xlsx", xlsx),
    ]
    assert _row(demo, row_id).status == OutboxStatus.SENT.value


async def test_a_share_refused_after_the_text_is_dead_and_never_repeats_the_text(
    demo: Engine, api: FakeSlackApi, outbox: tuple[Deliverer, _Time]
) -> None:
    deliverer, time = outbox
    png = chart_png()
    row_id = _queue(demo, time.now, _report(png))
    api.fail_next("files.completeUploadExternal", 200, "not_in_channel")

    assert await _passes(deliverer, time, 2) == [(0, 0, 1), (0, 0, 0)]
    text, note = api.posts()
    assert "12 pairs active" in text["blocks"][0]["text"]["text"]
    assert note["text"] == (
        f"I couldn't attach scheme-health.png ({file_size(len(png))}) here "
        "(Slack said: not_in_channel). "
        "It's listed with the messages that failed, for the project lead to check."
    )
    assert api.shared() == []
    row = _row(demo, row_id)
    assert row.status == OutboxStatus.DEAD.value
    error = row.last_error or ""
    assert "the text was posted, but not scheme-health.png" in error
    assert "not_in_channel" in error
    assert "ambiguous" not in error
