"""What every rendered card must be, checked for each card any test renders (``conftest.py``
watches ``bot.channels.rendered``), and a tally of what the cards show.

Teams (Adaptive Cards): no literal emphasis marker (``*``, or ``_`` opening or closing a word)
and no backslash in a TextBlock, whose text Teams reads as markdown (its mobile clients show a
backslash escape as typed); no single line break in a TextBlock (markdown joins the lines) nor
in a TextRun; no TextBlock starting with a list marker; at most 6 actions in any action set or
card, show-cards included (Teams shows no more). Slack (Block Kit): at most 50 blocks a message
and 100 a view, 3,000 characters a section, 25 elements an actions block, 75 characters a
button, unique block and action ids.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from bot.channels.rendered import SLACK_BLOCKS, SLACK_VIEW, TEAMS_CARD

TEAMS_ACTIONS = 6
SLACK_MESSAGE_BLOCKS = 50
SLACK_VIEW_BLOCKS = 100
SLACK_SECTION_CHARS = 3000
SLACK_ACTIONS_ELEMENTS = 25
SLACK_BUTTON_CHARS = 75

_BOLD = re.compile(r"\*\*(\S(?:.*?\S)?)\*\*")
_ITALIC = re.compile(r"(?<![\w_])_(\S(?:.*?\S)?)_(?![\w_])")
_LONE_UNDERSCORE = re.compile(r"(?<!\w)_|_(?!\w)")
_SINGLE_BREAK = re.compile(r"(?<!\n)\n(?!\n)")
_LIST_START = re.compile(r"^\s*([\-+*>#]|\d+[.)])\s")


def shown_words(text: str) -> str:
    """A TextBlock's markdown as the words a person sees (bold and italic markers removed)."""
    return _ITALIC.sub(r"\1", _BOLD.sub(r"\1", text))


def _elements(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for item in items:
        yield item
        for key in ("items", "body"):
            if isinstance(item.get(key), list):
                yield from _elements(item[key])
        for column in item.get("columns") or []:
            yield from _elements(column.get("items") or [])
        for action in item.get("actions") or []:
            if isinstance(action.get("card"), dict):
                yield from _elements([action["card"]])


def _action_lists(card: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
    yield card.get("actions") or []
    for element in _elements(card.get("body") or []):
        if element.get("type") == "ActionSet":
            yield element["actions"]
        if element.get("type") == "AdaptiveCard":
            yield from _action_lists(element)
    for action in card.get("actions") or []:
        if isinstance(action.get("card"), dict):
            yield from _action_lists(action["card"])


def teams_problems(card: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for element in _elements(card.get("body") or []):
        kind = element.get("type")
        if kind == "TextBlock":
            text = str(element.get("text", ""))
            words = shown_words(text)
            if "\\" in text:
                problems.append(f"a backslash in a TextBlock: {text!r}")
            if "*" in words or _LONE_UNDERSCORE.search(words):
                problems.append(f"a literal emphasis marker in a TextBlock: {text!r}")
            if _SINGLE_BREAK.search(text):
                problems.append(f"a line break Teams would lose: {text!r}")
            if _LIST_START.match(text):
                problems.append(f"a TextBlock Teams would show as a list: {text!r}")
        elif kind == "RichTextBlock":
            for run in element.get("inlines") or []:
                if "\n" in str(run.get("text", "")):
                    problems.append(f"a line break in a TextRun: {run['text']!r}")
    for actions in _action_lists(card):
        if len(actions) > TEAMS_ACTIONS:
            titles = [a.get("title") for a in actions]
            problems.append(f"{len(actions)} actions where Teams shows {TEAMS_ACTIONS}: {titles}")
    return problems


def slack_problems(blocks: list[dict[str, Any]], limit: int = SLACK_MESSAGE_BLOCKS) -> list[str]:
    problems: list[str] = []
    if len(blocks) > limit:
        problems.append(f"{len(blocks)} blocks where Slack takes {limit}")
    block_ids = [b["block_id"] for b in blocks if "block_id" in b]
    if len(block_ids) != len(set(block_ids)):
        problems.append(f"repeated block ids: {block_ids}")
    action_ids: list[str] = []
    for block in blocks:
        text = block.get("text") or {}
        if block.get("type") == "section" and len(str(text.get("text", ""))) > SLACK_SECTION_CHARS:
            problems.append(f"a section over {SLACK_SECTION_CHARS} characters")
        if block.get("type") == "actions":
            elements = block.get("elements") or []
            if len(elements) > SLACK_ACTIONS_ELEMENTS:
                problems.append(f"{len(elements)} elements in an actions block")
            for element in elements:
                action_ids.append(str(element.get("action_id")))
                label = str((element.get("text") or {}).get("text", ""))
                if len(label) > SLACK_BUTTON_CHARS:
                    problems.append(f"a button label over {SLACK_BUTTON_CHARS}: {label!r}")
    if len(action_ids) != len(set(action_ids)):
        problems.append(f"repeated action ids: {action_ids}")
    return problems


def problems(kind: str, payload: Any) -> list[str]:
    if kind == TEAMS_CARD:
        return teams_problems(payload)
    if kind == SLACK_BLOCKS:
        return slack_problems(payload)
    if kind == SLACK_VIEW:
        return slack_problems(payload.get("blocks") or [], SLACK_VIEW_BLOCKS)
    return []


def tally(kind: str, payload: Any, counts: Counter[str]) -> None:
    """Count a Teams card's text elements: all, those showing a literal asterisk or a
    backslash, and those losing a line break (see the README's Teams note for the figures)."""
    if kind != TEAMS_CARD:
        return
    counts["cards"] += 1
    for element in _elements(payload.get("body") or []):
        if element.get("type") == "TextBlock":
            text = str(element.get("text", ""))
            shown = shown_words(re.sub(r"\\(.)", r"\1", text))
            counts["text blocks"] += 1
            counts["with a literal asterisk"] += "*" in shown
            counts["with a backslash"] += "\\" in text
            counts["losing a line break"] += bool(_SINGLE_BREAK.search(text))
        elif element.get("type") == "RichTextBlock":
            runs = "".join(str(r.get("text", "")) for r in element.get("inlines") or [])
            counts["text blocks"] += 1
            counts["with a literal asterisk"] += "*" in runs
            counts["losing a line break"] += "\n" in runs
    counts["over 6 actions"] += any(len(a) > TEAMS_ACTIONS for a in _action_lists(payload))
