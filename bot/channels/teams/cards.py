"""Neutral message parts as Teams activities with Adaptive Cards (plain JSON, no SDK).

- :func:`render_activities`: the parts of one message as camelCase Bot Framework activities,
  each with one Adaptive Card (version 1.5, with fallback text) and under Teams' 28 KB limit
  (a long message becomes several activities; a part too long for one is shortened, saying so).
- :func:`submitted_card`: what a card becomes once it was submitted (no buttons left to press).
- :func:`submission`: an Action.Submit's ``value`` as ``(action, values)`` for ``Incoming``.
- :func:`text_elements`: the model's text (``conversations/markup.py``) as one element per line,
  so every line break shows: a TextBlock with real ``**bold**`` when the line's words are safe
  in markdown, else a RichTextBlock of TextRuns (never read as markdown), so user text cannot
  make links, headings or lists and no marker or escaping backslash is ever shown.
- :func:`choice_actions`: at most 6 actions per action set (Teams shows no more): a question
  with more choices shows the first 5 as buttons and the rest in a *More* show-card.

Files. A PNG, JPEG or GIF goes inline: an attachment with its image type and the bytes in a
``data:`` URI as ``contentUrl`` (Teams shows it in personal chats and channels alike, with no
upload and no Graph permission). Teams refuses a bot message over about 100 KB and asks for 80 KB
at most, so an activity carrying an image stays within ``MAX_IMAGE_ACTIVITY_BYTES`` (base64
included): the image rides with the message's last card when both fit, else it goes alone, and
an image too big even alone becomes a note in the card saying so and how to get it. Any other
file (an XLSX or CSV workbook) becomes such a note too: a bot can send a document in Teams only
through the user's OneDrive (the file-consent card, personal chats only), which would mean
holding the bytes until the person clicks Allow; we do not do that (README, Teams).

The notification ``summary`` is always the neutral ``preview`` (never diary, minutes or concern
content); a card's ``fallbackText`` is :data:`FALLBACK_TEXT`, a neutral line that only says there
is a message (it can surface outside the chat, so it never carries the message's text).
"""

from __future__ import annotations

import json
import re
from typing import Any

from bot.channels.console import file_size, safe_filename
from bot.channels.rendered import TEAMS_CARD, rendered
from bot.channels.teams import calendar
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
)

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
CARD_VERSION = "1.5"
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
# Teams refuses a message over about 28 KB; stay well under it (the envelope adds some).
MAX_ACTIVITY_BYTES = 26_000
# What a client that cannot show the card shows instead (and what may surface in notifications
# and feeds): never the message itself, which may be a diary entry, minutes, a concern or answers.
FALLBACK_TEXT = (
    "You have a message from mentorbot. If you can't see it, open Teams on the web or update "
    "the Teams app to read it."
)
_LABEL_KEY = "label"
# Teams shows at most 6 actions in an action set; more are cut off without a word.
MAX_ACTIONS = 6
PICK_ACTION = "mentorbot:pick"
_PICK_KEY = "pick"
_PICK_INPUT = "mentorbot_pick"
# Characters TextBlock markdown may read as markup (a line holding one goes as a RichTextBlock).
_UNSAFE = re.compile(r"[\\`*_~]|\]\(|^\s*#+\s|^\s*>")
_LIST_START = re.compile(r"^\s*([>+\-*#]|\d+[.)])(\s|$)")
_SHORTENED = "\n\n(This message was shortened: it was too long for Teams.)"
# An activity with an inline image, base64 and all: Microsoft asks for 80 KB at most.
MAX_IMAGE_ACTIVITY_BYTES = 80_000
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif"})
_REPORT_FORMATS = frozenset({"csv", "xlsx", "png", "md"})


def _markdown(line: markup.Line) -> str | None:
    """The line as TextBlock markdown (bold as ``**x**``, italic as ``_x_``), or None when its
    words hold characters Teams' markdown would misread: a backslash escape is shown as typed
    on Teams mobile, so such a line goes as a RichTextBlock, whose runs are never markdown."""
    out: list[str] = []
    for n, span in enumerate(line.spans):
        if _UNSAFE.search(span.text) or span.style is markup.Style.CODE:
            return None
        if span.style is markup.Style.BOLD:
            out.append(f"**{span.text}**")
        elif span.style is markup.Style.ITALIC:
            before = line.spans[n - 1].text[-1:] if n else ""
            after = line.spans[n + 1].text[:1] if n + 1 < len(line.spans) else ""
            if (before + after).strip() and re.search(r"\w", before + after):
                return None  # "_x_" touching a word is not emphasis
            out.append(f"_{span.text}_")
        else:
            out.append(span.text)
    text = "".join(out).lstrip()  # an indent of 4 would make a code block
    if line.kind is markup.Kind.BULLET:
        return f"• {text}"
    if line.kind is markup.Kind.NUMBERED or _LIST_START.match(text):
        return None  # "3. " would become a list Teams renumbers
    return text


def _run(text: str, style: markup.Style, extra: dict[str, Any]) -> dict[str, Any]:
    run: dict[str, Any] = {"type": "TextRun", "text": text, **extra}
    if style is markup.Style.BOLD:
        run["weight"] = "Bolder"
    elif style is markup.Style.ITALIC:
        run["italic"] = True
    elif style is markup.Style.CODE:
        run["fontType"] = "Monospace"
    return run


def _rich(line: markup.Line, extra: dict[str, Any]) -> dict[str, Any]:
    lead = {markup.Kind.BULLET: "• ", markup.Kind.NUMBERED: f"{line.number} "}.get(line.kind, "")
    runs = [_run(lead, markup.Style.PLAIN, extra)] if lead else []
    runs += [_run(s.text, s.style, extra) for s in line.spans]
    return {"type": "RichTextBlock", "inlines": runs}


def text_elements(text: str, **extra: Any) -> list[dict[str, Any]]:
    """The model's text (see :mod:`conversations.markup`) as card elements, one per line, so
    every line break shows: a line of a paragraph follows the one before with no spacing, a new
    paragraph with some. A line is a TextBlock with real markdown bold when its words are safe
    in markdown, else a RichTextBlock of TextRuns (bold as ``weight``); no marker and no
    backslash is ever shown. ``extra`` (weight, size, isSubtle, fontType) applies to each."""
    elements: list[dict[str, Any]] = []
    for line in markup.parse(text) or [markup.Line((markup.Span(" "),))]:
        shown = _markdown(line)
        element = (
            {"type": "TextBlock", "text": shown, "wrap": True, **extra}
            if shown is not None
            else _rich(line, extra)
        )
        if elements:
            element["spacing"] = "Medium" if line.gap else "None"
        elements.append(element)
    return elements


def literal_elements(text: str, **extra: Any) -> list[dict[str, Any]]:
    """Text shown exactly as it is (a text file's content, an .ics invite): one
    RichTextBlock per line, never read as markdown."""
    lines = text.split("\n") or [""]
    elements: list[dict[str, Any]] = []
    for line in lines:
        element: dict[str, Any] = {
            "type": "RichTextBlock",
            "inlines": [{"type": "TextRun", "text": line or " ", **extra}],
        }
        if elements:
            element["spacing"] = "None"
        elements.append(element)
    return elements


def _submit(title: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Action.Submit", "title": title, "data": data}


def _choice_data(choice: Choice) -> dict[str, Any]:
    return {"action": choice.action, "value": choice.value, _LABEL_KEY: choice.label}


def choice_actions(choices: tuple[Choice, ...], n: int) -> list[dict[str, Any]]:
    """A question's choices as at most :data:`MAX_ACTIONS` actions: all as buttons when they
    fit, else the first ones as buttons and the rest in a *More* show-card: a drop-down
    (Input.ChoiceSet) and a *Choose* button. Each choice's action, value and label ride in
    the drop-down's value, so :func:`submission` reads the pick like a button press."""
    if len(choices) <= MAX_ACTIONS:
        return [_submit(c.label, _choice_data(c)) for c in choices]
    shown, rest = choices[: MAX_ACTIONS - 1], choices[MAX_ACTIONS - 1 :]
    pick = f"{_PICK_INPUT}{n}"
    more = {
        "type": "Action.ShowCard",
        "title": f"More ({len(rest)})",
        "card": {
            "type": "AdaptiveCard",
            "body": [
                {
                    "type": "Input.ChoiceSet",
                    "id": pick,
                    "label": "Or choose from the rest",
                    "style": "compact",
                    "isRequired": True,
                    "errorMessage": "Choose one first.",
                    "choices": [
                        {
                            "title": c.label,
                            "value": json.dumps(_choice_data(c), separators=(",", ":")),
                        }
                        for c in rest
                    ],
                }
            ],
            "actions": [_submit("Choose", {"action": PICK_ACTION, _PICK_KEY: pick})],
        },
    }
    return [*(_submit(c.label, _choice_data(c)) for c in shown), more]


def _field(field: FormField) -> dict[str, Any]:
    common: dict[str, Any] = {
        "id": field.name,
        "label": field.label,
        "isRequired": field.required,
    }
    if field.required:
        common["errorMessage"] = f"{field.label} is needed."
    if field.kind is FieldKind.CHOICE:
        return {
            "type": "Input.ChoiceSet",
            **common,
            "style": "compact",
            "choices": [{"title": c.label, "value": c.value or c.label} for c in field.choices],
        }
    if field.kind is FieldKind.DATE:
        return {"type": "Input.Date", **common}
    if field.kind is FieldKind.NUMBER:
        return {"type": "Input.Number", **common}
    extra: dict[str, Any] = {}
    if field.kind is FieldKind.LONG_TEXT:
        extra["isMultiline"] = True
    if field.kind is FieldKind.DATETIME:
        extra["placeholder"] = "for example: Tuesday 3pm"
    if field.max_length is not None:
        extra["maxLength"] = field.max_length
    return {"type": "Input.Text", **common, **extra}


def _elements(part: Part, n: int = 0) -> list[dict[str, Any]]:
    """The card body elements of one part. A part type this channel does not know raises."""
    if isinstance(part, Text):
        return text_elements(part.text)
    if isinstance(part, Question):
        return [
            *text_elements(part.text),
            {"type": "ActionSet", "actions": choice_actions(part.choices, n)},
        ]
    if isinstance(part, Form):
        return [
            *text_elements(part.title, weight="Bolder", size="Medium"),
            *(_field(f) for f in part.fields),
            {
                "type": "ActionSet",
                "actions": [_submit("Send", {"action": part.submit_action, _LABEL_KEY: "Send"})],
            },
        ]
    if isinstance(part, Attachment):
        if part.media_type == calendar.CARD_MEDIA:  # an invite, as Add to calendar
            return calendar.card_elements(part)
        if part.is_binary:  # render_activities turns files into images or notes first
            raise TypeError(f"{part.filename} is a file, not card content")
        return [
            *text_elements(markup.literal(f"Attachment: {part.filename}"), weight="Bolder"),
            *literal_elements(part.content.rstrip(), fontType="Monospace", size="Small"),
        ]
    raise TypeError(f"Teams cannot show {type(part).__name__}")  # pragma: no cover


def card(parts: list[Part]) -> dict[str, Any]:
    body = [element for n, part in enumerate(parts) for element in _elements(part, n)]
    return {
        "type": "AdaptiveCard",
        "$schema": CARD_SCHEMA,
        "version": CARD_VERSION,
        "fallbackText": FALLBACK_TEXT,
        "body": body,
        "msteams": {"width": "Full"},
    }


def _activity(parts: list[Part], preview: str) -> dict[str, Any]:
    return {
        "type": "message",
        "summary": preview,
        "attachments": [{"contentType": CARD_CONTENT_TYPE, "content": card(parts)}],
    }


def size_of(activity: dict[str, Any]) -> int:
    return len(json.dumps(activity, ensure_ascii=False).encode("utf-8"))


def _shorten(part: Part, preview: str) -> Part:
    """A single part too big for one activity, cut down until it fits."""
    if isinstance(part, Text | Attachment):
        text = part.text if isinstance(part, Text) else part.content
        keep = len(text)
        while keep > 0:
            keep = keep * 3 // 4
            candidate: Part = (
                Text(text[:keep] + _SHORTENED, private=part.private)
                if isinstance(part, Text)
                else Attachment(part.filename, part.media_type, text[:keep] + _SHORTENED)
            )
            if size_of(_activity([candidate], preview)) <= MAX_ACTIVITY_BYTES:
                return candidate
    raise ValueError(f"a {type(part).__name__} is too large for one Teams message")


def image_attachment(part: Attachment) -> dict[str, Any]:
    """An inline image: its bytes in a data URI, which Teams shows in the conversation."""
    return {
        "contentType": part.media_type,
        "contentUrl": f"data:{part.media_type};base64,{part.content}",
        "name": safe_filename(part.filename),
    }


def _image_alone(part: Attachment, preview: str) -> dict[str, Any]:
    return {"type": "message", "summary": preview, "attachments": [image_attachment(part)]}


def _how_to_get(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    command = f"mentorbot report --format {ext}" if ext in _REPORT_FORMATS else "mentorbot report"
    return f"To get it, run {command} where mentorbot is installed."


def file_note(part: Attachment) -> Text:
    """What a reader is told instead of a file Teams cannot show."""
    name = safe_filename(part.filename)
    size = file_size(len(part.data()))
    if part.media_type in IMAGE_TYPES:
        return Text(f"The image {name} ({size}) is too big to show in Teams. {_how_to_get(name)}")
    return Text(
        f"I can't send files in Teams, so {name} ({size}) isn't attached. {_how_to_get(name)}"
    )


def render_activities(parts: list[Part], preview: str) -> list[dict[str, Any]]:
    """The message's activities: its cards (one when the message fits in one, the usual case,
    else several in order), with its images inline (see "Files" above)."""
    images: list[Attachment] = []
    shown: list[Part] = []
    notes: list[Part] = []
    for part in parts:
        if not (isinstance(part, Attachment) and part.is_binary):
            shown.append(part)
        elif (
            part.media_type in IMAGE_TYPES
            and size_of(_image_alone(part, preview)) <= MAX_IMAGE_ACTIVITY_BYTES
        ):
            images.append(part)
        else:
            notes.append(file_note(part))
    activities = _card_activities(shown + notes, preview)
    for image in images:
        last = activities[-1] if activities else None
        if last is not None:
            joined = {**last, "attachments": [*last["attachments"], image_attachment(image)]}
            if size_of(joined) <= MAX_IMAGE_ACTIVITY_BYTES:
                activities[-1] = joined
                continue
        activities.append(_image_alone(image, preview))
    for activity in activities:
        for attachment in activity["attachments"]:
            if attachment["contentType"] == CARD_CONTENT_TYPE:
                rendered(TEAMS_CARD, attachment["content"])
    return activities


def _card_activities(parts: list[Part], preview: str) -> list[dict[str, Any]]:
    if not parts:
        return []
    whole = _activity(parts, preview)
    if size_of(whole) <= MAX_ACTIVITY_BYTES:
        return [whole]
    activities: list[dict[str, Any]] = []
    current: list[Part] = []
    for part in parts:
        if size_of(_activity([part], preview)) > MAX_ACTIVITY_BYTES:
            part = _shorten(part, preview)
        if current and size_of(_activity([*current, part], preview)) > MAX_ACTIVITY_BYTES:
            activities.append(_activity(current, preview))
            current = []
        current.append(part)
    activities.append(_activity(current, preview))
    return activities


def submission(value: Any) -> tuple[str, dict[str, Any], str] | None:
    """An Action.Submit's data (plus any Input.* values) as (action, values, label); None when
    the value is not one of our submits."""
    if not isinstance(value, dict) or not isinstance(value.get("action"), str):
        return None
    if value["action"] == PICK_ACTION:
        value = _picked(value)
        if value is None:
            return None
    values = {k: v for k, v in value.items() if k not in ("action", _LABEL_KEY)}
    label = value.get(_LABEL_KEY)
    if "value" in values and values["value"] in ("", None):
        del values["value"]  # as the console: a choice without a value sends no values
    return value["action"], values, label if isinstance(label, str) else ""


def _picked(value: dict[str, Any]) -> dict[str, Any] | None:
    """A pick from a *More* drop-down as the button press it stands for."""
    try:
        chosen = json.loads(str(value.get(str(value.get(_PICK_KEY, "")), "")))
    except ValueError:
        return None
    if not isinstance(chosen, dict) or not isinstance(chosen.get("action"), str):
        return None
    return {k: chosen[k] for k in ("action", "value", _LABEL_KEY) if k in chosen}


def submitted_card(label: str) -> dict[str, Any]:
    """The card that replaces a submitted one, so its buttons cannot be pressed twice."""
    text = f"You chose: {label}" if label and label != "Send" else "Sent."
    content = {
        "type": "AdaptiveCard",
        "$schema": CARD_SCHEMA,
        "version": CARD_VERSION,
        "fallbackText": text,
        "body": text_elements(markup.literal(text), isSubtle=True),
    }
    rendered(TEAMS_CARD, content)
    return {
        "type": "message",
        "summary": text,
        "attachments": [{"contentType": CARD_CONTENT_TYPE, "content": content}],
    }
