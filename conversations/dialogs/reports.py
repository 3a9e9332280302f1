"""Reports in chat, for the project lead and the steering group (one-turn answers).

- "scheme health", "6 month report", "9 month report", "12 month report", "annual report":
  the report's summary as a short message, with its charts as PNG files. "... as xlsx" (or
  "spreadsheet", "excel"), "... as csv", "... as markdown" add those files.
- "... post it to the lead channel" also posts the summary and charts to the scheme's lead
  channel. A 6, 9 or 12-month report whose point has passed is posted there once on its own
  (the first time anyone asks; kept in the audit log), so the steering group sees it without
  the channel filling up with copies.
- "change made: moved the training day online after feedback" records a change made in
  response to feedback, for the annual report.

Everyone else is refused kindly; someone who wants to "report my mentor" is pointed to
"raise a concern".
"""

from __future__ import annotations

import re

from sqlmodel import col, select

from conversations import report_files
from conversations.dates import format_day, format_when
from conversations.dialogs.base import Context, Outgoing, Registry, Turn
from conversations.intents import Intent, IntentName
from conversations.messages import Incoming, Part, Text
from conversations.reports import NotDueYet, Report, ReportKind, build, chat_summary
from storage import report_queries
from storage.models import AuditLog, Cohort, Scheme

_KINDS: list[tuple[ReportKind, re.Pattern[str]]] = [
    (ReportKind.ANNUAL, re.compile(r"\b(?:annual|yearly|year'?s|hee)\b", re.I)),
    (ReportKind.SIX_MONTHS, re.compile(r"\b(?:6|six)[- ]?months?\b|\bhalf[- ]?year", re.I)),
    (ReportKind.NINE_MONTHS, re.compile(r"\b(?:9|nine)[- ]?months?\b", re.I)),
    (ReportKind.TWELVE_MONTHS, re.compile(r"\b(?:12|twelve)[- ]?months?\b|\bfinal\b", re.I)),
]
_FORMATS: list[tuple[str, re.Pattern[str]]] = [
    ("xlsx", re.compile(r"\b(?:xlsx|excel|spreadsheet|workbook)\b", re.I)),
    ("csv", re.compile(r"\bcsv\b", re.I)),
    ("md", re.compile(r"\b(?:markdown|md)\b", re.I)),
]
_TO_CHANNEL = re.compile(
    r"\b(?:post|share|send|put)\b.*\b(?:channel|steering group)\b|\b(?:to|in|into) the (?:lead )?channel\b",
    re.I,
)
_ABOUT_SOMEONE = re.compile(r"\b(?:my (?:mentor|mentee|partner)|him|her|them)\b", re.I)
POSTED = "report_posted"


def parse_kind(text: str) -> ReportKind:
    for kind, pattern in _KINDS:
        if pattern.search(text):
            return kind
    return ReportKind.HEALTH


def parse_formats(text: str) -> list[str]:
    return [fmt for fmt, pattern in _FORMATS if pattern.search(text)]


def _refusal(text: str) -> Turn:
    if _ABOUT_SOMEONE.search(text):
        return Turn(
            replies=[
                Text(
                    "Reports on the scheme are for the project lead and the steering group. "
                    "If something about your mentoring partner worries you, say *raise a concern*: "
                    "only the project lead and the steering group will see it, and they'll be in "
                    "touch."
                )
            ]
        )
    return Turn(
        replies=[
            Text(
                "Reports on the scheme are for the project lead and the steering group. "
                "For your own part, try *what's next*, *my meetings* or *my actions*."
            )
        ]
    )


def _cohort_named(ctx: Context, text: str) -> Cohort | None:
    """The cohort the person steers that the message names by slug, else their newest."""
    steered = report_queries.cohorts_steered(ctx.session, ctx.person_id)
    if not steered:
        return None
    words = set(re.findall(r"[\w-]+", text.lower()))
    named = [c for c in steered if c.slug.lower() in words]
    return named[0] if named else steered[0]


def _posted_before(ctx: Context, report: Report, cohort_id: int) -> AuditLog | None:
    rows = ctx.session.exec(
        select(AuditLog)
        .where(AuditLog.action == POSTED, AuditLog.subject == f"cohort:{cohort_id}")
        .order_by(col(AuditLog.id))
    ).all()
    return next(
        (
            r
            for r in rows
            if r.detail.get("kind") == report.kind.value
            and r.detail.get("as_of") == report.as_of.isoformat()
        ),
        None,
    )


def report(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    text = msg.text
    cohort = _cohort_named(ctx, text)
    if cohort is None or cohort.id is None:
        return _refusal(text)
    kind = parse_kind(text)
    try:
        built = build(ctx.session, ctx.person_id, cohort.id, kind, ctx.now)
    except report_queries.NotAllowed:
        return _refusal(text)
    except NotDueYet as not_yet:
        return Turn(
            replies=[
                Text(
                    f"The {kind.label} for {cohort.name} covers the months from "
                    f"{format_day(not_yet.starts_on, ctx.today)}, so it isn't due until "
                    f"{format_day(not_yet.due_on, ctx.today)}. Until then, *scheme health* "
                    "shows today's figures."
                )
            ]
        )
    scheme = ctx.session.get(Scheme, cohort.scheme_id)
    assert scheme is not None

    charts = [f.attachment() for f in report_files.png_files(built)]
    files: list[Part] = []
    for fmt in parse_formats(text):
        files += [f.attachment() for f in report_files.files_for(built, fmt)]
    summary = chat_summary(built)
    so_far = " so far" if built.so_far else ""
    replies: list[Part] = [
        Text(f"Here's the {kind.label.lower()}{so_far} for {cohort.name}."),
        Text(summary, private=True),
    ]

    asked_to_post = bool(_TO_CHANNEL.search(text))
    earlier = _posted_before(ctx, built, cohort.id)
    auto_post = kind.is_period and not built.so_far and earlier is None
    outgoing: list[Outgoing] = []
    notes: list[str] = []
    if asked_to_post or auto_post:
        # The channel's copy ties no concern to a named pair.
        shared = build(ctx.session, ctx.person_id, cohort.id, kind, ctx.now, shared=True)
        outgoing.append(
            Outgoing(
                parts=(
                    Text(
                        f"{ctx.person.display_name} shared the {kind.label.lower()}{so_far} "
                        f"for {cohort.name}."
                    ),
                    Text(chat_summary(shared), private=True),
                    *[f.attachment() for f in report_files.png_files(shared)],
                ),
                channel=scheme.lead_channel,
                scheme_id=scheme.id,
                kind="report",
            )
        )
        ctx.session.add(
            AuditLog(
                at=ctx.now,
                actor_id=ctx.person_id,
                action=POSTED,
                subject=f"cohort:{cohort.id}",
                detail={"kind": kind.value, "as_of": built.as_of.isoformat()},
            )
        )
        notes.append(f"I've also posted it with its charts in #{scheme.lead_channel}.")
    elif kind.is_period and earlier is not None:
        who = ctx.name_of(earlier.actor_id) if earlier.actor_id else "someone"
        notes.append(
            f"It was posted in #{scheme.lead_channel} {format_when(earlier.at, ctx.tz, ctx.now)} "
            f"(shared by {who}); say *post the {kind.label} to the lead channel* to post it again."
        )
    else:
        notes.append(
            "Say *... as xlsx* or *... as csv* for the tables, or *post it to the lead channel* "
            "to share it with the steering group."
            if not files
            else "Say *post it to the lead channel* to share it with the steering group."
        )
    if not charts:
        notes.append("There are no charts yet: nothing to plot.")
    replies.append(Text(" ".join(notes)))
    return Turn(replies=[*replies, *charts, *files], outgoing=outgoing)


def scheme_change(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    cohort = _cohort_named(ctx, "")
    if cohort is None or cohort.id is None:
        return Turn(
            replies=[
                Text(
                    "Recording changes to the scheme is for the project lead and the steering "
                    "group. If you have feedback on the scheme, the next check-in or evaluation "
                    "is the place for it, or tell the project lead."
                )
            ]
        )
    change = intent.rest.strip()
    if not change:
        return Turn(
            replies=[
                Text(
                    "What changed? For example: *change made: moved the training day online "
                    "after feedback*."
                )
            ]
        )
    report_queries.record_change(ctx.session, ctx.person_id, cohort.id, change[:1000], ctx.now)
    return Turn(
        replies=[
            Text(
                f"Recorded for {cohort.name}'s annual report: “{change[:1000]}”. "
                "Say *annual report* to see it with the other changes."
            )
        ]
    )


def register(registry: Registry) -> None:
    registry.answers[IntentName.REPORT] = report
    registry.answers[IntentName.SCHEME_CHANGE] = scheme_change
