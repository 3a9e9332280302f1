"""Asking for the scheme's reports, and for something to go to a shared channel.

- :func:`report_kind`: which report a message names ("6 month report", "half-year", "annual",
  "final"), as the value of ``conversations.reports.ReportKind`` (None: the health report).
- :func:`file_formats`: the files asked for ("as xlsx", "spreadsheet", "csv", "markdown").
- :func:`to_a_channel`: whether the message asks for something to be posted to a channel
  ("post it to the lead channel", "share that with the channel", "can you put this in #leads",
  "send them to the steering group").
- :func:`about_someone`: a person rather than the scheme ("report my mentor").
- :data:`A_REPORT`: the word "report" as the name of a report ("the 6 month report", "reports
  pls"), not as telling on someone ("can i report it without him knowing", "i'll report him").
"""

from __future__ import annotations

import re

from conversations.language.normalise import normalise

_KINDS: list[tuple[str, re.Pattern[str]]] = [
    ("annual", re.compile(r"\b(?:annual|yearly|year'?s|hee)\b", re.I)),
    ("6m", re.compile(r"\b(?:6|six)[- ]?months?\b|\bhalf[- ]?year", re.I)),
    ("9m", re.compile(r"\b(?:9|nine)[- ]?months?\b", re.I)),
    ("12m", re.compile(r"\b(?:12|twelve)[- ]?months?\b|\bfinal\b", re.I)),
]
_FORMATS: list[tuple[str, re.Pattern[str]]] = [
    ("xlsx", re.compile(r"\b(?:xlsx|excel|spreadsheet|workbook)\b", re.I)),
    ("csv", re.compile(r"\bcsv\b", re.I)),
    ("md", re.compile(r"\b(?:markdown|md)\b", re.I)),
]
# A shared place: "#leads", "the lead channel", "the leads' channel", "the steering group".
_PLACE = (
    r"(?:#[\w-]+|(?:the\s+|our\s+|that\s+)?(?:(?:project\s+)?leads?(?:'s?)?\s+|steering\s+"
    r"(?:group\s+)?|team\s+)?channel\b|(?:the\s+|our\s+)?steering\s+group\b)"
)
TO_CHANNEL = re.compile(
    r"\b(?:post|share|send|put|stick|pop|drop|forward|copy|circulate|publish)\b.{0,60}?"
    rf"\b(?:to|in|into|on|onto|with|for)\s+{_PLACE}"
    r"|\b(?:to|in|into) the (?:lead )?channel\b",
    re.I,
)
# "report" as a verb: after someone who would do it or a helping verb ("can i report", "to
# report", "i'll report"), or before who or what is told on ("report it", "report my mentor").
_BY_SOMEONE = "".join(
    rf"(?<!\b{word} )"
    for word in (
        "i", "we", "to", "i'll", "i'd", "we'll", "can", "could", "should", "must", "might",
        "will", "would", "not", "i'm", "gonna", "just",
    )
)  # fmt: skip
_TOLD_ON = (
    r"(?:it|him|her|them|this|that|something|someone|somebody|anything|anyone|my\s+(?:mentor|"
    r"mentee|partner|manager|colleague)|an?\s+(?:problem|issue|incident|colleague|person))\b"
)
A_REPORT = re.compile(rf"{_BY_SOMEONE}\breports?\b(?!\s+{_TOLD_ON})", re.I)
_ABOUT_SOMEONE = re.compile(r"\b(?:my (?:mentor|mentee|partner)|him|her|them)\b", re.I)


def report_kind(text: str) -> str | None:
    """The report a message names (a ``ReportKind`` value), or None for the health report."""
    return next((kind for kind, pattern in _KINDS if pattern.search(text)), None)


def file_formats(text: str) -> list[str]:
    """The files asked for, in the order "xlsx", "csv", "md"."""
    return [fmt for fmt, pattern in _FORMATS if pattern.search(text)]


def to_a_channel(text: str) -> bool:
    """Whether the message asks for something to be posted to a shared channel."""
    return TO_CHANNEL.search(normalise(text)) is not None


def about_someone(text: str) -> bool:
    return _ABOUT_SOMEONE.search(text) is not None


def names_slug(text: str, slug: str, name: str | None = None) -> bool:
    """Whether the message names something by its slug, as a word of its own ("... for a-2025"),
    or by its ``name`` as people write it ("for the Demo cohort", "second cohort pls")."""
    words = re.findall(r"[\w-]+", text.lower())
    if slug.lower() in words:
        return True
    named = re.findall(r"\w+", (name or "").lower())
    said = re.findall(r"\w+", text.lower())
    return bool(named) and any(
        said[i : i + len(named)] == named for i in range(len(said) - len(named) + 1)
    )
