"""What the person who raised a concern is told when it moves on: in their own chat, who picked
it up by role only (the project lead, the steering group, the scheme's moderator), never by
name unless that is the lead's role, and never anything anyone wrote about it."""

from __future__ import annotations

from conversations.dialogs.base import Context, Outgoing
from conversations.messages import Text
from storage import queries
from storage.models import Concern, Role

_ROLES = (
    (Role.LEAD, "The project lead"),
    (Role.STEERING_CHAIR, "The steering group"),
    (Role.STEERING_MEMBER, "The steering group"),
    (Role.MODERATOR, "The scheme's moderator"),
)


def _who(ctx: Context, concern: Concern) -> str:
    for role, label in _ROLES:
        holders = queries.people_with_role(ctx.session, concern.cohort_id, role.value)
        if any(p.id == ctx.person_id for p in holders):
            return label
    return "Someone who looks after the scheme"


def raiser_told(ctx: Context, concern: Concern | None, ref: str, happened: str) -> list[Outgoing]:
    """The message for the raiser of ``concern`` now that it has been ``happened``
    ("acknowledged" or "resolved") by the person acting in ``ctx``."""
    if concern is None:
        return []
    who = _who(ctx, concern)
    if happened == "resolved":
        text = (
            f"{who} has marked your concern {ref} as resolved. If it isn't, or something else "
            "worries you, type *raise a concern*."
        )
    else:
        text = f"{who} has picked up your concern {ref}. They'll be in touch if they need to."
    return [Outgoing(parts=(Text(text),), recipient_id=concern.raised_by_id)]
