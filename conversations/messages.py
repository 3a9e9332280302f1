"""The one message model: what comes in from any channel and the parts that go out.

Channels translate their payloads into :class:`Incoming` and render :data:`Part` values
natively (Slack Block Kit, Teams Adaptive Cards, plain text in the console). A renderer that
meets a part it cannot show raises; it never drops it silently.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from conversations import markup


class Where(StrEnum):
    DIRECT = "direct"
    CHANNEL = "channel"


@dataclass(frozen=True)
class Place:
    """The shared place (a Slack channel, a Teams team channel) a message was said in.

    ``address`` is how the bot posts there (the same JSON as a scheme channel's route);
    ``label`` is how people would name it ("#lms-lead", "the Leads channel of Mentoring")."""

    address: dict[str, Any]
    label: str


@dataclass(frozen=True)
class Incoming:
    """One message from a person, already resolved to our person id by the channel.
    ``place`` is set for a message said in a shared place (``where`` is ``CHANNEL``)."""

    person_id: int
    text: str = ""
    where: Where = Where.DIRECT
    conversation: str = "direct"
    action: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    platform: str = "console"
    event_id: str | None = None
    place: Place | None = None
    # The thread the person wrote in, within their chat (a Slack thread's ts): the replies of
    # this turn go to it. None: the chat itself.
    thread: str | None = None
    # What the channel has to say about the message itself (a file it cannot open): shown at
    # the top of this turn's reply, once.
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Text:
    """Text in the model's markup (``conversations/markup.py``: ``*bold*``, ``_italic_``,
    bullets, line breaks; a person's own words through ``markup.literal``), which each channel
    renders natively. ``private`` marks content (diary, minutes, concerns) kept out of
    previews."""

    text: str
    private: bool = False


@dataclass(frozen=True)
class Choice:
    label: str
    action: str
    value: str = ""


@dataclass(frozen=True)
class Question:
    """A question with buttons (its text in the model's markup). Pressing one sends
    ``Incoming(action=..., values={"value": ...})``."""

    text: str
    choices: tuple[Choice, ...]


class FieldKind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    DATE = "date"
    DATETIME = "datetime"
    NUMBER = "number"
    CHOICE = "choice"


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    required: bool = True
    choices: tuple[Choice, ...] = ()
    max_length: int | None = None


@dataclass(frozen=True)
class Form:
    """A form: channels with forms show it whole; the console asks one field at a time."""

    title: str
    fields: tuple[FormField, ...]
    submit_action: str


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message (a calendar invite, a report, a chart).

    ``content`` is the file's text when ``encoding`` is ``"text"``, or its bytes in base64 when
    it is ``"base64"`` (a PNG chart, an XLSX workbook): see :meth:`data`."""

    filename: str
    media_type: str
    content: str
    encoding: str = "text"

    @classmethod
    def binary(cls, filename: str, media_type: str, data: bytes) -> Attachment:
        return cls(filename, media_type, base64.b64encode(data).decode("ascii"), "base64")

    @property
    def is_binary(self) -> bool:
        return self.encoding == "base64"

    def data(self) -> bytes:
        """The file's bytes."""
        if self.is_binary:
            return base64.b64decode(self.content)
        return self.content.encode("utf-8")


Part = Text | Question | Form | Attachment


def part_to_json(part: Part) -> dict[str, Any]:
    """A part as plain JSON, for the outbox and the stored message history."""
    if isinstance(part, Text):
        return {"type": "text", "text": part.text, "private": part.private}
    if isinstance(part, Question):
        return {
            "type": "question",
            "text": part.text,
            "choices": [
                {"label": c.label, "action": c.action, "value": c.value} for c in part.choices
            ],
        }
    if isinstance(part, Form):
        return {
            "type": "form",
            "title": part.title,
            "submit_action": part.submit_action,
            "fields": [
                {
                    "name": f.name,
                    "label": f.label,
                    "kind": f.kind.value,
                    "required": f.required,
                    "choices": [
                        {"label": c.label, "action": c.action, "value": c.value} for c in f.choices
                    ],
                    "max_length": f.max_length,
                }
                for f in part.fields
            ],
        }
    return {
        "type": "attachment",
        "filename": part.filename,
        "media_type": part.media_type,
        "content": part.content,
        "encoding": part.encoding,
    }


def _choices(items: list[dict[str, Any]]) -> tuple[Choice, ...]:
    return tuple(
        Choice(label=c["label"], action=c["action"], value=c.get("value", "")) for c in items
    )


def part_from_json(data: dict[str, Any]) -> Part:
    kind = data.get("type")
    if kind == "text":
        return Text(text=data["text"], private=bool(data.get("private", False)))
    if kind == "question":
        return Question(text=data["text"], choices=_choices(data["choices"]))
    if kind == "form":
        return Form(
            title=data["title"],
            submit_action=data["submit_action"],
            fields=tuple(
                FormField(
                    name=f["name"],
                    label=f["label"],
                    kind=FieldKind(f["kind"]),
                    required=bool(f["required"]),
                    choices=_choices(f.get("choices", [])),
                    max_length=f.get("max_length"),
                )
                for f in data["fields"]
            ),
        )
    if kind == "attachment":
        return Attachment(
            filename=data["filename"],
            media_type=data["media_type"],
            content=data["content"],
            encoding=data.get("encoding", "text"),
        )
    raise ValueError(f"unknown message part type: {kind!r}")


def preview(parts: list[Part]) -> str:
    """The push-notification preview: the first line of the first non-private text, as plain
    words (no markup: see :mod:`conversations.markup`), never private content."""
    for part in parts:
        if isinstance(part, Text) and not part.private:
            return markup.first_line(part.text)
        if isinstance(part, Question):
            return markup.first_line(part.text)
        if isinstance(part, Form):
            return markup.plain(part.title)
    return "You have a new message from mentorbot."


def only_public_text(parts: list[Part]) -> bool:
    """Parts fit to show in a shared channel: plain, non-private text and nothing to answer.
    Anything else (a diary entry, a question with buttons, a form) belongs in a direct chat."""
    return bool(parts) and all(isinstance(p, Text) and not p.private for p in parts)
