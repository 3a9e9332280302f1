"""The console channel: the bot in a terminal (``mentorbot chat``) and the console inbox.

Rendering: text as is; a question as its text and numbered options (answer by number or label);
a form one field at a time; an attachment by its file name and contents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from conversations.messages import (
    Attachment,
    Choice,
    Form,
    FormField,
    Incoming,
    Part,
    Question,
    Text,
    part_from_json,
)

PLATFORM = "console"


def render(parts: list[Part]) -> str:
    """Parts as terminal text. A part type this channel does not know is an error, never dropped."""
    blocks: list[str] = []
    for part in parts:
        if isinstance(part, Text):
            blocks.append(part.text)
        elif isinstance(part, Question):
            options = "\n".join(f"  {n}. {c.label}" for n, c in enumerate(part.choices, start=1))
            blocks.append(f"{part.text}\n{options}")
        elif isinstance(part, Form):
            blocks.append(f"{part.title}\n(I'll ask for each field in turn.)")
        elif isinstance(part, Attachment):
            blocks.append(f"[attachment: {part.filename}]\n{part.content.rstrip()}")
        else:  # pragma: no cover - the union is exhaustive for mypy
            raise TypeError(f"the console cannot show {type(part).__name__}")
    return "\n\n".join(blocks)


def render_stored(parts: list[dict[str, Any]]) -> str:
    return render([part_from_json(p) for p in parts])


@dataclass
class _FormInProgress:
    form: Form
    values: dict[str, str] = field(default_factory=dict)

    @property
    def field(self) -> FormField:
        return self.form.fields[len(self.values)]


@dataclass
class ConsoleSession:
    """One person at the terminal: maps typed lines to messages, remembering the last choices."""

    person_id: int
    choices: tuple[Choice, ...] = ()
    form: _FormInProgress | None = None

    def inbound(self, line: str) -> tuple[Incoming | None, str | None]:
        """The message a typed line means, or (None, a prompt) while a form is being filled."""
        text = line.strip()
        if self.form is not None:
            return self._form_answer(text)
        choice = self._choice_for(text)
        if choice is not None:
            self.choices = ()
            values = {"value": choice.value} if choice.value else {}
            return Incoming(
                person_id=self.person_id, text=choice.label, action=choice.action, values=values
            ), None
        return Incoming(person_id=self.person_id, text=line.rstrip("\n")), None

    def shown(self, parts: list[Part]) -> str | None:
        """Note what was shown (choices to answer by number, a form to fill); the next prompt."""
        self.choices = ()
        for part in parts:
            if isinstance(part, Question):
                self.choices = part.choices
            elif isinstance(part, Form):
                self.form = _FormInProgress(part)
        return self._field_prompt() if self.form is not None else None

    def _choice_for(self, text: str) -> Choice | None:
        if not self.choices:
            return None
        if text.isdigit() and 1 <= int(text) <= len(self.choices):
            return self.choices[int(text) - 1]
        for choice in self.choices:
            if text.casefold() == choice.label.casefold():
                return choice
        return None

    def _field_prompt(self) -> str:
        assert self.form is not None
        current = self.form.field
        hint = " (optional: press Enter to skip)" if not current.required else ""
        options = ""
        if current.choices:
            options = "\n" + "\n".join(
                f"  {n}. {c.label}" for n, c in enumerate(current.choices, start=1)
            )
        return f"{current.label}{hint}{options}"

    def _form_answer(self, text: str) -> tuple[Incoming | None, str | None]:
        assert self.form is not None
        if text.casefold() in {"cancel", "stop"}:
            self.form = None
            return Incoming(person_id=self.person_id, text="cancel"), None
        current = self.form.field
        value = text
        if current.choices:
            picked = (
                current.choices[int(text) - 1]
                if text.isdigit() and 1 <= int(text) <= len(current.choices)
                else next(
                    (c for c in current.choices if c.label.casefold() == text.casefold()), None
                )
            )
            if picked is None and (text or current.required):
                return None, "Please pick one of the options.\n" + self._field_prompt()
            value = picked.value or picked.label if picked else ""
        if current.required and not value:
            return None, f"I need an answer for this one.\n{self._field_prompt()}"
        if current.max_length is not None and len(value) > current.max_length:
            return None, (
                f"That's longer than {current.max_length:,} characters; please shorten it.\n"
                + self._field_prompt()
            )
        self.form.values[current.name] = value
        if len(self.form.values) < len(self.form.form.fields):
            return None, self._field_prompt()
        form, self.form = self.form, None
        return Incoming(
            person_id=self.person_id,
            text="",
            action=form.form.submit_action,
            values=dict(form.values),
        ), None
