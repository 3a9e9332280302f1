"""Who my mentor (or mentee) is, and how best to reach them: "who is my mentor", "whos my
mentor again?", "hows best to get hold of tom?"."""

from __future__ import annotations

from conversations.dialogs.base import Context, Turn, say
from conversations.intents import Intent
from conversations.messages import Incoming
from storage import partner_queries, queries


def my_partner(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    """The person's partners in their active pairings: where they work, their profile, and how
    each prefers to be reached."""
    lines: list[str] = []
    for pairing in queries.active_pairings(ctx.session, ctx.person_id):
        partner = partner_queries.partner_in(ctx.session, pairing, ctx.person_id)
        if partner is None:
            continue
        role = "mentor" if partner.is_mentor else "mentee"
        where = ", ".join(p for p in (partner.department, partner.organisation) if p)
        lines.append(f"Your {role} is *{partner.name}*" + (f", {where}." if where else "."))
        if partner.style:
            lines.append(partner.style + ".")
        if partner.bio:
            lines.append(partner.bio)
        if partner.contact_preference:
            lines.append(f"Best way to reach them: {partner.contact_preference}.")
        lines.append(f"Email: {partner.email}")
    if not lines:
        return say(
            "You're not in a mentoring pairing yet. I'll tell you as soon as you're "
            "matched. Type *what's next* to see what's due."
        )
    lines.append("Type *book a meeting* to arrange your next meeting.")
    return say("\n".join(lines))
