"""A webhook cannot carry a file: the text goes, with a note naming what was left out."""

from __future__ import annotations

import aiohttp

from bot.channels.webhook import WebhookSender
from conversations.messages import Attachment, Part, Text, part_to_json
from tests.fakes.webhook_server import FakeWebhook
from tests.sample_files import chart_png, report_parts


async def test_the_text_goes_with_a_note_naming_the_files() -> None:
    parts, _, _ = report_parts()
    async with FakeWebhook() as hook, aiohttp.ClientSession() as http:
        await WebhookSender(http).send({"url": hook.url}, parts, "Scheme health for November.")
    [received] = hook.received
    assert received.body == {
        "text": (
            "Scheme health for November.\n\n"
            "(2 files not shown here: scheme-health.png, scheme-health.xlsx)"
        ),
        "mentorbot": {
            "preview": "Scheme health for November.",
            "parts": [part_to_json(parts[0])],  # no base64 in the body
            "files_not_shown": ["scheme-health.png", "scheme-health.xlsx"],
        },
    }


async def test_one_file_alone_and_an_invite_beside_it() -> None:
    invite = Attachment("invite.ics", "text/calendar", "BEGIN:VCALENDAR")
    parts: list[Part] = [
        Attachment.binary("../chart.png", "image/png", chart_png()),
        invite,
        Text("That's all."),
    ]
    async with FakeWebhook() as hook, aiohttp.ClientSession() as http:
        await WebhookSender(http).send({"url": hook.url}, parts, "A chart")
    assert hook.texts() == [
        "A chart\n\n[attachment: invite.ics]\nBEGIN:VCALENDAR\n\nThat's all.\n\n"
        "(1 file not shown here: chart.png)"
    ]
