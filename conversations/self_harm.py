"""Noticing that someone may be thinking of ending their life, and where to point them.

``conversations.safety.notice_concern`` reads harm of every kind as one safety concern; a
person who writes that they want to die needs more than "send it to the project lead": they
need to hear, whatever they choose, where to get help now. This module tells that one reading
apart (``about_self_harm``) and words the help (``SELF_HARM_HELP``). It only adds to the
shared detector; it never decides on its own that something is *not* a concern.
"""

from __future__ import annotations

import re

_SELF_HARM = re.compile(
    r"""\b(?:
    suicid\w* | self[\s-]?harm\w*
    | kill(?:ing)?\s+my\s*self | end(?:ing)?\s+my\s+(?:own\s+)?life | take\s+my\s+own\s+life
    | hurt(?:ing)?\s+my\s*self | (?:want|wanted|wanting)\s+to\s+die | wish\s+i\s+(?:was|were)\s+dead
    | end(?:ing)?\s+it\s+all | (?:don'?t|do\s+not)\s+want\s+to\s+(?:be\s+here|live|go\s+on)
    | better\s+off\s+without\s+me | no\s+(?:reason|point)\s+(?:to|in)\s+(?:live|living|going\s+on)
    | can'?t\s+go\s+on
    )\b""",
    re.I | re.X,
)

SELF_HARM_HELP = (
    "If you're thinking about ending your life, please talk to someone now: you don't have to "
    "face this alone. If you're in immediate danger, call 999. Samaritans are there day and "
    "night on 116 123 (free, 24/7). You can also call NHS 111, or talk to your GP."
)


def about_self_harm(text: str) -> bool:
    """Whether ``text`` says the writer may be thinking of harming themselves or ending it."""
    return _SELF_HARM.search(text) is not None
