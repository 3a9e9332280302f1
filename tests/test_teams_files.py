"""Files in Teams: a chart goes inline (a data: URI) beside its card, alone when the two do not
fit in one message, and as a kind note when even alone it is too big; a workbook cannot go
(Teams sends documents only through OneDrive), so the reader is told how to get it."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.channels import teams
from bot.channels.base import DeliveryError
from bot.channels.console import file_size
from bot.channels.teams.adapter import TeamsSettings
from bot.channels.teams.cards import MAX_IMAGE_ACTIVITY_BYTES, render_activities, size_of
from conversations.messages import Attachment, Part, Text, preview
from tests.fakes.bot_connector import BOT_ID, TENANT, FakeBotConnector
from tests.sample_files import XLSX_TYPE, chart_png, is_png, noise_png, report_parts

APP_ID = "0b6a1f5e-3c1d-4e4f-9a7b-1d2e3f4a5b6c"


@pytest.fixture
async def connector() -> AsyncIterator[FakeBotConnector]:
    async with FakeBotConnector() as fake:
        yield fake


def _address(connector: FakeBotConnector, channel: bool = False) -> dict[str, Any]:
    user = connector.add_person("lead@example.org", "Lee Lead")
    conversation = (
        {"conversationType": "channel", "id": "19:lead@thread.tacv2", "tenantId": TENANT}
        if channel
        else {"conversationType": "personal", "id": user.conversation, "tenantId": TENANT}
    )
    return {
        "platform": "teams",
        "tenantId": TENANT,
        "reference": {
            "user": {"id": user.user_id, "aadObjectId": user.aad},
            "bot": {"id": BOT_ID, "name": "mentorbot"},
            "conversation": conversation,
            "channelId": "msteams",
            "serviceUrl": connector.url + "/",
        },
    }


async def _send(address: dict[str, Any], parts: list[Part]) -> str:
    settings = TeamsSettings(app_id=APP_ID, tenant_id=TENANT, token_provider=lambda: "t")
    async with aiohttp.ClientSession() as http:
        return await teams.sender_from_env(http, settings=settings).send(
            address, parts, preview(parts)
        )


@pytest.mark.parametrize("channel", [False, True], ids=["personal chat", "lead channel"])
async def test_a_chart_arrives_inline_beside_its_card(
    connector: FakeBotConnector, channel: bool
) -> None:
    png = chart_png()
    parts: list[Part] = [
        Text("Scheme health for November."),
        Attachment.binary("scheme-health.png", "image/png", png),
    ]
    await _send(_address(connector, channel), parts)
    [call] = connector.sent()
    assert call.texts() == ["Scheme health for November."]
    assert call.images() == [("scheme-health.png", "image/png", png)]
    assert is_png(call.images()[0][2])
    assert call.body is not None
    assert call.body["summary"] == "Scheme health for November."
    assert "base64" not in str(call.card())  # the card's fallback text holds no bytes


async def test_a_chart_too_big_to_ride_with_the_card_goes_alone_after_it(
    connector: FakeBotConnector,
) -> None:
    png = noise_png(side=120)  # about 43 KB: fits alone, not beside a long card
    long_text = "Pairs at risk and why. " * 1000  # about 23 KB of card
    parts: list[Part] = [Text(long_text), Attachment.binary("cadence.png", "image/png", png)]
    assert len(render_activities(parts, "p")) == 2  # the premise: they do not fit together
    await _send(_address(connector), parts)
    card, image = connector.sent()
    assert card.texts() == [long_text]
    assert card.images() == []
    assert image.images() == [("cadence.png", "image/png", png)]
    assert image.body is not None
    assert len(image.body["attachments"]) == 1


async def test_an_image_too_big_even_alone_is_a_kind_note(connector: FakeBotConnector) -> None:
    png = noise_png()  # about 140 KB
    parts: list[Part] = [Text("Charts:"), Attachment.binary("cadence.png", "image/png", png)]
    await _send(_address(connector), parts)
    [call] = connector.sent()
    assert call.images() == []
    assert call.texts() == [
        "Charts:",
        f"The image cadence.png ({file_size(len(png))}) is too big to show in Teams. "
        "To get it, run mentorbot report --format png where mentorbot is installed.",
    ]


async def test_a_workbook_is_named_with_how_to_get_it(connector: FakeBotConnector) -> None:
    parts, png, xlsx = report_parts()
    await _send(_address(connector), parts)
    [call] = connector.sent()
    assert call.texts() == [
        "Scheme health for November.",
        f"I can't send files in Teams, so scheme-health.xlsx ({file_size(len(xlsx))}) isn't "
        "attached. To get it, run mentorbot report --format xlsx where mentorbot is installed.",
    ]
    assert call.images() == [("scheme-health.png", "image/png", png)]


async def test_a_failure_after_the_card_went_is_not_retried(connector: FakeBotConnector) -> None:
    long_text = "Pairs at risk and why. " * 1000
    parts: list[Part] = [
        Text(long_text),
        Attachment.binary("cadence.png", "image/png", noise_png(side=120)),
    ]
    connector.fail_next(403, after=1)  # the card goes; the image is refused
    with pytest.raises(DeliveryError) as failed:
        await _send(_address(connector), parts)
    assert failed.value.permanent  # a retry would post the card a second time
    assert "after 1 of 2 activities" in str(failed.value)
    connector.fail_next(429, after=1)  # the card goes; the image is throttled
    with pytest.raises(DeliveryError) as failed:
        await _send(_address(connector), parts)
    assert failed.value.permanent
    assert "after 1 of 2 activities" in str(failed.value)
    connector.fail_next(502, after=1)  # the card goes; the image may or may not have gone
    with pytest.raises(DeliveryError) as failed:
        await _send(_address(connector), parts)
    assert failed.value.ambiguous
    assert "after 1 of 2 activities" in str(failed.value)


def test_every_activity_with_an_image_stays_within_the_limit() -> None:
    for side in (40, 80, 120, 140, 160):
        png = noise_png(side=side)
        for text in ("Short.", "Long. " * 3000):
            parts: list[Part] = [Text(text), Attachment.binary("c.png", "image/png", png)]
            activities = render_activities(parts, "p")
            assert all(size_of(a) <= MAX_IMAGE_ACTIVITY_BYTES for a in activities)
            shown = [
                base64.b64decode(a["contentUrl"].partition(",")[2])
                for activity in activities
                for a in activity["attachments"]
                if a["contentType"] == "image/png"
            ]
            noted = any("too big to show in Teams" in str(a) for a in activities)
            assert (shown == [png]) != noted  # shown whole, or named in a note: never lost


def test_a_text_attachment_is_still_shown_in_the_card() -> None:
    invite = Attachment("invite.ics", "text/calendar", "BEGIN:VCALENDAR")
    [activity] = render_activities([invite], "p")
    [attachment] = activity["attachments"]
    body = attachment["content"]["body"]
    texts = [e.get("text") or "".join(r["text"] for r in e["inlines"]) for e in body]
    assert texts == ["Attachment: invite.ics", "BEGIN:VCALENDAR"]
    assert body[1]["type"] == "RichTextBlock"  # the file as it is, never read as markdown
    assert XLSX_TYPE not in str(activity)
