"""Block Kit rendering (limits, escaping, buttons) and the Slack manifest against the code."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

from bot.channels.slack import blocks as bk
from conversations.messages import Attachment, Choice, Form, FormField, Part, Question, Text

ROOT = Path(__file__).parent.parent
# What Slack would turn into a ping or a link: <!channel>, <!here>, <@U1>, <#C1>, <http://...>.
CONTROL = re.compile(r"<[!@#]|<(?:https?|mailto|tel|slack):", re.IGNORECASE)
FRAGMENTS = [
    "<!channel>", "<!here>", "<!everyone>", "<@U0MENTOR>", "<#C0LEAD|lead>",
    "<http://evil.example|click here>", "<https://evil.example>", "<mailto:a@b.c>",
    "&lt;!channel&gt;", "&amp;lt;", "<", ">", "&", "*bold*", "`code`", "```", "\n", "\n\n",
    " ", "é", "👍", "x" * 40, "word ", "&lt", "<<!here>>", "<\n!channel>",
]  # fmt: skip


def _strings(count: int = 400, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    out = list(FRAGMENTS)
    for _ in range(count):
        out.append("".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(1, 12))))
    out.append("<!channel> " * 800)  # long enough to be split
    return out


def _texts(value: Any) -> list[str]:
    """Every mrkdwn string (Slack parses those; plain_text and button values it never does)."""
    if isinstance(value, dict):
        found = [value["text"]] if value.get("type") == "mrkdwn" else []
        return found + [t for v in value.values() for t in _texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return []


def test_no_user_text_can_ping_or_link_in_any_payload() -> None:
    for text in _strings():
        parts: list[Part] = [
            Text(text),
            Text(text, private=True),
            Question(text, (Choice(text[:200] or "x", "go:menu", text[:500]),)),
            Attachment("invite.ics", "text/calendar", text),
        ]
        payload = {
            "type": "mrkdwn",  # the top-level text (the push preview) is mrkdwn too
            "text": bk.escape(text),
            "messages": bk.render_messages(parts),
            "answered": bk.answered(bk.blocks_for(parts), "q2.0", text),
        }
        for rendered in _texts(payload):
            assert not CONTROL.search(rendered), (text, rendered)


def test_long_text_is_split_never_cut_and_within_limits() -> None:
    for text in _strings(100, seed=7):
        escaped = bk.escape(text)
        pieces = bk.split_text(escaped)
        assert "".join(pieces) == escaped or not escaped.strip()
        assert all(len(p) <= bk.SECTION_CHARS for p in pieces)
    long = "\n".join(f"line {n}: " + "word " * 30 for n in range(2000))
    messages = bk.render_messages([Text(long)])
    assert len(messages) > 1
    joined = "".join(b["text"]["text"] for m in messages for b in m)
    assert joined == long
    for message in messages:
        assert len(message) <= bk.MESSAGE_BLOCKS
        assert len(json.dumps(message, ensure_ascii=False)) <= bk.MESSAGE_CHARS + 3100


def test_buttons_carry_the_action_with_a_unique_suffix_and_the_value() -> None:
    # Up to BUTTONS_SHOWN choices are buttons; this test had 30 buttons in two blocks, which
    # are now a drop-down (below), so the button checks run on 10.
    question = Question(
        "Pick",
        tuple(Choice(f"Option {n} " + "long " * 20, "dialog:x:pick", str(n)) for n in range(10)),
    )
    [message] = bk.render_messages([question])
    buttons = [e for b in message if b["type"] == "actions" for e in b["elements"]]
    assert len(buttons) == 10
    assert len({b["action_id"] for b in buttons}) == 10
    assert {bk.action_of(b["action_id"]) for b in buttons} == {"dialog:x:pick"}
    assert [b["value"] for b in buttons] == [str(n) for n in range(10)]
    assert all(len(b["text"]["text"]) <= bk.BUTTON_TEXT for b in buttons)
    assert all(len(b["elements"]) <= bk.BUTTONS_PER_BLOCK for b in message if "elements" in b)


def test_many_choices_are_a_drop_down_whose_picks_carry_the_action_and_value() -> None:
    question = Question(
        "Pick",
        tuple(Choice(f"Option {n} " + "long " * 20, "dialog:x:pick", str(n)) for n in range(130)),
    )
    messages = bk.render_messages([question])  # 130 long labels take two messages
    selects = [e for m in messages for b in m if b["type"] == "actions" for e in b["elements"]]
    assert [s["type"] for s in selects] == ["static_select", "static_select"]
    assert [len(s["options"]) for s in selects] == [bk.SELECT_OPTIONS, 30]
    assert len({s["action_id"] for s in selects}) == 2
    options = [o for s in selects for o in s["options"]]
    assert all(len(o["text"]["text"]) <= bk.BUTTON_TEXT for o in options)
    picks = [bk.picked({"type": "static_select", "selected_option": o}) for o in options]
    assert [(p[0], p[1]) for p in picks if p] == [("dialog:x:pick", str(n)) for n in range(130)]


def test_a_form_without_a_trigger_is_a_button_that_opens_the_modal() -> None:
    form = Form("Minutes", (FormField("discussion", "What did you discuss?"),), "dialog:m:save")
    [message] = bk.render_messages([form])
    [button] = message[-1]["elements"]
    assert bk.action_of(button["action_id"]) == bk.OPEN_FORM_ACTION
    assert bk.form_from_button(button["value"]) == form


def test_incoming_markup_becomes_plain_words() -> None:
    assert bk.plain_text("<@UBOT> book &lt;soon&gt; &amp; <https://x.org|the page>", "UBOT") == (
        "book <soon> & the page"
    )


def test_the_manifest_matches_what_the_code_registers() -> None:
    from bot.channels.slack.listeners import COMMAND, SHORTCUT

    manifest = json.loads((ROOT / "manifest" / "slack.yaml").read_text(encoding="utf-8"))
    source = "\n".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "bot" / "channels" / "slack").glob("*.py")
    )
    registered_events = set(re.findall(r'wiring\.event\(app, "([a-z_.]+)"', source))
    # A "message" listener serves direct messages only (it ignores other channel types).
    events = {"message.im" if e == "message" else e for e in registered_events}
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == events
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == [COMMAND]
    assert [s["callback_id"] for s in manifest["features"]["shortcuts"]] == [SHORTCUT]

    methods = set(re.findall(r"client\.([a-z]+_[A-Za-z]+)\(", source))
    method_scopes = {
        "auth_test": set(),  # our workspace and bot ids (gate.py); no scope needed
        "chat_postMessage": {"chat:write"},
        "chat_update": {"chat:write"},
        "chat_delete": {"chat:write"},  # the bot's own posts, on erasure
        "conversations_open": {"im:write"},
        # The name of a channel chosen for lead alerts, public or private.
        "conversations_info": {"channels:read", "groups:read"},
        "files_getUploadURLExternal": {"files:write"},
        "files_completeUploadExternal": {"files:write"},
        "users_info": {"users:read", "users:read.email"},
        # People in the scheme who never wrote, linked by email (bot/reach.py).
        "users_lookupByEmail": {"users:read", "users:read.email"},
        "views_open": set(),
        "views_publish": set(),
    }
    assert methods <= set(method_scopes), methods - set(method_scopes)
    event_scopes = {"message.im": {"im:history"}, "app_mention": {"app_mentions:read"}}
    needed = {"commands"} | {s for m in methods for s in method_scopes[m]}
    needed |= {s for e in events for s in event_scopes.get(e, set())}
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == needed
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    urls = {
        manifest["settings"]["event_subscriptions"]["request_url"],
        manifest["settings"]["interactivity"]["request_url"],
        *(c["url"] for c in manifest["features"]["slash_commands"]),
    }
    assert {u.rsplit("/", 2)[-2] + "/" + u.rsplit("/", 1)[-1] for u in urls} == {"slack/events"}
