"""Who chooses where a scheme's lead alerts go, and how a choice is kept.

- :func:`choose_here`: "@mentorbot use this channel for lead alerts", said in a Slack channel or
  a Teams team channel (the channel gives its own address as ``Incoming.place``). Only the
  scheme's project lead or steering chair may; anyone else is told kindly who can (and the
  attempt is audited). A choice is recorded in the audit log (who, when, the old route and the
  new), the old route is told that alerts have moved, urgent alerts waiting for it are due at
  once on the new one, and the reply says what the new route replaces (the scheme file's
  channel, or an earlier choice in chat).
- :func:`keep_on_load`: ``mentorbot scheme load`` run again later. A route chosen in chat stays
  while the file's entry for the lead channel is what it was when the choice was made (the file
  was not changed to say otherwise); when the file's entry has changed since, the file wins, the
  chat route is told, and the load says so. Either way the load says which route it kept.

The chosen route lives in the scheme's settings: ``channels[<lead channel>]`` (what the
deliverer reads) and ``lead_route`` (who chose it, when, its label, and the file's entry it
replaced). Addresses in the audit log never carry a webhook's URL (it is a secret).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from conversations.dates import format_day
from conversations.dialogs.base import Context, Outgoing, Registry, Turn, outbox_row
from conversations.intents import Intent, IntentName
from conversations.messages import Incoming, Text
from storage import outbox_queries
from storage.models import AuditLog, Cohort, Membership, Person, Role, Scheme

SETTINGS_KEY = "lead_route"
CHOOSERS = (Role.LEAD.value, Role.STEERING_CHAIR.value)
_ROLE_NAMES = {Role.LEAD.value: "project lead", Role.STEERING_CHAIR.value: "steering chair"}


def register(registry: Registry) -> None:
    registry.place_answers[IntentName.LEAD_CHANNEL] = choose_here
    registry.answers[IntentName.LEAD_CHANNEL] = not_in_a_channel


def not_in_a_channel(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    """The words said in a direct chat: there is no channel to choose."""
    return Turn(
        replies=[
            Text(
                "To choose where lead alerts go, say *@mentorbot use this channel for lead "
                "alerts* in that channel (in Slack or Teams). The project lead or the steering "
                "chair can do it."
            )
        ]
    )


def choose_here(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    """Make the place the message was said in the lead channel of every scheme the speaker
    leads or chairs; a kind refusal, naming who can, for anyone else."""
    place = msg.place
    if place is None:
        return Turn(replies=[Text("I couldn't tell which channel this is, so nothing changed.")])
    schemes: dict[int, Scheme] = {}
    others: dict[int, Scheme] = {}
    for enrolment in ctx.enrolments:
        assert enrolment.scheme.id is not None
        target = schemes if enrolment.role in CHOOSERS else others
        target.setdefault(enrolment.scheme.id, enrolment.scheme)
    if not schemes:
        # Kept too: someone trying to redirect safeguarding alerts is worth knowing about.
        for scheme in others.values():
            _audit(
                ctx.session,
                ctx.now,
                ctx.person_id,
                "lead_channel.refused",
                scheme,
                place=place.address,
                place_label=place.label,
            )
        return Turn(replies=[Text(_refusal(ctx.session, list(others.values())))])
    lines: list[str] = []
    outgoing: list[Outgoing] = []
    for scheme in schemes.values():
        line, notice = _choose(ctx, scheme, place.address, place.label)
        lines.append(line)
        if notice is not None:
            outgoing.append(notice)
    lines.append(
        "Anyone in this channel can see the alerts (never what a concern says or who raised it), "
        "so keep it to the project team."
    )
    return Turn(replies=[Text("\n".join(lines))], outgoing=outgoing)


def _choose(
    ctx: Context, scheme: Scheme, address: dict[str, Any], label: str
) -> tuple[str, Outgoing | None]:
    settings = dict(scheme.settings or {})
    channels = dict(settings.get("channels") or {})
    old = channels.get(scheme.lead_channel)
    old = dict(old) if isinstance(old, dict) else None
    previous = settings.get(SETTINGS_KEY)
    previous = dict(previous) if isinstance(previous, dict) else None
    if old is not None and _same_place(old, address):
        return f"This channel already gets the lead alerts for {scheme.name}.", None
    old_label = _label(old, previous)
    if previous is not None:
        file_address = previous.get("file_address")
        replaces = (
            f"This replaces {old_label}, chosen by {previous.get('chosen_by_name', 'someone')} "
            f"on {_day(previous, ctx)}"
        )
    else:
        file_address = old
        replaces = (
            f"This replaces the lead channel set in the scheme file ({old_label})"
            if old is not None
            else "Until now they had no chat channel (they waited in the console)"
        )
    # Urgent alerts still waiting for the old route are due at once on the new one.
    outbox_queries.set_scheme_channel(ctx.session, scheme, address, ctx.now)
    settings = dict(scheme.settings)
    settings[SETTINGS_KEY] = {
        "channel": scheme.lead_channel,
        "address": address,
        "label": label,
        "chosen_by": ctx.person_id,
        "chosen_by_name": ctx.person.display_name,
        "at": ctx.now.isoformat(),
        "file_address": file_address,
    }
    scheme.settings = settings
    scheme.updated_at = ctx.now
    ctx.session.add(scheme)
    _audit(
        ctx.session,
        ctx.now,
        ctx.person_id,
        "lead_channel.chosen",
        scheme,
        old=old,
        old_label=old_label if old is not None else None,
        new=address,
        new_label=label,
    )
    notice = None
    if old is not None:
        notice = _moved_notice(scheme, old, label, ctx.person.display_name)
        replaces += "; I've told it that alerts have moved"
    told = f"Done: lead alerts for {scheme.name} will come to this channel ({label}) from now on."
    return f"{told} {replaces}.", notice


def _refusal(session: Session, schemes: list[Scheme]) -> str:
    text = (
        "Only the project lead or the steering chair of a scheme can choose where its lead "
        "alerts go."
    )
    asks = [(scheme.name, _choosers(session, scheme)) for scheme in schemes]
    names = [f"for {name}, ask {_or(people)}" for name, people in asks if people]
    if names:
        joined = "; ".join(names)
        text += f" {joined[0].upper()}{joined[1:]}: they can say this here."
    return text + " Nothing has changed."


def _choosers(session: Session, scheme: Scheme) -> list[str]:
    rows = session.exec(
        select(Person.display_name, Membership.role)
        .join(Membership, col(Membership.person_id) == col(Person.id))
        .join(Cohort, col(Cohort.id) == col(Membership.cohort_id))
        .where(
            col(Cohort.scheme_id) == scheme.id,
            col(Membership.role).in_(CHOOSERS),
            col(Person.erased_at).is_(None),
        )
        .order_by(col(Membership.role), col(Person.display_name))
    ).all()
    seen: dict[str, str] = {}
    for name, role in rows:
        seen.setdefault(name, f"{name} ({_ROLE_NAMES[role]})")
    return list(seen.values())


def _or(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def keep_on_load(
    session: Session,
    scheme: Scheme,
    lead_channel: str,
    settings: dict[str, Any],
    now: datetime,
) -> list[str]:
    """Reconcile a route chosen in chat with the file being loaded into ``settings`` (the
    scheme's new settings, changed in place). Returns what the load should tell its reader."""
    route = settings.get(SETTINGS_KEY)
    if not isinstance(route, dict) or not isinstance(route.get("address"), dict):
        return []
    channels = dict(settings.get("channels") or {})
    in_file = channels.get(lead_channel)
    chosen = dict(route["address"])
    who = f"by {route.get('chosen_by_name', 'someone')} on {_day(route, None)}"
    label = str(route.get("label") or describe(chosen))
    if in_file == route.get("file_address"):
        channels[lead_channel] = chosen
        settings["channels"] = channels
        return [
            f"Lead channel: kept {label}, chosen in chat {who}; the file's "
            f"[scheme.channels.{lead_channel}] has not changed since, so it does not replace "
            "it. Change that entry in the file to send the alerts somewhere else."
        ]
    settings.pop(SETTINGS_KEY)
    if isinstance(in_file, dict) and _same_place(in_file, chosen):
        return [f"Lead channel: {label}, chosen in chat {who}, is now also the file's."]
    now_to = describe(in_file) if isinstance(in_file, dict) else "no chat channel (the console)"
    _audit(
        session,
        now,
        None,
        "lead_channel.from_file",
        scheme,
        old=chosen,
        old_label=label,
        new=in_file if isinstance(in_file, dict) else None,
        new_label=now_to,
    )
    session.add(outbox_row(_moved_notice(scheme, chosen, now_to, "the scheme file"), now))
    return [
        f"Lead channel: the file's [scheme.channels.{lead_channel}] has changed, so alerts now go "
        f"to {now_to}, replacing {label} (chosen in chat {who}), which is told that they have "
        "moved."
    ]


def describe(address: dict[str, Any] | None) -> str:
    """A route as people would name it; never a webhook's URL."""
    if not address:
        return "no chat channel"
    platform = address.get("platform")
    if platform == "slack" and address.get("channel"):
        return f"the Slack channel {address['channel']}"
    if platform == "teams":
        return "a Teams channel"
    if platform == "webhook":
        env = address.get("url_env")
        return f"the webhook in {env}" if env else "a webhook"
    return f"a {platform} channel" if platform else "a channel"


def _label(address: dict[str, Any] | None, route: dict[str, Any] | None) -> str:
    if route is not None and address is not None and route.get("address") == address:
        return str(route.get("label") or describe(address))
    return describe(address)


def _same_place(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Same route. Teams references differ between messages (the service URL, the bot's name),
    so they compare by conversation; others by their whole JSON."""
    if a.get("platform") == b.get("platform") == "teams":
        return bool(_teams_conversation(a)) and _teams_conversation(a) == _teams_conversation(b)
    if a.get("platform") == b.get("platform") == "slack":
        return a.get("channel") == b.get("channel")
    return a == b


def _teams_conversation(address: dict[str, Any]) -> str:
    reference = address.get("reference")
    conversation = reference.get("conversation") if isinstance(reference, dict) else None
    found = conversation.get("id") if isinstance(conversation, dict) else None
    # A reply in a channel thread adds ";messageid=..."; the channel is the part before it.
    return str(found or "").split(";", 1)[0]


def _day(route: dict[str, Any], ctx: Context | None) -> str:
    try:
        at = datetime.fromisoformat(str(route.get("at")))
    except ValueError:
        return "an earlier day"
    if ctx is not None:
        return format_day(ctx.local(at).date(), ctx.today)
    return format_day(at.date())


def _moved_notice(scheme: Scheme, old: dict[str, Any], new_label: str, by: str) -> Outgoing:
    return Outgoing(
        parts=(Text(f"Lead alerts for {scheme.name} now go to {new_label}, set by {by}."),),
        channel=scheme.lead_channel,
        scheme_id=scheme.id,
        kind="lead_route",
        address=old,
    )


def _audit(
    session: Session,
    now: datetime,
    actor_id: int | None,
    action: str,
    scheme: Scheme,
    **detail: Any,
) -> None:
    for key in ("old", "new", "place"):
        if isinstance(detail.get(key), dict):
            detail[key] = {k: v for k, v in detail[key].items() if k != "url"}
    session.add(
        AuditLog(
            at=now,
            actor_id=actor_id,
            action=action,
            subject=f"scheme:{scheme.slug}",
            detail=detail,
        )
    )
