"""The message model's inline markup: how a dialog's text carries emphasis, lists and line
breaks, whatever platform shows it.

Dialogs write text in one small, neutral markup (it looks like Slack's, because most of it was
written for Slack first, but it belongs to the model; each channel renders it natively):

- ``*bold*`` and ``_italic_`` (the marker at a word boundary, with no space just inside it);
  a backtick pair for a command to type (code);
- ``\\n`` is a line break and a blank line starts a new paragraph;
- a line starting ``• ``, ``- `` or ``* `` is a bullet item, ``1. `` or ``1) `` a numbered one;
- ``\\`` before ``\\ * _ ` ~`` (or before a list marker) keeps that character literal:
  :func:`literal` writes a person's own words (a concern, an answer) that way, so what they
  typed is never taken for markup. Text not passed through it is read as markup: a typed
  ``*really*`` shows as bold, its asterisks gone.

:func:`parse` reads text into :class:`Line` values (each a list of :class:`Span` s), which the
renderers turn into Slack mrkdwn (``bot/channels/slack/blocks.py``), Adaptive Card elements
(``bot/channels/teams/cards.py``) and plain text (:func:`plain`, for the console, incoming
webhooks and notification previews). No renderer ever shows a marker or a backslash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

_ESCAPABLE = re.compile(r"([\\*_`~])")
_ITEM_START = re.compile(r"^(\s*)([•\-*]|\d{1,3}(?=[.)]))", re.MULTILINE)
_INLINE = re.compile(
    r"\\(?P<esc>[\\*_`~\-•.)])"
    r"|(?<![\w*\\])\*(?P<bold>(?:\\.|[^\s*\\])(?:(?:\\.|[^*\n\\])*?(?:\\.|[^\s*\\]))?)\*(?![\w*])"
    r"|(?<![\w_\\])_(?P<italic>(?:\\.|[^\s_\\])(?:(?:\\.|[^_\n\\])*?(?:\\.|[^\s_\\]))?)_(?![\w_])"
    r"|`(?P<code>[^`\n]+)`"
)
_UNESCAPE = re.compile(r"\\([\\*_`~\-•.)])")
_BULLET = re.compile(r"^\s*[•\-*]\s+(?=\S)")
_NUMBERED = re.compile(r"^\s*(\d{1,3}[.)])\s+(?=\S)")


class Style(StrEnum):
    PLAIN = "plain"
    BOLD = "bold"
    ITALIC = "italic"
    CODE = "code"


class Kind(StrEnum):
    LINE = "line"
    BULLET = "bullet"
    NUMBERED = "numbered"


@dataclass(frozen=True)
class Span:
    text: str
    style: Style = Style.PLAIN


@dataclass(frozen=True)
class Line:
    """One line of a message: a plain line, a bullet item or a numbered item (``number`` is
    its marker as written, "3." or "3)"). ``gap`` is True when a blank line comes before it."""

    spans: tuple[Span, ...]
    kind: Kind = Kind.LINE
    number: str = ""
    gap: bool = False

    @property
    def words(self) -> str:
        return "".join(s.text for s in self.spans)


def literal(text: str) -> str:
    """``text`` (a person's own words) escaped, so :func:`parse` gives it back unchanged."""
    text = _ESCAPABLE.sub(r"\\\1", text)
    return _ITEM_START.sub(_escape_item, text)


def _escape_item(match: re.Match[str]) -> str:
    indent, marker = match.group(1), match.group(2)
    if marker.isdigit():  # "3. " would be a numbered item: "3\. " is not
        return f"{indent}{marker}\\"
    return f"{indent}\\{marker}"


def spans(text: str) -> tuple[Span, ...]:
    """One line's inline markup as spans (adjacent plain text merged)."""
    out: list[Span] = []

    def add(piece: str, style: Style) -> None:
        if not piece:
            return
        if out and out[-1].style is style is Style.PLAIN:
            out[-1] = Span(out[-1].text + piece)
        else:
            out.append(Span(piece, style))

    at = 0
    for match in _INLINE.finditer(text):
        add(text[at : match.start()], Style.PLAIN)
        at = match.end()
        if match.group("esc") is not None:
            add(match.group("esc"), Style.PLAIN)
        elif match.group("bold") is not None:
            add(_UNESCAPE.sub(r"\1", match.group("bold")), Style.BOLD)
        elif match.group("italic") is not None:
            add(_UNESCAPE.sub(r"\1", match.group("italic")), Style.ITALIC)
        else:
            add(match.group("code"), Style.CODE)
    add(text[at:], Style.PLAIN)
    return tuple(out)


def parse(text: str) -> list[Line]:
    """``text`` as lines: blank lines become the next line's ``gap``; leading and trailing
    blank lines are dropped."""
    lines: list[Line] = []
    gap = False
    for raw in text.replace("\r\n", "\n").split("\n"):
        if not raw.strip():
            gap = bool(lines)
            continue
        kind, number, rest = Kind.LINE, "", raw
        if numbered := _NUMBERED.match(rest):
            kind, number, rest = Kind.NUMBERED, numbered.group(1), rest[numbered.end() :]
        elif bullet := _BULLET.match(rest):
            kind, rest = Kind.BULLET, rest[bullet.end() :]
        lines.append(Line(spans(rest), kind, number, gap))
        gap = False
    return lines


def line_text(line: Line) -> str:
    """A line as plain words, with its bullet or number."""
    if line.kind is Kind.BULLET:
        return f"• {line.words}"
    if line.kind is Kind.NUMBERED:
        return f"{line.number} {line.words}"
    return line.words


def plain(text: str) -> str:
    """``text`` without markup: emphasis shown as the words alone, bullets as "•", paragraphs
    kept apart by a blank line (the console, incoming webhooks, notification previews)."""
    out: list[str] = []
    for line in parse(text):
        if line.gap:
            out.append("")
        out.append(line_text(line))
    return "\n".join(out)


def first_line(text: str, limit: int = 150) -> str:
    """The first line of ``text`` as plain words, at most ``limit`` characters."""
    lines = parse(text)
    return line_text(lines[0])[:limit] if lines else ""
