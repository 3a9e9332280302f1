"""What a shared place (a Slack channel or thread, a Teams team channel) may show of a turn.

Safe by default: a reply to a message said in a shared place is shown there only when the
engine marked it shareable (help, the answer about the place itself: see
``Registry.shareable`` and ``Registry.place_answers``). Anything else is about the person (what's
next, meetings, actions, minutes, the contract, the diary, a concern, a check-in, an
application...) and goes to their own chat, with a short note in the place. A person with no
private chat stored yet gets a kind note there, and nothing personal; the channel still tries
to open the private chat and send the answer there.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from conversations.engine import Delivered
from conversations.messages import Part, Text

SENT_PRIVATELY = "I've sent that to you privately."
NO_PRIVATE_CHAT = (
    "I'll answer you privately, but we don't have a private chat yet. If my answer hasn't "
    "reached you in a minute, open a chat with me (find mentorbot in your apps), say hello and "
    "ask me there."
)


@dataclass(frozen=True)
class SharedAnswer:
    """What the shared place shows, and what goes to the person's own chat."""

    in_place: list[Part]
    in_private: list[Part] = field(default_factory=list)


def answer_in_shared_place(delivered: Delivered, has_private_chat: bool) -> SharedAnswer:
    """Split one turn's replies between the shared place and the person's own chat."""
    if delivered.shareable:
        return SharedAnswer(in_place=list(delivered.parts))
    if not delivered.parts:
        return SharedAnswer(in_place=[])
    if not has_private_chat:
        return SharedAnswer(in_place=[Text(NO_PRIVATE_CHAT)])
    return SharedAnswer(in_place=[Text(SENT_PRIVATELY)], in_private=list(delivered.parts))
