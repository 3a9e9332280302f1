"""One message, shown natively everywhere: emphasis, lists and line breaks from the message
model's markup (``conversations/markup.py``) as Slack mrkdwn, Adaptive Card text and plain
console text; no platform shows a marker or a backslash; long choice lists stay usable."""

from __future__ import annotations

import random

from sqlalchemy import Engine

from bot.channels import console
from bot.channels.slack import blocks as slack
from bot.channels.teams import cards as teams
from bot.channels.webhook import message_text
from conversations import markup
from conversations.clock import Clock
from conversations.messages import Choice, Incoming, Part, Question, Text, preview
from tests import card_rules
from tests.fakes.bot_connector import Call
from tests.transcript import Chat

SUMMARY = (
    "Here's your meeting:\n*When:* Thu 12 Mar, 15:00\n*Where:* Room 4\n\n"
    "Actions:\n• Book the room\n- Send the notes\n2. Read the paper\n\nShall I save it?"
)
TYPED = "I was *really* tired_out, see C:\\temp\\notes and [this](http://x)\n- not a list"


def _card(parts: list[Part]) -> dict[str, object]:
    [activity] = teams.render_activities(parts, preview(parts))
    return dict(activity)


def _teams_texts(parts: list[Part]) -> list[str]:
    return Call("POST", "/v3/conversations/a/activities", _card(parts), "").texts()


def _body(parts: list[Part]) -> list[dict[str, object]]:
    content = _card(parts)["attachments"][0]["content"]  # type: ignore[index]
    return list(content["body"])


def test_a_summary_has_real_bold_real_line_breaks_and_lists_everywhere() -> None:
    parts: list[Part] = [Text(SUMMARY)]
    body = _body(parts)
    assert [(e["type"], e.get("text"), e.get("spacing")) for e in body] == [
        ("TextBlock", "Here's your meeting:", None),
        ("TextBlock", "**When:** Thu 12 Mar, 15:00", "None"),
        ("TextBlock", "**Where:** Room 4", "None"),
        ("TextBlock", "Actions:", "Medium"),
        ("TextBlock", "• Book the room", "None"),
        ("TextBlock", "• Send the notes", "None"),
        ("RichTextBlock", None, "None"),  # "2." in markdown would be renumbered as a list
        ("TextBlock", "Shall I save it?", "Medium"),
    ]
    assert card_rules.teams_problems(_card(parts)["attachments"][0]["content"]) == []  # type: ignore[index]
    [section] = slack.render_messages(parts)[0]
    assert section["text"]["text"] == (
        "Here's your meeting:\n*When:* Thu 12 Mar, 15:00\n*Where:* Room 4\n\n"
        "Actions:\n• Book the room\n• Send the notes\n2. Read the paper\n\nShall I save it?"
    )
    plain = console.render(parts)
    assert plain == (
        "Here's your meeting:\nWhen: Thu 12 Mar, 15:00\nWhere: Room 4\n\n"
        "Actions:\n• Book the room\n• Send the notes\n2. Read the paper\n\nShall I save it?"
    )
    assert _teams_texts(parts) == [plain]
    assert "*" not in message_text(parts, preview(parts))
    assert preview([Text("*Your week:* two meetings\nmore")]) == "Your week: two meetings"


def test_a_persons_own_words_come_back_exactly_and_are_never_markup() -> None:
    parts: list[Part] = [Text(f"*You wrote:*\n{markup.literal(TYPED)}", private=True)]
    body = _body(parts)
    assert body[0] == {"type": "TextBlock", "text": "**You wrote:**", "wrap": True}
    runs = [[r["text"] for r in e["inlines"]] for e in body[1:]]  # type: ignore[attr-defined]
    assert runs == [[TYPED.split("\n")[0]], [TYPED.split("\n")[1]]]
    assert _teams_texts(parts) == [f"You wrote:\n{TYPED}"]
    mrkdwn = slack.render_messages(parts)[0][0]["text"]["text"]
    # a zero-width space beside each "*" keeps Slack from hiding them as bold
    assert mrkdwn.replace("\u200b", "") == f"*You wrote:*\n{TYPED}"
    assert "\\*" not in mrkdwn
    assert "*really*" not in mrkdwn
    assert console.render(parts) == f"You wrote:\n{TYPED}"


def test_literal_text_always_reads_back_as_typed() -> None:
    rng = random.Random(14)
    alphabet = "ab 1*_`~\\-•.)#>[]()\n"
    for _ in range(3000):
        typed = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        lines = [line for line in typed.split("\n") if line.strip()]
        assert [line.words for line in markup.parse(markup.literal(typed))] == lines
        assert all(line.kind is markup.Kind.LINE for line in markup.parse(markup.literal(typed)))


def test_the_menu_shows_at_most_six_actions_and_every_choice_can_still_be_picked(
    demo: Engine, clock: Clock
) -> None:
    mentee = Chat(demo, clock, "mentee@example.org")
    [menu] = mentee.bot.handle(Incoming(person_id=mentee.person_id, text="menu")).parts
    assert isinstance(menu, Question)
    assert len(menu.choices) > teams.MAX_ACTIONS
    content = _card([menu])["attachments"][0]["content"]  # type: ignore[index]
    [action_set] = [e for e in content["body"] if e["type"] == "ActionSet"]
    assert len(action_set["actions"]) == teams.MAX_ACTIONS
    assert action_set["actions"][-1]["type"] == "Action.ShowCard"
    assert card_rules.teams_problems(content) == []
    call = Call("POST", "/v3/conversations/a/activities", _card([menu]), "")
    reached = [teams.submission(b["data"]) for b in call.buttons()]
    assert reached == [(c.action, {}, c.label) for c in menu.choices]
    assert len(slack.render_messages([menu])[0]) == 2  # the question and one row of buttons


def test_a_long_choice_list_is_a_drop_down_on_both_platforms() -> None:
    choices = tuple(Choice(f"Mentor {n}", "apply:mentor", f"m{n}") for n in range(30))
    question = Question("Who would you like as your mentor?", choices)
    content = _card([question])["attachments"][0]["content"]  # type: ignore[index]
    assert card_rules.teams_problems(content) == []
    [action_set] = [e for e in content["body"] if e["type"] == "ActionSet"]
    more = action_set["actions"][-1]
    assert more["title"] == "More (25)"
    [drop_down] = more["card"]["body"]
    picked = {"action": teams.PICK_ACTION, "pick": drop_down["id"]}
    picked[drop_down["id"]] = drop_down["choices"][-1]["value"]
    assert teams.submission(picked) == ("apply:mentor", {"value": "m29"}, "Mentor 29")

    [message] = slack.render_messages([question])
    assert card_rules.slack_problems(message) == []
    [select] = message[1]["elements"]
    assert select["type"] == "static_select"
    assert len(select["options"]) == 30
    action = {"type": "static_select", "selected_option": select["options"][7]}
    assert slack.picked(action) == ("apply:mentor", "m7", "Mentor 7")

    shown = console.render([question])
    assert "  30. Mentor 29" in shown


def test_the_card_rules_catch_what_teams_would_show_wrongly() -> None:
    bad = {
        "type": "AdaptiveCard",
        "body": [
            {"type": "TextBlock", "text": "\\*Date:\\* Thu"},
            {"type": "TextBlock", "text": "*Where:* Room 4\nnext line"},
            {
                "type": "ActionSet",
                "actions": [{"type": "Action.Submit", "title": str(n)} for n in range(8)],
            },
        ],
    }
    found = card_rules.teams_problems(bad)
    assert any("backslash" in p for p in found)
    assert any("literal emphasis marker" in p for p in found)
    assert any("line break" in p for p in found)
    assert any("8 actions" in p for p in found)
    too_many = [{"type": "section", "text": {"type": "mrkdwn", "text": "x"}}] * 51
    assert card_rules.slack_problems(too_many) == ["51 blocks where Slack takes 50"]


def test_a_diary_entry_with_asterisks_reads_back_as_typed_on_every_platform(
    demo: Engine, clock: Clock
) -> None:
    typed = "I was *really* tired_out after the 2*3 rota"
    mentee = Chat(demo, clock, "mentee@example.org")
    assert "Saved to your diary" in mentee.said(f"diary: {typed}")
    parts = list(mentee.bot.handle(Incoming(person_id=mentee.person_id, text="my diary")).parts)
    assert typed in console.render(parts)
    assert any(typed in text for text in _teams_texts(parts))
    mrkdwn = "\n".join(
        b["text"]["text"] for m in slack.render_messages(parts) for b in m if "text" in b
    )
    assert typed in mrkdwn.replace("\u200b", "")
