"""Reading a spreadsheet of people (CSV or XLSX) into its heading and rows, with the place each
row has in the file, so a mistake can be reported where the person will look for it: the line
of a CSV file (as a text editor counts), the row of a workbook (as Excel shows it).

Nothing here knows what the columns mean: ``conversations.people_import`` does.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

SUFFIXES = (".csv", ".xlsx")


class PeopleFileError(ValueError):
    """A file that cannot be read at all; ``str(error)`` is the one line to show."""


@dataclass(frozen=True)
class Sheet:
    """A file's first row (the column headings) and the rows below it that hold anything."""

    unit: str  # "line" (CSV) or "row" (XLSX): what a row's number counts
    heading: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]  # (line or row number, cells)


def read_sheet(path: Path) -> Sheet:
    """The file's heading and rows: CSV (UTF-8, with or without the byte-order mark Excel
    writes; comma, semicolon or tab separated) or the first sheet of an XLSX workbook."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        shown = f"'{path.suffix}' files" if path.suffix else "files without an extension"
        raise PeopleFileError(f"{path}: cannot read {shown}: save it as .csv or .xlsx")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PeopleFileError(f"{path}: no such file") from None
    except OSError as error:
        raise PeopleFileError(f"{path}: cannot read it ({error.strerror or error})") from None
    rows = _csv_rows(path, data) if suffix == ".csv" else _xlsx_rows(path, data)
    if not rows:
        raise PeopleFileError(
            f"{path}: the file is empty: its first {'line' if suffix == '.csv' else 'row'} "
            "should name the columns (email, name, role, ...)"
        )
    (_, heading), *body = rows
    return Sheet(
        unit="line" if suffix == ".csv" else "row",
        heading=heading,
        rows=tuple((number, cells) for number, cells in body if any(cells)),
    )


def _csv_rows(path: Path, data: bytes) -> list[tuple[int, tuple[str, ...]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PeopleFileError(
            f"{path}: not UTF-8 text: in Excel, save it as 'CSV UTF-8 (Comma delimited)'"
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count) if first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, tuple[str, ...]]] = []
    try:
        start = 1
        for cells in reader:
            rows.append((start, tuple(cell.strip() for cell in cells)))
            start = reader.line_num + 1
    except csv.Error as error:
        raise PeopleFileError(f"{path}: line {reader.line_num}: {error}") from None
    return rows


def _xlsx_rows(path: Path, data: bytes) -> list[tuple[int, tuple[str, ...]]]:
    from openpyxl import load_workbook  # only an import of a workbook needs it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError):
        raise PeopleFileError(f"{path}: not an Excel workbook (.xlsx) that can be read") from None
    try:
        if not book.worksheets:
            return []
        return [
            (number, tuple(_cell_text(value) for value in values))
            for number, values in enumerate(book.worksheets[0].iter_rows(values_only=True), 1)
        ]
    finally:
        book.close()


def _cell_text(value: object) -> str:
    """A cell as text: a whole number without ``.0``, an empty cell as ``""``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
