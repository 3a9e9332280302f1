"""DESIGN.md's layering holds: bot -> conversations -> storage, and platform SDKs stay at the rim."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.conftest import NOW

ROOT = Path(__file__).resolve().parent.parent
PLATFORMS = {"slack_bolt", "slack_sdk", "botbuilder", "botframework", "aiohttp"}
# What only reports (charts, workbooks), matching, invites, migrations, the date fallback and
# the platforms need: each is imported where it is used, never by a chat's start-up.
ONLY_WHERE_USED = PLATFORMS | {
    "scipy", "numpy", "matplotlib", "openpyxl", "icalendar", "alembic", "dateparser",
}  # fmt: skip
FORBIDDEN = {
    "conversations": PLATFORMS | {"bot"},
    "storage": PLATFORMS | {"bot", "conversations"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_inner_packages_do_not_import_outer_ones(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
        if _imports(path) & FORBIDDEN[package]
    }
    assert offenders == {}


def test_the_console_starts_without_the_platform_sdks() -> None:
    code = (
        "import sys, bot.cli, bot.channels.console, conversations.registry, conversations.engine\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'slack_bolt', 'slack_sdk', 'botbuilder', 'botframework', 'aiohttp'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_console_chat_answers_without_importing_what_it_does_not_use(
    demo: Engine, db_url: str
) -> None:
    code = (
        "import sys\n"
        "from bot.cli import main\n"
        f"status = main(['chat', '--user', 'mentee@example.org', '--db', {db_url!r}, "
        f"'--now', {NOW!r}])\n"
        "print(sorted({m.split('.')[0] for m in sys.modules}), file=sys.stderr)\n"
        "sys.exit(status)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MENTORBOT_NOW")}
    out = subprocess.run(
        [sys.executable, "-c", code], input="help\nbook a meeting thursday at 2\n",
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "Here's what I can do for you:" in out.stdout
    assert "I took '2' as 14:00." in out.stdout  # the booking's date and time were read
    loaded = set(ast.literal_eval(out.stderr.strip().splitlines()[-1]))
    assert sorted(loaded & ONLY_WHERE_USED) == []


def _modules_imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_dialog_imports_the_engine() -> None:
    # The engine runs dialogs; dialogs (and the registry's journeys) know only the base
    # protocol, so a dialog can be built and tested without the turn machinery.
    journeys = [ROOT / "conversations" / "lead_route.py"]
    offenders = sorted(
        str(path.relative_to(ROOT))
        for path in [*(ROOT / "conversations" / "dialogs").rglob("*.py"), *journeys]
        if "conversations.engine" in _modules_imported(path)
    )
    assert offenders == []
