"""What the project lead and steering group do with an alert in the lead channel: open it,
acknowledge it, get the contact details of the people it is about, snooze it, resolve it.

The lead channel never carries a concern's text or who raised it (:func:`concern_alert`); those
allowed read it in their own chat (*Open*, ``open C7``), and every opening is recorded. Each
action is kept in the audit log (who, when); acknowledging also stops a concern being raised
to the steering group chair. Who may act is decided in ``storage.access``: nobody in the
pairing a concern is about, nobody outside the lead and steering group of its cohort. A
refused press is answered privately and keeps the alert's buttons, as do *Open*, *Contact
them* and *Snooze*: only acknowledging (or resolving) settles an alert.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from conversations import markup
from conversations.concern_news import raiser_told
from conversations.cut_off import cut_off_note
from conversations.dialogs.base import Context, Registry, Turn, say, to_lead_channel
from conversations.intents import Intent, IntentName
from conversations.language.alerts import alert_verb, snooze_length
from conversations.messages import Choice, Incoming, Part, Question, Text
from storage import access, lead_queries, outbox_queries, survey_queries
from storage.lead_queries import Alert
from storage.models import Concern, Pairing, Scheme, Survey, SurveyResponse

SNOOZE_SHORTEST = timedelta(hours=1)
SNOOZE_LONGEST = timedelta(weeks=4)
REFUSED = (
    "I can't find that alert, or it isn't one you can act on. "
    "Alerts are for the project lead and the steering group."
)
OPENED = "concern_opened"
FAILED_READ = "failed_messages_read"


def lead_actions(ref: str) -> Question:
    """The buttons under an alert in the lead channel (a concern and a follow-up request also
    have *Open*)."""
    opening = (Choice("Open", f"lead:open:{ref}"),) if ref[:1] in ("C", "F") else ()
    return Question(
        f"Alert {ref}: what would you like to do? (You can also type *ack {ref}*.)",
        (
            *opening,
            Choice("Acknowledge", f"lead:ack:{ref}"),
            Choice("Contact them", f"lead:contact:{ref}"),
            Choice("Snooze 1 week", f"lead:snooze:{ref}"),
        ),
    )


def concern_alert(ref: str, label: str, urgent: bool, cohort: str, note: str = "") -> list[Part]:
    """What the lead channel shows of a concern: no text, no names (a channel's membership is
    outside our control)."""
    kind, _, detail = label.partition(" (")
    head = (
        f"URGENT: {kind} concern {ref} in {cohort}" + (f" ({detail}." if detail else ".")
        if urgent
        else f"New concern {ref} in {cohort}: {label}."
    )
    return [
        Text(f"{head}{note} Press *Open* (or type *open {ref}*) to read it in your own chat."),
        lead_actions(ref),
    ]


def _parse(msg: Incoming, intent: Intent) -> tuple[str, str, str] | None:
    """(verb, reference, whatever was typed after the reference)."""
    if msg.action and msg.action.startswith("lead:"):
        parts = msg.action.split(":")
        return (parts[1], parts[2], "") if len(parts) == 3 else None
    verb, _, rest = intent.rest.partition(" ")
    ref, _, note = rest.partition(" ")
    return (alert_verb(verb), ref, note.strip()) if ref else None


def act(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    parsed = _parse(msg, intent)
    alert = (
        lead_queries.alert_for(ctx.session, ctx.person_id, parsed[1], parsed[0]) if parsed else None
    )
    if parsed is None or alert is None:
        # Private, so a channel sends it to the person's own chat; refused, so a pressed alert
        # keeps its buttons for those who may act on it.
        return Turn(replies=[Text(REFUSED, private=True)], keep_question=True)
    verb, ref, note = parsed
    if verb == "open":
        return _open(ctx, msg, alert, ref)
    if verb == "ack":
        return _ack(ctx, alert, ref, note)
    if verb == "contact":
        people = lead_queries.people_to_contact(ctx.session, alert)
        lead_queries.record(ctx.session, ctx.person_id, "contact_details_viewed", ref, ctx.now)
        if not people:
            return say(f"Nobody is named in {ref} any more: it may be resolved.")
        lines = [f"Contact details for {ref}:", *(f"• {p.display_name}: {p.email}" for p in people)]
        return _shown(lines)  # getting in touch is not picking it up: the buttons stay
    if verb == "resolve":
        return _resolve(ctx, alert, ref, note)
    if verb == "snooze":
        return _snooze(ctx, alert, ref, note)
    return say("You can *ack*, *contact*, *snooze* or *resolve* an alert, e.g. *ack C7*.")


def _shown(lines: list[str], *more: Part) -> Turn:
    """Details for the reader's own chat; the alert keeps its buttons for acting on it."""
    return Turn(replies=[Text("\n".join(lines), private=True), *more], keep_question=True)


def _acknowledge(ctx: Context, concern: Concern) -> None:
    concern.acknowledged_at = ctx.now
    concern.acknowledged_by_id = ctx.person_id
    ctx.session.add(concern)


def _ack(ctx: Context, alert: Alert, ref: str, note: str) -> Turn:
    done = lead_queries.acknowledgement(ctx.session, ref, alert.concern)
    if done is not None:
        already = f"{ref} was already acknowledged {ctx.by(done.actor_id, done.at)}."
        return Turn(replies=[Text(already), *_resolve_offer(alert, ref)])
    if alert.concern is not None:
        _acknowledge(ctx, alert.concern)
    said = Text(f"Acknowledged {ref}. I've told the lead channel, so nobody else chases it.")
    return _settled(ctx, alert, ref, "acknowledged", note, said, *_resolve_offer(alert, ref))


def _settled(ctx: Context, alert: Alert, ref: str, done: str, note: str, *said: Part) -> Turn:
    """``done`` ("acknowledged", "resolved") recorded, with any note (kept in the audit log only:
    it may name people, so no channel shows it), and told to the lead channel, so nobody else
    chases it, and to whoever raised the concern."""
    noted = {"note": note} if note else {}
    lead_queries.record(ctx.session, ctx.person_id, done, ref, ctx.now, **noted)
    told = Text(f"{ref} {done} {ctx.by(ctx.person_id, ctx.now)}.")
    raiser = raiser_told(ctx, alert.concern, ref, done)
    return Turn(replies=list(said), outgoing=[to_lead_channel(_scheme(ctx, alert), told), *raiser])


def _scheme(ctx: Context, alert: Alert) -> Scheme:
    scheme = ctx.session.get(Scheme, alert.scheme_id)
    assert scheme is not None
    return scheme


def _snooze(ctx: Context, alert: Alert, ref: str, said: str) -> Turn:
    """Put an alert aside for a week (or as long as was said, from an hour to four weeks): the
    lead channel is told at once (who, until when), and the alert comes back there then, unless
    the concern is resolved meanwhile. Snoozing is not acknowledging: an urgent concern nobody
    has acknowledged still goes to the chair on time."""
    length = snooze_length(said, ctx.now, ctx.tz)
    if length is None or not SNOOZE_SHORTEST <= length <= SNOOZE_LONGEST:
        return say(
            f"I can snooze {ref} for between an hour and four weeks, e.g. "
            f"*snooze {ref} 2 days* or *snooze {ref} 3 hours*. Nothing has changed yet.",
            keep_question=True,
        )
    until = ctx.now + length
    concern = alert.concern
    if concern is not None:
        concern.snoozed_until = until
        ctx.session.add(concern)
    lead_queries.record(
        ctx.session, ctx.person_id, "snoozed", ref, ctx.now, until=until.isoformat()
    )
    back, by, scheme = ctx.when(until), ctx.by(ctx.person_id, ctx.now), _scheme(ctx, alert)
    still = ""
    if concern is not None and concern.urgent and concern.acknowledged_at is None:
        still = (
            " Snoozing isn't acknowledging: unless someone acknowledges it, it still goes to "
            "the steering group chair when it's due."
        )
    return say(
        f"Snoozed {ref} until {back}. I'll raise it in the lead channel again then.{still}",
        outgoing=[
            to_lead_channel(scheme, Text(f"{ref} snoozed {by}, until {back}.{still}")),
            to_lead_channel(
                scheme,
                Text(f"Back from snooze: {ref} (snoozed {by})."),
                lead_actions(ref),
                not_before=until,
                kind=outbox_queries.SNOOZE_RETURN,
                concern_id=concern.id if concern is not None else None,
            ),
        ],
        keep_question=True,
    )


def _open(ctx: Context, msg: Incoming, alert: Alert, ref: str) -> Turn:
    """The concern in full, in the reader's own chat, with the opening recorded."""
    from conversations.reports import concern_label  # (reports imports the concern dialog)

    concern = alert.concern
    if alert.response is not None:
        return _open_follow_up(ctx, alert.response, ref)
    if concern is None:
        return say(f"{ref} is a reminder: everything it says is in the alert.")
    lead_queries.record(
        ctx.session, ctx.person_id, OPENED, ref, ctx.now, surface=msg.platform, where=msg.where
    )
    lines = [
        f"*{ref}*: {concern_label(concern.category)}" + (" (urgent)" if concern.urgent else ""),
        f"*Raised by:* {ctx.name_of(concern.raised_by_id)}, {ctx.when(concern.created_at)}",
    ]
    pairing = ctx.session.get(Pairing, concern.pairing_id) if concern.pairing_id else None
    if pairing is not None:
        lines.append(
            f"*Pairing:* {ctx.name_of(pairing.mentee_id)} (mentee) and "
            f"{ctx.name_of(pairing.mentor_id)} (mentor), {pairing.status.replace('_', ' ')}"
        )
    wrote = markup.literal(concern.text)
    lines += [f"*What they wrote:* {wrote}", "*History:* " + _history(ctx, concern, ref)]
    return _shown(lines, *_resolve_offer(alert, ref))


def _open_follow_up(ctx: Context, response: SurveyResponse, ref: str) -> Turn:
    """Who asked for a follow-up and what they answered (the channel never names them). Only
    those the survey's rules let read the answers get here (``lead_queries.alert_for``): never
    the mentor feedback is about."""
    survey = ctx.session.get(Survey, response.survey_id)
    assert survey is not None
    lines = [
        f"*{ref}*: {ctx.name_of(response.person_id)} asked for a follow-up from the project "
        f"team in the {survey.title}, {ctx.when(response.submitted_at)}. "
        "What they answered:"
    ]
    for number, question in enumerate(survey_queries.questions_of(ctx.session, survey.id or 0), 1):
        said = response.answers.get(question.key)
        lines.append(
            f"{number}. {question.text}\n   → "
            + ("(skipped)" if said in (None, "") else markup.literal(str(said)))
        )
    lines.append(f"*contact {ref}* gives their details.")
    return _shown(lines)


def _history(ctx: Context, concern: Concern, ref: str) -> str:
    """Who acknowledged, snoozed and resolved it, and when (oldest first)."""
    said = []
    for row in lead_queries.history(ctx.session, ref):
        until = row.detail.get("until") if row.action == "snoozed" else None
        to = f" until {ctx.when(datetime.fromisoformat(until))}" if until else ""
        said.append(f"{row.action}{to} {ctx.by(row.actor_id, row.at)}")
    if not said:
        return "nobody has acknowledged it yet." if concern.resolved_at is None else "resolved."
    return "; ".join(said) + "."


def _resolve_offer(alert: Alert, ref: str) -> list[Part]:
    """The button to resolve a concern that is still open (nothing for a reminder)."""
    if alert.concern is None or alert.concern.resolved_at is not None:
        return []
    return [
        Question(
            f"When it's dealt with, mark {ref} resolved (or type *resolve {ref}*).",
            (Choice("Mark resolved", f"lead:resolve:{ref}"),),
        )
    ]


def _resolve(ctx: Context, alert: Alert, ref: str, note: str) -> Turn:
    """A concern dealt with: resolved (and acknowledged, if nobody had), with who and when."""
    concern = alert.concern
    if concern is None:
        return say(
            f"{ref} isn't a concern: there's nothing to resolve. "
            f"*ack {ref}* tells the channel you've picked it up."
        )
    if concern.resolved_at is not None:
        return say(
            f"{ref} was already resolved {ctx.by(concern.resolved_by_id, concern.resolved_at)}."
        )
    concern.status = "resolved"
    concern.resolved_at = ctx.now
    concern.resolved_by_id = ctx.person_id
    if concern.acknowledged_at is None:
        _acknowledge(ctx, concern)
    ctx.session.add(concern)
    kept = " Your note is kept with it in the record, not in the channel." if note else ""
    said = (
        f"Resolved {ref}. It no longer counts as open in reports, and I've told the lead channel."
    )
    return _settled(ctx, alert, ref, "resolved", note, Text(f"{said}{kept}"))


def failed_messages(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    """The messages that could not be delivered, for the lead and steering group."""
    schemes = {
        e.scheme.id
        for e in ctx.enrolments
        if e.role in access.STEERING_ROLES and e.scheme.id is not None
    }
    if not schemes:
        return say("Failed deliveries are shown to the project lead and the steering group.")
    lines: list[str] = []
    failed = lead_queries.failed_for(ctx.session, ctx.person_id, schemes)
    lead_queries.record(
        ctx.session, ctx.person_id, FAILED_READ, "failed_messages", ctx.now,
        surface=msg.platform, messages=len(failed),
    )  # fmt: skip
    for letter in failed:
        to = letter.recipient or f"#{letter.channel}"
        # What a person was sent is theirs: only a channel message (no private text) shows.
        said = f": “{letter.preview}”" if letter.recipient_id is None else ""
        lines.append(
            f"• {ctx.when(letter.created_at)}, to {to} ({letter.kind})"
            f"{said}, tried {letter.attempts}x. Last error: {letter.last_error}"
        )
    # A platform that cut us off (the Slack app uninstalled): its messages are held, not failed.
    held = cut_off_note(ctx.session, ctx.tz, ctx.now)
    if not lines:
        nothing = "Every message has been delivered: nothing failed."
        return say(f"{held}\n{nothing.replace('Every', 'Every other')}" if held else nothing)
    listed = (
        "These messages could not be delivered (newest first). Please reach the people "
        "another way, and check the channel's set-up:\n" + "\n".join(lines)
    )
    return say(f"{held}\n{listed}" if held else listed)


def register(registry: Registry) -> None:
    registry.answers[IntentName.LEAD_ACTION] = act
    registry.answers[IntentName.DEAD_LETTERS] = failed_messages
    registry.action_routes["lead"] = IntentName.LEAD_ACTION
