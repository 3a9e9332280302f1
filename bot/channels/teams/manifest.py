"""The Teams app package: ``manifest/teams/manifest.json`` with the bot id filled in, and the
two icons Teams requires (colour 192x192; outline 32x32, white on transparent), drawn here as
PNGs with zlib and struct (no imaging dependency).

``build_manifest_zip(app_id, out_path)`` writes the zip to upload in Teams (Apps, Manage your
apps, Upload an app); ``mentorbot manifest teams --app-id ID --out FILE.zip`` calls it.
"""

from __future__ import annotations

import json
import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

PLACEHOLDER = "{{BOT_ID}}"
TEMPLATE = Path(__file__).resolve().parents[3] / "manifest" / "teams" / "manifest.json"
COLOR_SIZE = 192
OUTLINE_SIZE = 32
_NHS_BLUE = (0x00, 0x5E, 0xB8)
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")

Pixel = tuple[int, int, int, int]


def png(width: int, height: int, pixel: Any) -> bytes:
    """An RGBA PNG; ``pixel(x, y)`` gives each pixel as (r, g, b, a)."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter: none
        for x in range(width):
            rows.extend(pixel(x, y))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )


def _in_mark(x: float, y: float) -> bool:
    """Two overlapping speech bubbles (a mentor and a mentee), on a unit square."""
    big = (x - 0.42) ** 2 / 0.30**2 + (y - 0.42) ** 2 / 0.24**2 <= 1
    small = (x - 0.62) ** 2 / 0.22**2 + (y - 0.64) ** 2 / 0.17**2 <= 1
    tail = 0.22 <= x <= 0.34 and 0.58 <= y <= 0.80 and (x - 0.22) >= (y - 0.58) * 0.55
    return big or small or tail


def color_icon() -> bytes:
    def pixel(x: int, y: int) -> Pixel:
        if _in_mark((x + 0.5) / COLOR_SIZE, (y + 0.5) / COLOR_SIZE):
            return (255, 255, 255, 255)
        return (*_NHS_BLUE, 255)

    return png(COLOR_SIZE, COLOR_SIZE, pixel)


def outline_icon() -> bytes:
    """White on a transparent background, as Teams requires of the outline icon."""

    def pixel(x: int, y: int) -> Pixel:
        if _in_mark((x + 0.5) / OUTLINE_SIZE, (y + 0.5) / OUTLINE_SIZE):
            return (255, 255, 255, 255)
        return (0, 0, 0, 0)

    return png(OUTLINE_SIZE, OUTLINE_SIZE, pixel)


def manifest(app_id: str, template: Path = TEMPLATE) -> dict[str, Any]:
    """The manifest with ``app_id`` as the app id and the bot id."""
    if not _GUID.match(app_id):
        raise ValueError(
            f"the app id must be the Azure bot's Microsoft App ID (a GUID): {app_id!r}"
        )
    text = template.read_text(encoding="utf-8").replace(PLACEHOLDER, app_id.lower())
    data: dict[str, Any] = json.loads(text)
    return data


def build_manifest_zip(app_id: str, out_path: str | Path) -> Path:
    """Write the Teams app package (manifest.json, color.png, outline.png) to ``out_path``."""
    out = Path(out_path)
    data = manifest(app_id)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        package.writestr(data["icons"]["color"], color_icon())
        package.writestr(data["icons"]["outline"], outline_icon())
    return out
