"""Asking who the bot cannot reach: "who can't you reach?", "who hasn't the bot reached",
"anyone unreachable?", "who have you not been able to contact yet".

:data:`UNREACHED_ASKED` names the bot (you, the bot, mentorbot) as the one not reaching, or asks
who is unreachable: "I can't reach my mentor" and "who do I contact if I can't reach Tom" are a
person's own trouble, not this question.
"""

from __future__ import annotations

import re

_BOT = r"(?:you|u|the bot|mentorbot|the app)"
_NOT = (
    r"(?:can'?t|cannot|can not|couldn'?t|could not|haven'?t|hasn'?t|have not|has not|"
    r"didn'?t|did not|isn'?t|aren'?t|is not|are not)"
)
_VERB = (
    r"(?:reach(?:ed)?|contact(?:ed)?|get hold of|got hold of|message(?:d)?|find|found|"
    r"link(?:ed)?|connect(?:ed)?\s+(?:to|with))"
)
_WHO = r"(?:who|whom|anyone|anybody|any one|which people|which members|how many people)"

UNREACHED_ASKED = re.compile(
    # "who can't you reach", "who hasn't the bot reached yet", "anyone you haven't contacted?"
    rf"\b{_WHO}\s+(?:{_NOT}\s+{_BOT}|{_BOT}\s+{_NOT})\s+(?:yet\s+|still\s+)?"
    rf"(?:been\s+able\s+to\s+|able\s+to\s+|managed\s+to\s+)?{_VERB}\b"
    # "who can you not reach", "who have you not reached yet", "who is the bot unable to reach"
    rf"|\b{_WHO}\s+(?:can|could|have|has|did|is|are)\s+{_BOT}\s+(?:still\s+)?"
    rf"(?:not|never|unable to|not able to|not been able to|not yet)\s+(?:yet\s+)?{_VERB}\b"
    # "who hasn't been reached", "who's not been contacted yet"
    rf"|\b{_WHO}(?:'s|s| is| has)?\s+(?:not|hasn'?t|n'?t|not yet|never)\s+been\s+"
    r"(?:reached|contacted|linked)\b"
    # "anyone unreachable?", "list the unreachable people", "who is unreachable"
    rf"|\b(?:{_WHO}|list|everyone|people|show)\b[^.?!]*\bunreachable\b",
    re.I,
)
