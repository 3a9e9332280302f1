"""Who my mentor (or mentee) is, and how best to reach them: "who is my mentor", "whos my
mentor again?", "hows best to get hold of tom?"."""

from __future__ import annotations

from conversations.dialogs.base import Context, Turn
from conversations.intents import Intent
from conversations.messages import Incoming, Text
from storage import application_queries as apps
from storage import queries
from storage.models import Person


def my_partner(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    """The person's partners in their active pairings, with how each prefers to be reached."""
    lines: list[str] = []
    for pairing in queries.active_pairings(ctx.session, ctx.person_id):
        partner_id = queries.partner_of(pairing, ctx.person_id)
        partner = ctx.session.get(Person, partner_id)
        if partner is None:
            continue
        role = "mentor" if pairing.mentor_id == partner_id else "mentee"
        line = f"Your {role} is *{partner.display_name}*"
        profile = apps.mentor_profile(ctx.session, partner_id) if role == "mentor" else None
        if profile is not None and profile.organisation:
            line += f", {profile.organisation}"
        line += "."
        if profile is not None and profile.bio:
            line += f" {profile.bio}"
        if profile is not None and profile.contact_preference:
            line += f"\nBest way to reach them: {profile.contact_preference}."
        line += f"\nEmail: {partner.email}"
        lines.append(line)
    if not lines:
        return Turn(
            replies=[
                Text(
                    "You're not in a mentoring pairing yet. I'll tell you as soon as you're "
                    "matched. Type *what's next* to see what's due."
                )
            ]
        )
    return Turn(replies=[Text("\n\n".join(lines))])
