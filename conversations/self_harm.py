"""Noticing that someone may be thinking of ending their life, and where to point them.

``conversations.safety.notice_concern`` reads harm of every kind as one safety concern; a
person who writes that they want to die needs more than "send it to the project lead": they
need to hear, whatever they choose, where to get help now. This module words the help
(``SELF_HARM_HELP``); the reading itself (``about_self_harm``) is the shared detector's
``names_self_harm``, so there is one place that reads what people write.
"""

from __future__ import annotations

from conversations.messages import Part, Text
from conversations.safety import names_self_harm

SELF_HARM_HELP = (
    "If you're thinking about ending your life, please talk to someone now: you don't have to "
    "face this alone. If you're in immediate danger, call 999. Samaritans are there day and "
    "night on 116 123 (free, 24/7). You can also call NHS 111, or talk to your GP."
)


def about_self_harm(text: str) -> bool:
    """Whether ``text`` says the writer may be thinking of harming themselves or ending it."""
    return names_self_harm(text)


def help_first(said: str, replies: list[Part]) -> list[Part]:
    """``replies`` with the help in front when ``said`` reads as thoughts of self-harm and the
    replies don't already give it. The engine runs this on every typed turn, so whatever step a
    dialog is waiting at ("Please choose *Send it*"), the person is pointed to help first."""
    if not said.strip() or not about_self_harm(said):
        return replies
    if any(isinstance(part, Text) and SELF_HARM_HELP in part.text for part in replies):
        return replies
    return [Text(SELF_HARM_HELP), *replies]
