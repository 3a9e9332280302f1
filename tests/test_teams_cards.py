"""Neutral parts as Adaptive Cards, and the Teams app package."""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from bot.channels.teams import build_manifest_zip
from bot.channels.teams.cards import (
    MAX_ACTIVITY_BYTES,
    card,
    render_activities,
    size_of,
    submission,
    submitted_card,
)
from conversations.intents import IntentName, recognise
from conversations.markup import literal
from conversations.messages import (
    Attachment,
    Choice,
    FieldKind,
    Form,
    FormField,
    Part,
    Question,
    Text,
    preview,
)

APP_ID = "0b6a1f5e-3c1d-4e4f-9a7b-1d2e3f4a5b6c"


def test_user_text_cannot_make_links_or_lists() -> None:
    # A person's own words go as RichTextBlock runs, which Teams never reads as markdown, so
    # nothing becomes a link, bold or a list, and no escaping backslash is shown (Teams mobile
    # shows "\\*" as typed). This test used to expect backslash escapes in a TextBlock.
    said = "[click](http://x) **b** - item\n- one\n2. two\n> quote\n# not a heading"
    body = card([Text(f"You wrote: {literal(said)}")])["body"]
    assert [e["type"] for e in body] == ["RichTextBlock"] * 5
    assert ["".join(run["text"] for run in e["inlines"]) for e in body] == [
        "You wrote: [click](http://x) **b** - item",
        "- one",
        "2. two",
        "> quote",
        "# not a heading",
    ]
    assert not any("\\" in run["text"] for e in body for run in e["inlines"])


def test_a_question_is_buttons_that_route_back() -> None:
    body = card([Question("Shall I send it?", (Choice("Yes", "meeting:send:3", "y"),))])["body"]
    assert body[1] == {
        "type": "ActionSet",
        "actions": [
            {
                "type": "Action.Submit",
                "title": "Yes",
                "data": {"action": "meeting:send:3", "value": "y", "label": "Yes"},
            }
        ],
    }
    assert submission(body[1]["actions"][0]["data"]) == ("meeting:send:3", {"value": "y"}, "Yes")
    assert submission({"action": "a", "value": "", "label": "No"}) == ("a", {}, "No")
    assert submission("typed text") is None


def test_a_form_is_inputs_with_validation() -> None:
    form = Form(
        "Minutes",
        (
            FormField("summary", "Summary", FieldKind.LONG_TEXT, max_length=500),
            FormField("when", "Date", FieldKind.DATE),
            FormField("mode", "How", FieldKind.CHOICE, False, (Choice("Video", "c", "video"),)),
        ),
        submit_action="dialog:minutes:submit",
    )
    built = card([form])
    assert built["version"] == "1.5"
    assert built["fallbackText"].startswith("You have a message from mentorbot")
    inputs = built["body"][1:4]
    assert [i["type"] for i in inputs] == ["Input.Text", "Input.Date", "Input.ChoiceSet"]
    assert inputs[0]["isMultiline"] is True
    assert inputs[0]["maxLength"] == 500
    assert inputs[0]["isRequired"] is True
    assert inputs[0]["errorMessage"] == "Summary is needed."
    assert inputs[2]["isRequired"] is False
    assert inputs[2]["choices"] == [{"title": "Video", "value": "video"}]
    [send] = built["body"][4]["actions"]
    submitted = {**send["data"], "summary": "Went well", "when": "2026-11-24"}
    assert submission(submitted) == (
        "dialog:minutes:submit", {"summary": "Went well", "when": "2026-11-24"}, "Send",
    )  # fmt: skip


def test_the_summary_never_carries_private_content() -> None:
    parts: list[Part] = [
        Text("Dear diary: a hard day with patient X", private=True),
        Text("Saved."),
    ]
    [activity] = render_activities(parts, preview(parts))
    assert activity["summary"] == "Saved."
    assert "text" not in activity


def test_long_messages_are_split_and_shortened_under_the_limit() -> None:
    parts: list[Part] = [Text("a" * 15_000), Text("b" * 15_000), Text("c" * 60_000)]
    activities = render_activities(parts, "preview")
    assert len(activities) == 3
    assert all(size_of(a) <= MAX_ACTIVITY_BYTES < 28_000 for a in activities)
    last = activities[-1]["attachments"][0]["content"]["body"]
    assert last[0]["text"].startswith("ccc")
    assert "shortened" in last[-1]["text"]  # its own paragraph, after the text
    with_invite = render_activities([Attachment("invite.ics", "text/calendar", "BEGIN")], "p")
    assert "invite.ics" in with_invite[0]["attachments"][0]["content"]["body"][0]["text"]


def test_a_submitted_card_has_no_buttons() -> None:
    content = submitted_card("Accept")["attachments"][0]["content"]
    assert [e["type"] for e in content["body"]] == ["TextBlock"]
    assert "Accept" in content["body"][0]["text"]


# -- the app package ----------------------------------------------------------------------------


def _png(data: bytes) -> tuple[int, int, list[tuple[int, int, int, int]]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert (depth, colour) == (8, 6)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = 1 + 4 * width
    pixels = [
        tuple(raw[y * stride + 1 + 4 * x : y * stride + 5 + 4 * x])
        for y in range(height)
        for x in range(width)
    ]
    return width, height, pixels  # type: ignore[return-value]


def test_the_teams_package_is_valid(tmp_path: Path) -> None:
    out = build_manifest_zip(APP_ID, tmp_path / "mentorbot-teams.zip")
    with zipfile.ZipFile(out) as package:
        assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(package.read("manifest.json"))
        color = _png(package.read("color.png"))
        outline = _png(package.read("outline.png"))
    assert manifest["manifestVersion"] == "1.22"
    assert manifest["$schema"].endswith("/v1.22/MicrosoftTeams.schema.json")
    assert manifest["id"] == APP_ID
    [bot] = manifest["bots"]
    assert bot["botId"] == APP_ID
    assert bot["scopes"] == ["personal", "team"]
    assert len(manifest["name"]["short"]) <= 30
    assert len(manifest["description"]["short"]) <= 80
    assert len(manifest["description"]["full"]) <= 4000
    assert "{{" not in json.dumps(manifest)
    assert color[:2] == (192, 192)
    assert all(p[3] == 255 for p in color[2])  # the colour icon is opaque
    assert outline[:2] == (32, 32)
    alphas = {p[3] for p in outline[2]}
    assert alphas == {0, 255}  # transparent background, white mark
    assert {p[:3] for p in outline[2] if p[3]} == {(255, 255, 255)}
    # Every command in the list is something the bot understands.
    [commands] = bot["commandLists"]
    for command in commands["commands"]:
        assert recognise(command["title"], None).name is not IntentName.UNKNOWN, command
        assert len(command["description"]) <= 128


def test_the_package_needs_a_real_app_id(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="GUID"):
        build_manifest_zip("not-an-id", tmp_path / "x.zip")
