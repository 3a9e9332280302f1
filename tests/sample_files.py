"""Real files for the channel tests: a PNG chart (matplotlib), a PNG too big for a Teams message
(incompressible noise), and an XLSX workbook (openpyxl), each with a check that bytes are one."""

from __future__ import annotations

import io
import random

from openpyxl import Workbook, load_workbook
from PIL import Image

from conversations.messages import Attachment, Part, Text

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def chart_png() -> bytes:
    """A small bar chart, as the reports draw them."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(4, 3), dpi=72)
    axes = figure.subplots()
    axes.bar(["Dec", "Jan", "Apr"], [80, 65, 50])
    axes.set_title("Responses per deadline (%)")
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def noise_png(side: int = 220, seed: int = 7) -> bytes:
    """An image that does not compress: ``side`` x ``side`` pixels of noise, about 3 bytes each."""
    rng = random.Random(seed)
    image = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def workbook_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Pairs"
    sheet.append(["Pair", "Meetings", "Days since the last"])
    sheet.append(["P-01", 4, 12])
    sheet.append(["P-02", 1, 63])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def is_png(data: bytes) -> bool:
    if not data.startswith(PNG_SIGNATURE):
        return False
    with Image.open(io.BytesIO(data)) as image:
        image.verify()
    return True


def sheet_rows(data: bytes) -> list[tuple[object, ...]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    sheet = book.active
    assert sheet is not None
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def report_parts() -> tuple[list[Part], bytes, bytes]:
    """A report as the reports module sends it: a line of text, a chart and a workbook;
    with the bytes of the two files."""
    png, xlsx = chart_png(), workbook_xlsx()
    parts: list[Part] = [
        Text("Scheme health for November."),
        Attachment.binary("scheme-health.png", "image/png", png),
        Attachment.binary("scheme-health.xlsx", XLSX_TYPE, xlsx),
    ]
    return parts, png, xlsx
