"""A report (``conversations.reports.Report``) as files: Markdown, CSV, XLSX and PNG charts.

- ``markdown_file``: the whole report as one ``.md`` file.
- ``csv_files``: ONE CSV FILE PER TABLE (``<cohort>-<kind>-<date>-<table>.csv``, UTF-8 with a
  byte-order mark so Excel reads accents right): each table keeps its own columns, so every
  file opens straight into a spreadsheet with one header row. Dates are ISO (2026-11-23).
- ``xlsx_file``: one workbook, a "Summary" sheet (the title and each section's summary lines),
  then one sheet per table, named after its key ("Mentor feedback"): header row bold and frozen, column widths set to fit, dates as real
  dates.

Spreadsheets never run people's text (OWASP "CSV injection"). Every string cell may hold text
that came from people (a name, an answer, a cohort's name), so in a CSV file a string starting
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with a single quote, and in
the workbook every string cell is stored as a string, never a formula. Numbers and dates we
computed are written as they are (a computed -3 stays the number -3).
- ``png_files``: the charts (matplotlib, the Agg backend, imported only when a chart is drawn
  so that ``mentorbot chat`` starts fast): response rates per deadline (bars) and meeting
  cadence per pair (a dot for every meeting on a timeline).

Everything renders to bytes in memory; callers write files (the CLI) or attach them to a
message (``Attachment.binary``).
"""

from __future__ import annotations

import csv
import io
import textwrap
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from conversations.messages import Attachment
from conversations.reports import Chart, Report, Table, to_markdown

MARKDOWN = "text/markdown"
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG = "image/png"
FORMATS = ("md", "csv", "xlsx", "png")


@dataclass(frozen=True)
class ReportFile:
    filename: str
    media_type: str
    data: bytes

    def attachment(self) -> Attachment:
        return Attachment.binary(self.filename, self.media_type, self.data)


def markdown_file(report: Report) -> ReportFile:
    return ReportFile(f"{report.file_stem}.md", MARKDOWN, to_markdown(report).encode("utf-8"))


# What a spreadsheet may read as the start of a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else ("" if value is None else value)


def csv_cell(value: Any) -> Any:
    """A cell for a CSV file: a string that a spreadsheet would run as a formula gets a leading
    single quote, so it is shown as the text it is; numbers and dates are left as they are."""
    value = _plain(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _as_text(sheet: Any) -> None:
    """Store every string cell of ``sheet`` as a string: openpyxl reads a string starting with
    ``=`` as a formula unless told otherwise."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"


def csv_files(report: Report) -> list[ReportFile]:
    files: list[ReportFile] = []
    for table in report.tables:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([csv_cell(h) for h in table.headers])
        writer.writerows([csv_cell(c) for c in row] for row in table.rows)
        files.append(
            ReportFile(
                f"{report.file_stem}-{table.key}.csv", CSV, out.getvalue().encode("utf-8-sig")
            )
        )
    return files


def _sheet_title(table: Table, used: set[str]) -> str:
    """The table's key as a short sheet name ("mentor-feedback" is "Mentor feedback"); Excel
    allows 31 characters, unique in the workbook."""
    title = table.key.replace("-", " ").capitalize()[:31]
    base, n = title, 2
    while title.lower() in used:
        suffix = f" {n}"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


def xlsx_file(report: Report) -> ReportFile:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Summary"
    summary.append([report.title])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([report.scheme])
    for section in report.sections:
        summary.append([])
        summary.append([section.title])
        summary.cell(row=summary.max_row, column=1).font = bold
        for line in section.summary:
            summary.append([line])
    summary.column_dimensions["A"].width = 110

    used = {"summary"}
    for table in report.tables:
        sheet = book.create_sheet(_sheet_title(table, used))
        sheet.append(list(table.headers))
        for cell in sheet[1]:
            cell.font = bold
        for row in table.rows:
            sheet.append([("" if c is None else c) for c in row])
        sheet.freeze_panes = "A2"
        for index, header in enumerate(table.headers, start=1):
            widest = max([len(header)] + [len(str(_plain(row[index - 1]))) for row in table.rows])
            sheet.column_dimensions[get_column_letter(index)].width = min(60, max(10, widest + 2))
        for row_cells in sheet.iter_rows(min_row=2):
            for cell in row_cells:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
    for sheet in book.worksheets:
        _as_text(sheet)
    out = io.BytesIO()
    book.save(out)
    return ReportFile(f"{report.file_stem}.xlsx", XLSX, out.getvalue())


def png_files(report: Report) -> list[ReportFile]:
    """The report's charts as PNG images (a chart with no data is left out)."""
    files: list[ReportFile] = []
    for chart in report.charts:
        data = chart_png(chart)
        if data is not None:
            files.append(ReportFile(f"{report.file_stem}-{chart.key}.png", PNG, data))
    return files


def timeline_span(chart: Chart) -> tuple[date, date] | None:
    """The days a timeline shows: its meetings and "today", with a margin, and at least four
    weeks (matplotlib left to itself widens one or two close dates to several years)."""
    days = [day for row in chart.dates for day in row]
    if chart.as_of is not None:
        days.append(chart.as_of)
    if not days:
        return None
    first, last = min(days), max(days)
    if (last - first).days < 28:
        first = last - timedelta(days=28)
    margin = timedelta(days=max(3, (last - first).days // 20))
    return first - margin, last + margin


def chart_png(chart: Chart) -> bytes | None:
    """One chart drawn with matplotlib's Agg backend (no display needed); None when empty."""
    if not chart.labels:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure

    rows = len(chart.labels)
    if chart.kind == "bar":
        figure = Figure(figsize=(max(6.0, 1.6 * rows + 2), 4.5), dpi=100)
        axes = figure.subplots()
        positions = list(range(rows))
        bars = axes.bar(positions, chart.values, color="#2b6cb0")
        labels = ["\n".join(textwrap.wrap(label, 22)) for label in chart.labels]
        axes.set_xticks(positions, labels, fontsize=8)
        axes.set_ylim(0, 105)
        axes.set_ylabel("Answered (%)")
        axes.bar_label(bars, labels=[f"{v:g}%" for v in chart.values], fontsize=8)
    else:
        figure = Figure(figsize=(9.0, max(2.5, 0.5 * rows + 1.5)), dpi=100)
        axes = figure.subplots()
        for row, days in enumerate(chart.dates):
            axes.plot(list(days), [row] * len(days), "o", color="#2b6cb0", markersize=7)  # type: ignore[arg-type]
            axes.annotate(
                f"{len(days)}",
                xy=(1.01, row),
                xycoords=("axes fraction", "data"),
                va="center",
                fontsize=8,
            )
        axes.annotate(
            "meetings",
            xy=(1.01, 1.01),
            xycoords="axes fraction",
            fontsize=8,
            va="bottom",
        )
        axes.set_yticks(list(range(rows)), chart.labels, fontsize=8)
        axes.set_ylim(-0.7, rows - 0.3)
        axes.invert_yaxis()
        if chart.as_of is not None:
            axes.axvline(chart.as_of, color="#999999", linestyle="--", linewidth=1)  # type: ignore[arg-type]
        axes.grid(axis="x", color="#dddddd")
        if (span := timeline_span(chart)) is not None:
            axes.set_xlim(*span)  # type: ignore[arg-type]
        locator = AutoDateLocator()  # type: ignore[no-untyped-call]
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    axes.set_title(chart.title)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def files_for(report: Report, fmt: str) -> list[ReportFile]:
    """The files of one format: ``md``, ``csv``, ``xlsx`` or ``png``."""
    if fmt == "md":
        return [markdown_file(report)]
    if fmt == "csv":
        return csv_files(report)
    if fmt == "xlsx":
        return [xlsx_file(report)]
    if fmt == "png":
        return png_files(report)
    raise ValueError(f"unknown report format {fmt!r}: use one of {', '.join(FORMATS)}")
