"""Every command the README shows works as written, copied into a fresh shell.

A fresh shell has no ``mentorbot`` on its PATH (it lives in ``.venv/bin``), so the README
either activates the venv first or types ``.venv/bin/mentorbot``. ``make`` commands name
targets the Makefile has; ``mentorbot`` commands parse with the real argument parser (a
placeholder such as ``FILE.toml`` stands where the reader puts their own)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
TARGETS = set(re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(), re.MULTILINE))
MENTORBOT = ".venv/bin/mentorbot"


def _sh_blocks() -> list[list[str]]:
    """The command lines of each ```sh block: comments and comment-only lines dropped."""
    blocks = re.findall(r"^```sh\n(.*?)^```", README, re.MULTILINE | re.DOTALL)
    found = []
    for block in blocks:
        lines = [line.split(" #", 1)[0].strip() for line in block.splitlines()]
        found.append([line for line in lines if line and not line.startswith("#")])
    return found


def _inline_commands() -> list[str]:
    """Code spans written as commands to type: ``make ...``, ``.venv/bin/mentorbot ...``,
    pipes into them, and any ``mentorbot ...`` with an option (a bare ``mentorbot chat`` in
    a sentence names the command; with options it is one to copy)."""
    spans = re.findall(r"(?<!`)`([^`\n]+)`(?!`)", README)
    commands = []
    for span in spans:
        words = span.split()
        if len(words) < 2:
            continue  # a name: `make`, `.venv/bin/mentorbot`
        if (
            words[0] in ("make", MENTORBOT)
            or f"| {MENTORBOT}" in span
            or ("mentorbot" in words[:1] + words[2:3] and any(w.startswith("--") for w in words))
        ):
            commands.append(span)
    return commands


def _placeholders_filled(arguments: list[str]) -> list[str]:
    """``[--yes]`` optional parts dropped, ``md|csv`` alternatives: the first."""
    text = re.sub(r"\[[^\]]*\]", "", " ".join(arguments))
    return [word.split("|", 1)[0] for word in text.split()]


def _check(command: str, activated: bool) -> None:
    if "|" in command and not command.startswith(("make", "mentorbot", MENTORBOT)):
        command = command.rsplit("| ", 1)[1]  # printf ... | mentorbot chat ...
    words = shlex.split(command)
    while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):
        words = words[1:]  # VAR=value before the command
    first, rest = words[0], words[1:]
    if first == "make":
        for word in rest:
            assert "=" in word or word in TARGETS, f"{command!r}: no make target {word!r}"
        return
    if first == "mentorbot":
        assert activated, f"{command!r}: mentorbot is not on a fresh shell's PATH"
    assert first in ("mentorbot", MENTORBOT), f"{command!r}: not a command this README runs"
    try:
        build_parser().parse_args(_placeholders_filled(rest))
    except SystemExit:
        pytest.fail(f"{command!r} does not parse as a mentorbot command")


def test_the_quick_start_is_exactly_make_run_and_make_test() -> None:
    assert _sh_blocks()[0] == ["make run", "make test"]


def test_every_shell_block_works_in_a_fresh_shell() -> None:
    checked = 0
    for block in _sh_blocks():
        activated = False
        for line in block:
            if line in (". .venv/bin/activate", "source .venv/bin/activate"):
                activated = True
                continue
            _check(line, activated)
            checked += 1
    assert checked >= 15


def test_every_command_written_in_a_sentence_works_in_a_fresh_shell() -> None:
    commands = _inline_commands()
    assert any(c.startswith("make ") for c in commands)
    for command in commands:
        _check(command, activated=False)


def test_no_code_span_is_split_across_lines() -> None:
    """A span broken over two lines would hide a command from these checks (and from a reader
    copying it)."""
    prose = re.sub(r"^```.*?^```", "", README, flags=re.MULTILINE | re.DOTALL)
    split = [line for line in prose.splitlines() if line.count("`") % 2]
    assert split == []


def test_a_bare_mentorbot_command_would_be_caught() -> None:
    with pytest.raises(AssertionError, match="not on a fresh shell's PATH"):
        _check("mentorbot chat --user mentee@example.org", activated=False)
    with pytest.raises(AssertionError, match="no make target"):
        _check("make chatt AS=lead", activated=False)


def test_everyone_the_readme_chats_as_is_in_the_demo(engine: Engine) -> None:
    from bot.people import find
    from conversations.clock import Clock
    from conversations.scheme_config import load_demo
    from storage.db import transaction
    from tests.conftest import NOW

    load_demo(engine, Clock.from_setting(NOW))
    who = {w.split("=", 1)[1] for c in _inline_commands() for w in c.split() if w.startswith("AS=")}
    assert {"mentor", "lead", "applicant", "steering", "chair"} <= who
    with transaction(engine) as session:
        for handle in who:
            assert find(session, handle).email == f"{handle}@example.org"
