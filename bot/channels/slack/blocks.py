"""Neutral parts to Block Kit, and Slack text back to plain text. No Slack SDK import here.

- :func:`render_messages`: parts -> one or more messages (lists of blocks), each within Slack's
  limits (section text 3,000 characters, 50 blocks, about 12,000 characters per message). Long
  text is split at paragraph, line or word boundaries, never cut.
- :func:`mrkdwn`: the model's text (``conversations/markup.py``) as mrkdwn.
- :func:`escape`: user text for mrkdwn (``&``, ``<``, ``>`` and nothing else); every text we
  render goes through it, so no user text can ping ``@channel`` or a person or make a link.
- :func:`modal`: a :class:`~conversations.messages.Form` as a ``views.open`` modal, and
  :func:`form_values` the submitted state back as the form's values.
- :func:`plain_text`: an incoming message's Slack markup (``<@U1>``, ``<url|label>``,
  entities) as the plain words the engine reads.

Buttons: a :class:`~conversations.messages.Choice` becomes a button whose ``action_id`` is the
choice's action plus ``|n`` (Slack wants action ids unique within a message) and whose ``value``
is the choice's value; :func:`action_of` strips the suffix again. A question with more than
:data:`BUTTONS_SHOWN` choices shows a drop-down instead (``static_select``, each option's value
the choice's action and value): :func:`picked` reads a pick like a button press.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from bot.channels.rendered import SLACK_BLOCKS, SLACK_VIEW, rendered
from conversations import markup
from conversations.messages import (
    Attachment,
    Choice,
    FieldKind,
    Form,
    FormField,
    Part,
    Question,
    Text,
    part_from_json,
    part_to_json,
)

SECTION_CHARS = 3000
MESSAGE_BLOCKS = 50
MESSAGE_CHARS = 12_000  # Slack refused a message at about 13,200 characters in all
BUTTON_TEXT = 75
ACTION_ID_CHARS = 255
BUTTON_VALUE_CHARS = 2000
BUTTONS_PER_BLOCK = 25
MODAL_BLOCKS = 100
MODAL_TITLE = 24
PRIVATE_METADATA = 3000
SELECT_OPTIONS = 100
OPTION_VALUE_CHARS = 150
BUTTONS_SHOWN = 10  # a question with more choices shows a drop-down
PICK_ACTION = "mentorbot:pick"

FORM_CALLBACK = "mentorbot_form"
OPEN_FORM_ACTION = "mentorbot:open_form"
_ENTITY = re.compile(r"&(?:amp|lt|gt);")

Block = dict[str, Any]


class RenderError(ValueError):
    """A part that cannot be shown within Slack's limits (never dropped silently)."""


def escape(text: str) -> str:
    """Slack's three control characters as entities; the rest of mrkdwn is harmless."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _guard(text: str) -> str:
    """Plain words with a pair of ``*``, ``_``, ``~`` or a backtick in them (a person's own
    "*really*", a file_name_like_this): a zero-width space beside each, so Slack does not turn
    them into formatting and hide them (mrkdwn has no escape character)."""
    for marker in "*_~`":
        if text.count(marker) >= 2:
            text = text.replace(marker, f"\u200b{marker}\u200b")
    return text


def _span(span: markup.Span) -> str:
    words = escape(span.text)
    if span.style is markup.Style.BOLD:
        return f"*{words}*"
    if span.style is markup.Style.ITALIC:
        return f"_{words}_"
    if span.style is markup.Style.CODE:
        return f"`{words}`"
    return _guard(words)


def mrkdwn(text: str) -> str:
    """The model's text (``conversations/markup.py``) as Slack mrkdwn: bold, italic and code
    as Slack writes them, bullets as "•", every other character shown as it is."""
    out: list[str] = []
    for line in markup.parse(text):
        lead = {markup.Kind.BULLET: "• ", markup.Kind.NUMBERED: f"{line.number} "}.get(
            line.kind, ""
        )
        if line.gap:
            out.append("")
        out.append(lead + "".join(_span(s) for s in line.spans))
    return "\n".join(out) or " "


def split_text(text: str, limit: int = SECTION_CHARS) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, split at the last paragraph, line or
    space boundary that fits (a hard split only inside one very long word, and never inside an
    ``&amp;``-style entity). Joining the pieces gives back every character."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = -1
        for sep in ("\n\n", "\n", " "):
            at = window.rfind(sep)
            if at > 0:
                cut = at + len(sep)
                break
        if cut <= 0:
            cut = limit
            for match in _ENTITY.finditer(rest, max(0, limit - 5), limit + 5):
                if match.start() < cut < match.end():
                    cut = match.start()
        pieces.append(rest[:cut])
        rest = rest[cut:]
    pieces.append(rest)
    return [p for p in pieces if p.strip()] or [text]


def _sections(mrkdwn: str) -> list[Block]:
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": piece}}
        for piece in split_text(mrkdwn)
    ]


def _plain(text: str, limit: int) -> dict[str, Any]:
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return {"type": "plain_text", "text": text or " ", "emoji": True}


def button(label: str, action: str, n: int, value: str = "") -> Block:
    action_id = f"{action}|{n}"
    if len(action_id) > ACTION_ID_CHARS:
        raise RenderError(f"button action id over {ACTION_ID_CHARS} characters: {action!r}")
    if len(value) > BUTTON_VALUE_CHARS:
        raise RenderError(f"button value over {BUTTON_VALUE_CHARS} characters")
    element: Block = {"type": "button", "text": _plain(label, BUTTON_TEXT), "action_id": action_id}
    if value:
        element["value"] = value
    return element


def action_of(action_id: str) -> str:
    """Our action id without the ``|n`` that made it unique in its message."""
    return action_id.rsplit("|", 1)[0] if "|" in action_id else action_id


def _option_value(choice: Choice) -> str:
    value = json.dumps([choice.action, choice.value], separators=(",", ":"))
    if len(value) > OPTION_VALUE_CHARS:
        raise RenderError(f"a choice too long for a drop-down option: {choice.action!r}")
    return value


def _picks(choices: tuple[Choice, ...], block_prefix: str) -> list[Block]:
    """Many choices as drop-downs (static_select, up to 100 options each), one per block."""
    return [
        {
            "type": "actions",
            "block_id": f"{block_prefix}.{k}",
            "elements": [
                {
                    "type": "static_select",
                    "action_id": f"{PICK_ACTION}|{block_prefix}.{k}",
                    "placeholder": _plain("Choose one", BUTTON_TEXT),
                    "options": [
                        {"text": _plain(c.label, BUTTON_TEXT), "value": _option_value(c)}
                        for c in choices[start : start + SELECT_OPTIONS]
                    ],
                }
            ],
        }
        for k, start in enumerate(range(0, len(choices), SELECT_OPTIONS))
    ]


def picked(action: dict[str, Any]) -> tuple[str, str, str] | None:
    """A drop-down pick (a ``static_select`` block action) as (action, value, label), as if
    its choice's button had been pressed; None when it is not one of ours."""
    option = action.get("selected_option") or {}
    try:
        chosen = json.loads(str(option.get("value", "")))
    except ValueError:
        return None
    if not (
        isinstance(chosen, list) and len(chosen) == 2 and all(isinstance(x, str) for x in chosen)
    ):
        return None
    return chosen[0], chosen[1], str((option.get("text") or {}).get("text", ""))


def choice_buttons(choices: tuple[Choice, ...], block_prefix: str) -> list[Block]:
    """A question's choices: buttons while there are few (Slack wraps them in rows), a
    drop-down when there are more than :data:`BUTTONS_SHOWN`, so a long list stays readable."""
    if len(choices) > BUTTONS_SHOWN:
        return _picks(choices, block_prefix)
    buttons = [button(c.label, c.action, n, c.value) for n, c in enumerate(choices)]
    return [
        {
            "type": "actions",
            "block_id": f"{block_prefix}.{k}",
            "elements": buttons[start : start + BUTTONS_PER_BLOCK],
        }
        for k, start in enumerate(range(0, len(buttons), BUTTONS_PER_BLOCK))
    ]


def blocks_for(parts: list[Part]) -> list[Block]:
    """Every part as blocks, in order. An unknown part type raises."""
    blocks: list[Block] = []
    for n, part in enumerate(parts):
        if isinstance(part, Text):
            blocks += _sections(mrkdwn(part.text))
        elif isinstance(part, Question):
            blocks += _sections(mrkdwn(part.text))
            blocks += choice_buttons(part.choices, f"q{n}")
        elif isinstance(part, Attachment) and part.is_binary:
            # A chart or a workbook is uploaded as a file (sender.post_parts), never as blocks.
            raise RenderError(f"{part.filename} is a file to upload, not blocks to show")
        elif isinstance(part, Attachment):
            # A text block with the file's content (an .ics is short and a person can save it
            # from here; an upload takes three more calls per message).
            blocks += _sections(f"*{escape(part.filename)}*")
            for piece in split_text(escape(part.content.rstrip()), SECTION_CHARS - 8):
                blocks.append(
                    {"type": "section", "text": {"type": "mrkdwn", "text": f"```{piece}```"}}
                )
        elif isinstance(part, Form):
            # Without a trigger_id no modal can open: a button brings one (its click has one).
            value = json.dumps(part_to_json(part), separators=(",", ":"))
            blocks += _sections(f"*{escape(part.title)}*")
            blocks.append(
                {
                    "type": "actions",
                    "block_id": f"f{n}",
                    "elements": [button("Fill in the form", OPEN_FORM_ACTION, 0, value)],
                }
            )
        else:  # pragma: no cover - the union is exhaustive for mypy
            raise RenderError(f"Slack cannot show {type(part).__name__}")
    return blocks


def _size(block: Block) -> int:
    return len(json.dumps(block, ensure_ascii=False))


def render_messages(parts: list[Part]) -> list[list[Block]]:
    """The blocks of ``parts`` grouped into as many messages as Slack's limits need."""
    messages: list[list[Block]] = []
    current: list[Block] = []
    size = 0
    for block in blocks_for(parts):
        block_size = _size(block)
        if current and (len(current) >= MESSAGE_BLOCKS or size + block_size > MESSAGE_CHARS):
            messages.append(current)
            current, size = [], 0
        current.append(block)
        size += block_size
    if current:
        messages.append(current)
    for message in messages:
        rendered(SLACK_BLOCKS, message)
    return messages


def answered(blocks: list[Block], block_id: str, label: str) -> list[Block]:
    """The message's blocks with the pressed actions block replaced by what was chosen, so the
    buttons cannot be pressed again."""
    prefix = block_id.split(".")[0]
    out: list[Block] = []
    done = False
    for block in blocks:
        if (
            block.get("type") == "actions"
            and str(block.get("block_id", "")).split(".")[0] == prefix
        ):
            if not done:
                out.append(
                    {
                        "type": "context",
                        "elements": [{"type": "mrkdwn", "text": f"✓ {escape(label)}"}],
                    }
                )
                done = True
            continue
        out.append(block)
    rendered(SLACK_BLOCKS, out)
    return out


# -- forms as modals ------------------------------------------------------------------------


def _element(field: FormField) -> Block:
    if field.kind is FieldKind.CHOICE:
        if not field.choices or len(field.choices) > SELECT_OPTIONS:
            raise RenderError(f"field {field.name!r} needs 1 to {SELECT_OPTIONS} choices")
        return {
            "type": "static_select",
            "action_id": "v",
            "options": [
                {"text": _plain(c.label, BUTTON_TEXT), "value": (c.value or c.label)[:150]}
                for c in field.choices
            ],
        }
    if field.kind is FieldKind.DATE:
        return {"type": "datepicker", "action_id": "v"}
    if field.kind is FieldKind.DATETIME:
        return {"type": "datetimepicker", "action_id": "v"}
    if field.kind is FieldKind.NUMBER:
        return {"type": "number_input", "action_id": "v", "is_decimal_allowed": False}
    element: Block = {
        "type": "plain_text_input",
        "action_id": "v",
        "multiline": field.kind is FieldKind.LONG_TEXT,
    }
    if field.max_length is not None:
        element["max_length"] = field.max_length
    return element


def modal(form: Form, channel: str) -> Block:
    """The ``views.open`` view of ``form``; replies to its submission go to ``channel``."""
    if len(form.fields) > MODAL_BLOCKS:
        raise RenderError(f"a modal holds at most {MODAL_BLOCKS} fields")
    metadata = json.dumps({"form": part_to_json(form), "channel": channel}, separators=(",", ":"))
    if len(metadata) > PRIVATE_METADATA:
        metadata = json.dumps(
            {
                "form": {**part_to_json(form), "fields": []},
                "kinds": {f.name: f.kind.value for f in form.fields},
                "channel": channel,
            },
            separators=(",", ":"),
        )
        if len(metadata) > PRIVATE_METADATA:
            raise RenderError("the form is too large for a modal's private_metadata")
    view = {
        "type": "modal",
        "callback_id": FORM_CALLBACK,
        "title": _plain(form.title, MODAL_TITLE),
        "submit": _plain("Submit", 24),
        "close": _plain("Cancel", 24),
        "private_metadata": metadata,
        "blocks": [
            {
                "type": "input",
                "block_id": field.name,
                "optional": not field.required,
                "label": _plain(field.label, 2000),
                "element": _element(field),
            }
            for field in form.fields
        ],
    }
    rendered(SLACK_VIEW, view)
    return view


def form_from_button(value: str) -> Form:
    part = part_from_json(json.loads(value))
    if not isinstance(part, Form):
        raise RenderError("the button does not carry a form")
    return part


def form_values(view: dict[str, Any]) -> tuple[str, str, dict[str, str]]:
    """(submit action, reply channel, values by field name) of a submitted modal."""
    meta = json.loads(view.get("private_metadata") or "{}")
    action = str(meta["form"]["submit_action"])
    values: dict[str, str] = {}
    for name, inputs in view.get("state", {}).get("values", {}).items():
        state = inputs.get("v", {})
        kind = state.get("type")
        if kind == "static_select":
            option = state.get("selected_option") or {}
            values[name] = str(option.get("value", ""))
        elif kind == "datepicker":
            values[name] = str(state.get("selected_date") or "")
        elif kind == "datetimepicker":
            stamp = state.get("selected_date_time")
            values[name] = datetime.fromtimestamp(int(stamp), UTC).isoformat() if stamp else ""
        else:
            values[name] = str(state.get("value") or "")
    return action, str(meta.get("channel", "")), values


# -- inbound text ---------------------------------------------------------------------------

_MARKUP = re.compile(r"<([^<>]*)>")


def plain_text(text: str, bot_user_id: str | None = None) -> str:
    """Slack message markup as plain words: the bot's own mention removed, other mentions and
    links as their labels, entities decoded."""

    def replace(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if bot_user_id and target == f"@{bot_user_id}":
            return ""
        if target.startswith(("@", "#")):
            return f"{target[0]}{label}" if label else target
        if target.startswith("!"):
            return f"@{label or target[1:].split('^')[0]}"
        return label or target

    words = _MARKUP.sub(replace, text)
    words = words.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(words.split()) if "\n" not in words else words.strip()
