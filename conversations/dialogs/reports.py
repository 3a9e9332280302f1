"""Reports in chat, for the project lead and the steering group (one-turn answers).

- "scheme health", "6 month report" (or 9, 12), "annual report": the summary as a short message
  with its charts as PNG files; "... as xlsx" ("spreadsheet", "excel"), "... as csv", "... as
  markdown" add those files, and "... post it to the lead channel" posts them there too. A
  6, 9 or 12-month report whose point has passed is posted there once on its own (the first
  time anyone asks), so the steering group sees it without the channel filling with copies.
- "post that to the lead channel" right after a report posts that report, with its files.
- "change made: moved the training day online after feedback" records a change made in
  response to feedback, for the annual report.

Everyone else is refused kindly; someone who wants to "report my mentor" is pointed to
"raise a concern".
"""

from __future__ import annotations

from conversations import report_files
from conversations.dates import format_day
from conversations.dialogs.base import Context, Outgoing, Registry, Turn, say, to_lead_channel
from conversations.intents import Intent, IntentName
from conversations.language import reports as asking
from conversations.messages import Incoming, Text
from conversations.reports import NotDueYet, Report, ReportKind, build, chat_summary
from storage import outbox_queries, report_queries
from storage.models import Cohort, Scheme

NOTHING_TO_POST = (
    "I can post a report to the lead channel, and nothing else: the channel never carries a "
    "concern's details or anyone's name. Ask for the report first (say *6-month report*, or "
    "*scheme health*), then say *post that to the lead channel*."
)


def _refusal(text: str) -> Turn:
    """Kindly: someone who wants to "report my mentor" is pointed to *raise a concern*."""
    instead = (
        "If something about your mentoring partner worries you, say *raise a concern*: only "
        "the project lead, the steering group and the moderator will see it, and they'll be in "
        "touch."
        if asking.about_someone(text)
        else "For your own part, try *what's next*, *my meetings* or *my actions*."
    )
    return say(f"Reports on the scheme are for the project lead and the steering group. {instead}")


def _cohort_named(ctx: Context, text: str) -> Cohort | None:
    """The cohort the person steers that the message names by slug or name, else the one reported on
    by default (their newest running cohort)."""
    steered = report_queries.cohorts_steered(ctx.session, ctx.person_id)
    named = next((c for c in steered if asking.names_slug(text, c.slug, c.name)), None)
    return named or report_queries.reported_by_default(ctx.session, steered)


def report(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    text = msg.text
    cohort = _cohort_named(ctx, text)
    if cohort is None or cohort.id is None:
        return _refusal(text)
    kind = ReportKind(asking.report_kind(text) or ReportKind.HEALTH)
    try:
        built = build(ctx.session, ctx.person_id, cohort.id, kind, ctx.now)
    except report_queries.NotAllowed:
        return _refusal(text)
    except NotDueYet as not_yet:
        return say(
            f"The {kind.label} for {cohort.name} covers the months from "
            f"{format_day(not_yet.starts_on, ctx.today)}, so it isn't due until "
            f"{format_day(not_yet.due_on, ctx.today)}. Until then, *scheme health* "
            "shows today's figures."
        )
    scheme = ctx.session.get(Scheme, cohort.scheme_id)
    assert scheme is not None

    formats = asking.file_formats(text)
    charts = [f.attachment() for f in report_files.png_files(built)]
    files = [f.attachment() for fmt in formats for f in report_files.files_for(built, fmt)]
    _record(ctx, report_queries.SHOWN, cohort.id, built, formats)
    earlier = report_queries.posted_before(ctx.session, cohort.id, kind.value, built.as_of)
    asked = asking.to_a_channel(text)
    # Posted when asked, with the files asked for; on its own (once), with its charts only.
    posting = asked or (kind.is_period and not built.so_far and earlier is None)
    if posting:
        note = f"I've also posted it with its charts in #{scheme.lead_channel}."
    elif kind.is_period and earlier is not None:
        who = ctx.name_of(earlier.actor_id) if earlier.actor_id else "someone"
        note = (
            f"It was posted in #{scheme.lead_channel} {ctx.when(earlier.at)} (shared by {who}); "
            f"say *post the {kind.label} to the lead channel* to post it again."
        )
    elif files:
        note = "Say *post it to the lead channel* to share it with the steering group."
    else:
        note = (
            "Say *... as xlsx* or *... as csv* for the tables, or *post it to the lead channel* "
            "to share it with the steering group."
        )
    nothing = "" if charts else " There are no charts yet: nothing to plot."
    so_far = " so far" if built.so_far else ""
    return Turn(
        replies=[
            Text(f"Here's the {kind.label.lower()}{so_far} for {cohort.name}."),
            Text(chat_summary(built), private=True),
            Text(note + nothing),
            *charts,
            *files,
        ],
        outgoing=[_post(ctx, scheme, cohort, kind, formats if asked else [])] if posting else [],
    )


def _post(
    ctx: Context, scheme: Scheme, cohort: Cohort, kind: ReportKind, formats: list[str]
) -> Outgoing:
    """The report for the lead channel, with its charts and the files asked for (named too,
    for a channel that cannot carry files), recorded in the audit log. The channel's copy ties
    no concern to a named pair."""
    assert cohort.id is not None
    shared = build(ctx.session, ctx.person_id, cohort.id, kind, ctx.now, shared=True)
    files = [f.attachment() for fmt in formats for f in report_files.files_for(shared, fmt)]
    named = f" ({', '.join(f.filename for f in files)})" if files else ""
    so_far = " so far" if shared.so_far else ""
    _record(ctx, report_queries.POSTED, cohort.id, shared)
    return to_lead_channel(
        scheme,
        Text(
            f"{ctx.person.display_name} shared the {kind.label.lower()}{so_far} "
            f"for {cohort.name}{named}."
        ),
        Text(chat_summary(shared), private=True),
        *[f.attachment() for f in report_files.png_files(shared)],
        *files,
        kind="report",
    )


def _record(
    ctx: Context, action: str, cohort_id: int, report: Report, formats: list[str] | None = None
) -> None:
    """Keep in the audit log that ``report`` was shown to the person, or posted by them."""
    report_queries.record_report(
        ctx.session,
        ctx.person_id,
        action,
        cohort_id,
        ctx.now,
        kind=report.kind.value,
        as_of=report.as_of,
        formats=formats or [],
    )


def post_shown(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    """ "post that to the lead channel", "can you put this in #leads": the report the person
    was just given, posted as it was given (with its files). Only a report: anything else
    shown in a person's own chat (an opened concern, who is in which pairing) stays there."""
    given = report_queries.last_given(ctx.session, ctx.person_id)
    answered = outbox_queries.last_reply_at(ctx.session, ctx.person_id)
    if given is None or (answered is not None and answered > given.at):
        return say(NOTHING_TO_POST)
    cohort = ctx.session.get(Cohort, given.cohort_id)
    kind = ReportKind(given.kind)
    scheme = ctx.session.get(Scheme, cohort.scheme_id) if cohort is not None else None
    if cohort is None or scheme is None:
        return say(NOTHING_TO_POST)
    try:
        posted = _post(ctx, scheme, cohort, kind, list(given.formats))
    except (report_queries.NotAllowed, NotDueYet):
        return _refusal(msg.text)
    return say(
        f"Done: I've posted the {kind.label.lower()} in #{scheme.lead_channel}.", outgoing=[posted]
    )


def scheme_change(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    cohort = _cohort_named(ctx, "")
    if cohort is None or cohort.id is None:
        return say(
            "Recording changes to the scheme is for the project lead and the steering "
            "group. If you have feedback on the scheme, the next check-in or evaluation "
            "is the place for it, or tell the project lead."
        )
    change = intent.rest.strip()
    if not change:
        return say(
            "What changed? For example: *change made: moved the training day online "
            "after feedback*."
        )
    report_queries.record_change(ctx.session, ctx.person_id, cohort.id, change[:1000], ctx.now)
    return say(
        f"Recorded for {cohort.name}'s annual report: “{change[:1000]}”. "
        "Say *annual report* to see it with the other changes."
    )


def register(registry: Registry) -> None:
    registry.answers[IntentName.REPORT] = report
    registry.answers[IntentName.SCHEME_CHANGE] = scheme_change
    registry.answers[IntentName.POST_TO_CHANNEL] = post_shown
