"""Reports for the project lead and the steering group, built from ``storage.report_queries``.

- :class:`ReportKind`: ``health`` (now), the ``6m``, ``9m`` and ``12m`` period reports of the
  scheme (the health figures as of that point, plus what happened since the previous point) and
  the ``annual`` report of the HEE quality standards (evaluation feedback, feedback on mentors
  aggregated, contracts completed and ended early, significant events, changes made).
- :func:`window`: the moment a report is "as of" and the period it covers.
- :func:`build`: the whole report as a :class:`Report`: sections, each with short summary lines
  and tables (headers and rows of plain values), and the data of its charts. Pure: no database,
  no files. The renderers are :func:`to_markdown` (a file), :func:`chat_summary` (a short chat
  message) and, in ``conversations.report_files``, CSV, XLSX and PNG.

No diary entry, concern text, minutes or action text ever reaches a report: the queries return
only counts of those.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlmodel import Session

from conversations.dates import add_months, format_day
from conversations.dialogs.concerns import LEAD_LABELS, Category
from storage import report_queries as rq
from storage.models import Cohort, Scheme

Cell = str | int | float | date | None


class ReportKind(StrEnum):
    HEALTH = "health"
    SIX_MONTHS = "6m"
    NINE_MONTHS = "9m"
    TWELVE_MONTHS = "12m"
    ANNUAL = "annual"

    @property
    def label(self) -> str:
        return {
            ReportKind.HEALTH: "Scheme health",
            ReportKind.SIX_MONTHS: "6-month report",
            ReportKind.NINE_MONTHS: "9-month report",
            ReportKind.TWELVE_MONTHS: "12-month report",
            ReportKind.ANNUAL: "Annual report",
        }[self]

    @property
    def is_period(self) -> bool:
        return self in _POINTS


# The period reports: the month they are due at, and the month their period starts.
_POINTS = {
    ReportKind.SIX_MONTHS: (6, 0),
    ReportKind.NINE_MONTHS: (9, 6),
    ReportKind.TWELVE_MONTHS: (12, 9),
}


@dataclass(frozen=True)
class Table:
    """One table: ``key`` names its CSV file and XLSX sheet."""

    key: str
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class Section:
    title: str
    summary: tuple[str, ...]
    tables: tuple[Table, ...] = ()


@dataclass(frozen=True)
class Chart:
    """A chart's data. ``bar``: one bar per label (``values``, a percentage); ``timeline``: one
    row per label with a dot per date in ``dates``."""

    key: str
    title: str
    kind: str
    labels: tuple[str, ...]
    values: tuple[float, ...] = ()
    dates: tuple[tuple[date, ...], ...] = ()
    as_of: date | None = None


@dataclass(frozen=True)
class Report:
    kind: ReportKind
    title: str
    scheme: str
    cohort: str
    cohort_slug: str
    as_of: date
    # the period covered (first and last day), for period and annual reports
    period: tuple[date, date] | None
    # True when the report's point is still ahead: the figures are as of today
    so_far: bool
    sections: tuple[Section, ...]
    charts: tuple[Chart, ...]

    @property
    def tables(self) -> list[Table]:
        return [t for s in self.sections for t in s.tables]

    @property
    def file_stem(self) -> str:
        return f"{self.cohort_slug}-{self.kind.value}-{self.as_of.isoformat()}"


# ----------------------------------------------------------------------------- when


class NotDueYet(Exception):
    """A period report whose period has not started yet."""

    def __init__(self, kind: ReportKind, due_on: date, starts_on: date) -> None:
        super().__init__(f"the {kind.label} is due on {due_on.isoformat()}")
        self.kind, self.due_on, self.starts_on = kind, due_on, starts_on


@dataclass(frozen=True)
class Window:
    moment: datetime
    start: datetime | None
    point_on: date | None
    so_far: bool


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def window(kind: ReportKind, cohort: Cohort, tz: ZoneInfo, now: datetime) -> Window:
    """As of when, and since when: a period report is as of the start of its point's day (6, 9
    or 12 months after the cohort's start) and covers the months since the previous point; the
    annual report covers the cohort from its start to its end. A point still ahead gives the
    figures so far (as of ``now``)."""
    if kind is ReportKind.HEALTH:
        return Window(now, None, None, False)
    if kind is ReportKind.ANNUAL:
        point, start = cohort.ends_on + timedelta(days=1), cohort.starts_on
    else:
        months, since = _POINTS[kind]
        point, start = (
            add_months(cohort.starts_on, months),
            add_months(cohort.starts_on, since),
        )
    moment = _midnight(point, tz)
    if _midnight(start, tz) > now:
        raise NotDueYet(kind, point, start)
    if moment > now:
        return Window(now, _midnight(start, tz), point, True)
    return Window(moment, _midnight(start, tz), point, False)


# ----------------------------------------------------------------------------- building


def build(
    session: Session,
    asker_id: int,
    cohort_id: int,
    kind: ReportKind,
    now: datetime,
    *,
    shared: bool = False,
) -> Report:
    """The report, read for ``asker_id`` (who must lead or steer the cohort:
    :class:`storage.report_queries.NotAllowed` otherwise). ``shared``: the copy for the lead
    channel, where no named pair is tied to a concern (:func:`without_pair_concerns`)."""
    cohort = session.get(Cohort, cohort_id)
    if cohort is None:
        raise rq.NotAllowed("no such cohort")
    scheme = session.get(Scheme, cohort.scheme_id)
    assert scheme is not None
    when = window(kind, cohort, ZoneInfo(scheme.time_zone), now)
    health = rq.health(session, asker_id, cohort_id, when.moment)
    if shared:
        health = without_pair_concerns(health)
    if kind is ReportKind.HEALTH:
        return build_health(health)
    assert when.start is not None
    period = rq.period(session, asker_id, cohort_id, when.start, when.moment)
    if kind is ReportKind.ANNUAL:
        feedback = rq.feedback(
            session, asker_id, cohort_id, when.start, when.moment, changes_until=now
        )
        return build_annual(health, period, feedback, so_far=when.so_far)
    return build_period(kind, health, period, so_far=when.so_far)


def percent(part: int, whole: int) -> int:
    """A whole percentage, halves rounded up (5 of 8 is 63%)."""
    return (200 * part + whole) // (2 * whole)


def _pct(part: int, whole: int) -> str:
    return f"{percent(part, whole)}%" if whole else "n/a"


def without_pair_concerns(h: rq.Health) -> rq.Health:
    """The figures fit for the lead channel, whose membership is outside our control: open
    concerns counted by category and age only, never against a named pair."""
    pairs = []
    for pair in h.pairs:
        risks = tuple(r for r in pair.risks if r != rq.CONCERN_RISK)
        status = pair.status if risks or pair.status != rq.AT_RISK else "active"
        pairs.append(replace(pair, risks=risks, status=status, open_concerns=0))
    return replace(h, pairs=tuple(pairs))


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def pair_name(pair: rq.PairFigures) -> str:
    return f"{pair.mentee} & {pair.mentor}"


STATUS_LABELS = {
    "active": "active",
    rq.AT_RISK: "at risk",
    "ended_early": "ended early",
    "completed": "completed",
}
CONTRACT_LABELS = {"both": "both", "one": "one side", "none": "neither"}


def concern_label(category: str) -> str:
    try:
        return LEAD_LABELS[Category(category)]
    except ValueError:
        return category.replace("_", " ")


def _pairs_section(h: rq.Health) -> Section:
    counts = {s: h.count(s) for s in STATUS_LABELS}
    summary = [
        f"{_plural(len(h.pairs), 'pair')}: "
        + ", ".join(f"{counts[s]} {label}" for s, label in STATUS_LABELS.items())
        + "."
    ]
    for pair in h.pairs:
        if pair.status == rq.AT_RISK:
            summary.append(f"At risk: {pair_name(pair)} ({'; '.join(pair.risks)}).")
    table = Table(
        "pairs",
        "Pairs",
        (
            "Mentee",
            "Mentor",
            "Status",
            "Why at risk",
            "Started",
            "Ended",
            "Contract signed by",
            "Meetings",
            "Last met",
            "Days since last meeting",
            "Next meeting booked",
            "Open actions",
            "Overdue actions",
            "Open concerns",
        ),
        tuple(
            (
                p.mentee,
                p.mentor,
                STATUS_LABELS[p.status],
                "; ".join(p.risks),
                p.started_on,
                p.ended_on,
                CONTRACT_LABELS[p.contract],
                p.meetings,
                p.last_met_on,
                p.days_since_last,
                p.next_booked_on,
                p.open_actions,
                p.overdue_actions,
                p.open_concerns,
            )
            for p in h.pairs
        ),
    )
    return Section("Pairs", tuple(summary), (table,))


def _contracts_section(h: rq.Health) -> Section:
    running = h.current
    signed = {k: sum(1 for p in running if p.contract == k) for k in CONTRACT_LABELS}
    deadline = (
        f" The deadline is {format_day(h.contract_deadline, h.as_of)}."
        if h.contract_deadline and h.contract_deadline >= h.as_of
        else ""
    )
    summary = (
        f"Contracts of the {_plural(len(running), 'running pair')}: {signed['both']} signed by "
        f"both, {signed['one']} by one side only, {signed['none']} by neither.{deadline}",
    )
    table = Table(
        "contracts",
        "Contracts of running pairs",
        ("Signed by", "Pairs"),
        tuple((CONTRACT_LABELS[k], n) for k, n in signed.items()),
    )
    return Section("Contracts", summary, (table,))


def _meetings_section(h: rq.Health) -> Section:
    running = h.current
    total = sum(p.meetings for p in h.pairs)
    if not total:
        lines = ["No meetings held or confirmed yet."]
    else:
        lines = [
            f"{_plural(total, 'meeting')} held or confirmed so far"
            + (
                f"; the {_plural(len(running), 'running pair')} average "
                f"{sum(p.meetings for p in running) / len(running):.1f} each."
                if running
                else "."
            )
        ]
    never = [p for p in running if p.meetings == 0]
    if never:
        lines.append(f"Not met yet: {', '.join(pair_name(p) for p in never)}.")
    met = [p for p in running if p.days_since_last is not None]
    if met:
        longest = max(met, key=lambda p: p.days_since_last or 0)
        lines.append(
            f"Longest since a meeting: {pair_name(longest)}, "
            f"{_plural(longest.days_since_last or 0, 'day')}."
        )
    open_actions = sum(p.open_actions for p in h.pairs)
    overdue = sum(p.overdue_actions for p in h.pairs)
    lines.append(f"Actions: {open_actions} open, {overdue} overdue.")
    return Section("Meetings and actions", tuple(lines))


def _survey_state(s: rq.SurveyFigures) -> str:
    return "open" if s.still_open else "closed"


def _responses_section(h: rq.Health, surveys: Sequence[rq.SurveyFigures] | None = None) -> Section:
    shown = list(h.surveys if surveys is None else surveys)
    if not shown:
        lines = ["No check-in or evaluation has opened yet."]
        if h.next_survey is not None:
            title, opens_on = h.next_survey
            lines.append(f"Next: the {title} opens {format_day(opens_on, h.as_of)}.")
        return Section("Check-ins and evaluations", tuple(lines))
    lines = [
        f"{s.title}, {'open, closes' if s.still_open else 'closed'} "
        f"{format_day(s.closes_on, h.as_of)}: {s.answered} of {s.due} answered "
        f"({_pct(s.answered, s.due)})."
        for s in shown
    ]
    table = Table(
        "responses",
        "Response rates per deadline",
        ("Survey", "Kind", "Audience", "Opens", "Closes", "State", "Due", "Answered", "Rate"),
        tuple(
            (
                s.title,
                s.kind,
                s.audience,
                s.opens_on,
                s.closes_on,
                _survey_state(s),
                s.due,
                s.answered,
                _pct(s.answered, s.due),
            )
            for s in shown
        ),
    )
    return Section("Check-ins and evaluations", tuple(lines), (table,))


def _concerns_section(h: rq.Health) -> Section:
    total = sum(c.total for c in h.concerns)
    if not total:
        lines: tuple[str, ...] = ("No open concerns.",)
    else:
        waiting = sum(c.unacknowledged for c in h.concerns)
        lines = (
            f"{_plural(total, 'open concern')} ({waiting} not yet acknowledged): "
            + "; ".join(f"{concern_label(c.category)} {c.total}" for c in h.concerns)
            + ".",
        )
    table = Table(
        "concerns",
        "Open concerns by category and age",
        ("Category", *(label for label, _ in rq.AGE_BANDS), "Total", "Not acknowledged"),
        tuple(
            (concern_label(c.category), *c.by_age, c.total, c.unacknowledged) for c in h.concerns
        ),
    )
    return Section("Concerns", lines, (table,))


def _charts(h: rq.Health) -> tuple[Chart, ...]:
    rated = [s for s in h.surveys if s.due]
    charts = [
        Chart(
            "response-rates",
            "Response rate per check-in and evaluation",
            "bar",
            tuple(f"{s.title} (closes {format_day(s.closes_on, h.as_of)})" for s in rated),
            values=tuple(float(percent(s.answered, s.due)) for s in rated),
        ),
        Chart(
            "meeting-cadence",
            "Meetings per pair (held or confirmed)",
            "timeline",
            tuple(pair_name(p) for p in h.pairs),
            dates=tuple(p.meeting_days for p in h.pairs),
            as_of=h.as_of,
        ),
    ]
    return tuple(charts)


def _health_sections(h: rq.Health) -> list[Section]:
    return [
        _pairs_section(h),
        _contracts_section(h),
        _meetings_section(h),
        _responses_section(h),
        _concerns_section(h),
    ]


def build_health(h: rq.Health) -> Report:
    return Report(
        kind=ReportKind.HEALTH,
        title=f"Scheme health: {h.cohort}, {format_day(h.as_of)} {h.as_of.year}",
        scheme=h.scheme,
        cohort=h.cohort,
        cohort_slug=h.cohort_slug,
        as_of=h.as_of,
        period=None,
        so_far=False,
        sections=tuple(_health_sections(h)),
        charts=_charts(h),
    )


def _period_section(h: rq.Health, p: rq.Period) -> Section:
    raised = sum(n for _, n in p.concerns_raised)
    lines = [
        f"{_plural(p.meetings_held, 'meeting')} held or confirmed, by "
        f"{_plural(p.pairs_that_met, 'pair')}."
        if p.meetings_held
        else "No meetings held or confirmed in this period.",
        f"Pairs: {p.pairs_started} started, {p.ended_early} ended early, {p.completed} completed.",
        f"Actions: {p.actions_agreed} agreed, {p.actions_done} done.",
        (f"{_plural(raised, 'concern')} raised" if raised else "No concerns raised")
        + (
            " (" + "; ".join(f"{concern_label(c)} {n}" for c, n in p.concerns_raised) + ")"
            if raised
            else ""
        )
        + (f", {p.urgent_concerns} of them urgent." if p.urgent_concerns else "."),
    ]
    if p.changes:
        lines.append(f"{_plural(len(p.changes), 'change')} made in response to feedback.")
    table = Table(
        "period",
        "In this period",
        ("Measure", "Count"),
        (
            ("Meetings held or confirmed", p.meetings_held),
            ("Pairs that met", p.pairs_that_met),
            ("Pairs started", p.pairs_started),
            ("Pairs ended early", p.ended_early),
            ("Pairs completed", p.completed),
            ("Actions agreed", p.actions_agreed),
            ("Actions done", p.actions_done),
            ("Concerns raised", raised),
            ("Urgent concerns raised", p.urgent_concerns),
            ("Changes made in response to feedback", len(p.changes)),
        ),
    )
    tables = [table]
    if p.concerns_raised:
        tables.append(
            Table(
                "concerns-raised",
                "Concerns raised in this period",
                ("Category", "Raised"),
                tuple((concern_label(c), n) for c, n in p.concerns_raised),
            )
        )
    title = (
        f"In this period ({format_day(p.starts_on, h.as_of)} to {format_day(p.ends_on, h.as_of)})"
    )
    return Section(title, tuple(lines), tuple(tables))


def _heading(kind: ReportKind, h: rq.Health, p: rq.Period, so_far: bool) -> str:
    day = f"{format_day(h.as_of)} {h.as_of.year}"
    if so_far:
        return f"{kind.label} so far: {h.cohort}, as of {day}"
    return f"{kind.label}: {h.cohort}, as of {day}"


def build_period(kind: ReportKind, h: rq.Health, p: rq.Period, *, so_far: bool) -> Report:
    sections = [_period_section(h, p), *_health_sections(h)]
    if p.changes:
        sections.append(_changes_section(p.changes, h.as_of))
    return Report(
        kind=kind,
        title=_heading(kind, h, p, so_far),
        scheme=h.scheme,
        cohort=h.cohort,
        cohort_slug=h.cohort_slug,
        as_of=h.as_of,
        period=(p.starts_on, p.ends_on),
        so_far=so_far,
        sections=tuple(sections),
        charts=_charts(h),
    )


def _changes_section(changes: Sequence[rq.Change], as_of: date) -> Section:
    if not changes:
        return Section(
            "Changes made in response to feedback",
            ("None recorded yet. Say *change made: ...* to record one.",),
        )
    return Section(
        "Changes made in response to feedback",
        tuple(f"{format_day(c.recorded_on, as_of)}: {c.text}" for c in changes),
        (
            Table(
                "changes",
                "Changes made in response to feedback",
                ("Recorded", "Change", "Recorded by"),
                tuple((c.recorded_on, c.text, c.recorded_by) for c in changes),
            ),
        ),
    )


def _choices(counts: Sequence[tuple[str, int]]) -> str:
    return "; ".join(f"{choice}: {n}" for choice, n in counts)


def _feedback_row(q: rq.QuestionSummary) -> tuple[Cell, ...]:
    return (
        q.survey,
        q.question,
        q.respondents,
        q.answers,
        q.average,
        _choices(q.counts) if q.kind == "choice" else "",
    )


def _evaluation_section(f: rq.Feedback) -> Section:
    lines: list[str] = []
    if not any(q.answers for q in f.evaluation):
        lines.append("No evaluation answers yet.")
    for q in f.evaluation:
        if not q.answers:
            continue
        if q.kind == "scale" and q.average is not None:
            lines.append(
                f"{q.question} ({q.respondents}): average {q.average:.1f} "
                f"({_plural(q.answers, 'answer')})."
            )
        elif q.kind == "choice":
            lines.append(f"{q.question} ({q.respondents}): {_choices(q.counts)}.")
    written = sum(q.answers for q in f.evaluation if q.kind == "text")
    if written and not f.show_free_text:
        lines.append(
            f"{_plural(written, 'written answer')} not shown: this scheme keeps written answers "
            "out of reports."
        )
    if f.follow_ups_requested:
        lines.append(
            f"{_plural(f.follow_ups_requested, 'follow-up')} requested from the project team."
        )
    tables = [
        Table(
            "evaluation",
            "Evaluation feedback",
            ("Survey", "Question", "From", "Answers", "Average", "Choices"),
            tuple(_feedback_row(q) for q in f.evaluation),
        )
    ]
    if f.show_free_text:
        tables.append(
            Table(
                "written-answers",
                "Written answers",
                ("Survey", "Question", "From", "Answer"),
                tuple(
                    (q.survey, q.question, q.respondents, text)
                    for q in f.evaluation
                    for text in q.texts
                ),
            )
        )
    return Section("Evaluation feedback", tuple(lines), tuple(tables))


TOO_FEW = "too few answers to show"


def _mentors_section(f: rq.Feedback) -> Section:
    threshold = f"fewer than {f.min_mentor_answers}"
    lines: list[str] = []
    rows: list[tuple[Cell, ...]] = []
    for m in f.mentors:
        if m.visibility == "about_you":
            lines.append(f"{m.mentor}, {m.survey}: not shown to you, as it is about you.")
            rows.append((m.mentor, m.survey, None, "not shown to you (about you)", None, None, ""))
        elif m.visibility == "too_few":
            lines.append(f"{m.mentor}, {m.survey}: {TOO_FEW} ({threshold}).")
            rows.append((m.mentor, m.survey, None, f"{TOO_FEW} ({threshold})", None, None, ""))
        else:
            shown = [
                f"“{q.question}” {q.average:.1f} on average"
                if q.kind == "scale"
                else f"“{q.question}” {_choices(q.counts)}"
                for q in m.questions
                if q.answers and (q.kind == "choice" or q.average is not None)
            ]
            lines.append(f"{m.mentor}, {m.survey}, {m.answers} answers: " + "; ".join(shown) + ".")
            for q in m.questions:
                rows.append(
                    (
                        m.mentor,
                        m.survey,
                        m.answers,
                        q.question,
                        q.answers,
                        q.average,
                        _choices(q.counts) if q.kind == "choice" else "",
                    )
                )
    if not f.mentors:
        lines.append("No feedback on individual mentors yet.")
    lines.append(
        f"A mentor's feedback is shown only as an aggregate of at least {f.min_mentor_answers} "
        "answers, so no single answer can be traced; written answers about a mentor are never shown."
    )
    table = Table(
        "mentor-feedback",
        "Feedback on individual mentors",
        ("Mentor", "Survey", "Answers", "Question", "Answered", "Average", "Choices"),
        tuple(rows),
    )
    return Section("Feedback on individual mentors", tuple(lines), (table,))


def _outcomes_section(f: rq.Feedback) -> Section:
    reasons = (
        " (" + "; ".join(f"{reason}: {n}" for reason, n in f.end_reasons) + ")"
        if f.end_reasons
        else ""
    )
    events = (
        "No significant events: no urgent concern was raised."
        if not f.urgent_concerns
        else f"Significant events: {_plural(f.urgent_concerns, 'urgent concern')} raised "
        "(patient safety, safeguarding or fitness to practise)."
    )
    lines = (
        f"Contracts completed: {f.completed}; ended early: {f.ended_early}{reasons}; "
        f"still running: {f.still_active}.",
        events,
    )
    rows: list[tuple[Cell, ...]] = [("Completed", f.completed), ("Ended early", f.ended_early)]
    rows += [(f"Ended early: {reason}", n) for reason, n in f.end_reasons]
    rows += [("Still running", f.still_active), ("Urgent concerns raised", f.urgent_concerns)]
    table = Table(
        "outcomes", "Contracts completed and ended early", ("Outcome", "Pairs"), tuple(rows)
    )
    return Section("Contracts completed and ended early", lines, (table,))


def build_annual(h: rq.Health, p: rq.Period, f: rq.Feedback, *, so_far: bool) -> Report:
    sections = [
        _outcomes_section(f),
        _evaluation_section(f),
        _mentors_section(f),
        _changes_section(f.changes, h.as_of),
        _period_section(h, p),
        *_health_sections(h),
    ]
    return Report(
        kind=ReportKind.ANNUAL,
        title=_heading(ReportKind.ANNUAL, h, p, so_far),
        scheme=h.scheme,
        cohort=h.cohort,
        cohort_slug=h.cohort_slug,
        as_of=h.as_of,
        period=(p.starts_on, p.ends_on),
        so_far=so_far,
        sections=tuple(sections),
        charts=_charts(h),
    )


# ----------------------------------------------------------------------------- text renderers


def cell_text(value: Cell, as_of: date | None = None) -> str:
    """A cell as text: dates as "Thu 12 Mar" (with the year when not ``as_of``'s), numbers plain,
    nothing as a dash."""
    if value is None or value == "":
        return "–"
    if isinstance(value, date):
        return format_day(value, as_of)
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(report: Report) -> str:
    """The whole report as a Markdown document (tables as GitHub-style pipe tables)."""
    lines = [f"# {report.title}", "", f"{report.scheme}."]
    if report.period is not None:
        first, last = report.period
        lines[-1] += f" Period: {format_day(first)} {first.year} to {format_day(last)} {last.year}."
    if report.so_far:
        lines[-1] += " The period is not over yet: these are the figures so far."
    for section in report.sections:
        lines += ["", f"## {section.title}", ""]
        lines += [f"- {line}" for line in section.summary]
        for table in section.tables:
            lines += ["", f"### {table.title}", ""]
            if not table.rows:
                lines.append("(none)")
                continue
            lines.append("| " + " | ".join(_md_escape(h) for h in table.headers) + " |")
            lines.append("|" + "|".join(" --- " for _ in table.headers) + "|")
            for row in table.rows:
                lines.append(
                    "| " + " | ".join(_md_escape(cell_text(c, report.as_of)) for c in row) + " |"
                )
    return "\n".join(lines) + "\n"


# The sections a chat message shows (the files and the Markdown have them all): a period
# report's news and the state of the pairs; the annual report's HEE sections.
_LEFT_OUT_OF_CHAT = {
    ReportKind.HEALTH: (),
    ReportKind.SIX_MONTHS: ("Contracts", "Meetings and actions"),
    ReportKind.NINE_MONTHS: ("Contracts", "Meetings and actions"),
    ReportKind.TWELVE_MONTHS: ("Contracts", "Meetings and actions"),
    ReportKind.ANNUAL: (
        "In this period",
        "Pairs",
        "Contracts",
        "Meetings and actions",
        "Check-ins and evaluations",
        "Concerns",
    ),
}


def chat_summary(report: Report) -> str:
    """A short message for chat: the title and the summary lines of the sections that matter
    most for the kind (every section for scheme health)."""
    lines = [f"*{report.title}*"]
    if report.so_far:
        lines.append("The period isn't over yet, so these are the figures so far.")
    left_out = _LEFT_OUT_OF_CHAT[report.kind]
    for section in report.sections:
        if section.title.split(" (")[0] in left_out:
            continue
        lines += ["", f"*{section.title}*"]
        lines += [f"• {line}" for line in section.summary]
    return "\n".join(lines)
