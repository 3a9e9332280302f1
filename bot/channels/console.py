"""The console channel: the bot in a terminal (``mentorbot chat``) and the console inbox.

Rendering: text as plain words (``conversations/markup.py``: no emphasis markers); a question as
its text and numbered options (answer by number or label); a form one field at a time. An
attachment is one line, never its contents, after it is saved to a :class:`FileStore` when one
is given (``mentorbot chat`` and ``mentorbot inbox`` give one): a calendar invite by the
meeting's start in the reader's time zone
(``[calendar invite: Tue 24 Nov, 15:00 saved to var/files/mentoring-meeting-4-invite.ics]``),
a binary file (a PNG chart, an XLSX workbook) by its name and size
(``[file: scheme-health.png, 24 KB, saved to var/files/scheme-health.png]``), any other text file
by its name (``[attachment: notes.txt saved to var/files/notes.txt]``). Only the webhook, which
cannot carry a file, asks for a text file's contents (``contents=True``).

Saved files: never under the name the message gave (that name is data, not a path): only its
last path component, in safe characters, and never over an existing file (``-2``, ``-3`` ...
are added). The directory and the files are readable by their owner only: reports are personal
data.

Live input (:class:`Lines`): ``mentorbot chat`` waits for a typed line with a timeout, so it can
show what arrives meanwhile. It reads the terminal's or pipe's file descriptor itself: lines a
buffered text stream had already read would be invisible to ``select()``.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import select
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

from conversations import markup
from conversations.calendar_invite import is_invite
from conversations.dates import format_day, format_when
from conversations.messages import (
    Attachment,
    Choice,
    Form,
    FormField,
    Incoming,
    Part,
    Question,
    Text,
    part_from_json,
)

PLATFORM = "console"
FILES_DIR_ENV = "MENTORBOT_FILES_DIR"
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")
_NAME_CHARS = 100


def file_size(size: int) -> str:
    """A byte count as people say it: "850 bytes", "24 KB", "1.3 MB"."""
    if size < 1024:
        return f"{size} byte" + ("" if size == 1 else "s")
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def safe_filename(name: str) -> str:
    """``name`` fit to create in our directory: its last path component (``/`` or ``\\``), in
    letters, digits, ``. _ -`` and spaces, no leading dot, at most 100 characters (keeping the
    extension); ``file`` when nothing is left."""
    base = re.split(r"[/\\]", name)[-1]
    base = _UNSAFE.sub("-", base).strip(" .-")
    stem, dot, ext = base.rpartition(".")
    if not dot or not stem or len(ext) > 10:
        stem, ext = base, ""
    ext = f".{ext}" if ext else ""
    stem = stem[: _NAME_CHARS - len(ext)].rstrip(" .-")
    return f"{stem}{ext}" if stem else f"file{ext}"


@dataclass(frozen=True)
class FileStore:
    """Where the console saves binary attachments: one directory, created when first needed."""

    directory: Path

    @classmethod
    def beside(cls, database: str | None) -> FileStore:
        """``$MENTORBOT_FILES_DIR``, else ``files/`` next to the SQLite file ``database`` (a
        path), else ``var/files`` (PostgreSQL, or an in-memory database)."""
        configured = os.environ.get(FILES_DIR_ENV)
        if configured:
            return cls(Path(configured))
        if database and database != ":memory:" and not database.startswith("file:"):
            return cls(Path(database).parent / "files")
        return cls(Path("var") / "files")

    def save(self, filename: str, data: bytes) -> Path:
        """Write ``data`` under a safe, new name; returns the path written."""
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        name = safe_filename(filename)
        stem, dot, ext = name.rpartition(".")
        if not dot:
            stem, ext = name, ""
        for n in range(1, 10_000):
            candidate = name if n == 1 else f"{stem}-{n}{dot}{ext}"
            path = self.directory / candidate
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            return path
        raise FileExistsError(f"no free name for {name} in {self.directory}")


def shown_path(path: Path) -> str:
    """A saved file's path as a person would type it: relative to where they are, if below."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def file_line(part: Attachment, files: FileStore | None) -> str:
    """The line that stands for a binary attachment; saves it first when ``files`` is given."""
    data = part.data()
    facts = f"{safe_filename(part.filename)}, {file_size(len(data))}"
    if files is None:
        return f"[file: {facts}]"
    try:
        path = files.save(part.filename, data)
    except OSError as exc:
        return f"[file: {facts}, NOT saved: {exc.strerror or exc}]"
    return f"[file: {facts}, saved to {shown_path(path)}]"


def _saved(part: Attachment, data: bytes, files: FileStore | None) -> str:
    """`` saved to PATH`` once written to ``files``; `` NOT saved: why``; nothing without one."""
    if files is None:
        return ""
    try:
        path = files.save(part.filename, data)
    except OSError as exc:
        return f", NOT saved: {exc.strerror or exc}"
    return f" saved to {shown_path(path)}"


def _invite_facts(content: str) -> tuple[str, datetime | date | None]:
    """Whether a calendar file invites or cancels, and when its event starts (None when the file
    cannot be read: it is still saved and named)."""
    from icalendar import Calendar  # only when an invite is shown, not in every chat's start-up

    try:
        calendar = Calendar.from_ical(content)
        method = str(calendar.get("METHOD", "REQUEST")).upper()
        events = calendar.walk("VEVENT")
        start = events[0].decoded("DTSTART") if events else None
    except (ValueError, KeyError, IndexError):
        return "invite", None
    kind = "cancellation" if method == "CANCEL" else "invite"
    return kind, start if isinstance(start, date) else None


def invite_line(
    part: Attachment,
    files: FileStore | None,
    zone: str | None = None,
    now: datetime | None = None,
) -> str:
    """The line that stands for a calendar file: the meeting's start as the reader reads it (in
    ``zone``; in UTC, saying so, when the reader is not known), and where it was saved."""
    kind, start = _invite_facts(part.content)
    if isinstance(start, datetime):
        when = format_when(start, zone or "UTC", now) + ("" if zone else " UTC")
    elif isinstance(start, date):
        when = format_day(start, now.date() if now else None)
    else:
        when = safe_filename(part.filename)
    return f"[calendar {kind}: {when}{_saved(part, part.content.encode('utf-8'), files)}]"


def attachment_line(
    part: Attachment,
    files: FileStore | None,
    zone: str | None = None,
    now: datetime | None = None,
) -> str:
    """One line for any attachment, never its contents; saved to ``files`` first when given."""
    if part.is_binary:
        return file_line(part, files)
    if is_invite(part) or part.filename.lower().endswith(".ics"):
        return invite_line(part, files, zone, now)
    data = part.content.encode("utf-8")
    return f"[attachment: {safe_filename(part.filename)}{_saved(part, data, files)}]"


def render(
    parts: list[Part],
    files: FileStore | None = None,
    *,
    as_written: bool = False,
    zone: str | None = None,
    now: datetime | None = None,
    contents: bool = False,
) -> str:
    """Parts as terminal text. A part type this channel does not know is an error, never dropped.
    Attachments are saved to ``files`` (when given) and shown as one line each; a calendar
    invite by its start in the reader's time zone ``zone`` (``now`` decides whether the year is
    said). ``contents``: a text attachment's name and contents instead (the webhook, which
    cannot carry a file).

    Text is plain (``conversations/markup.py``): emphasis as the words alone, bullets as "•".
    ``as_written`` shows it in the model's markup instead (``*bold*``), as the dialogs wrote
    it: the conversation transcripts in the tests and the understanding bench read that."""
    shown = (lambda text: text) if as_written else markup.plain
    blocks: list[str] = []
    for part in parts:
        if isinstance(part, Text):
            blocks.append(shown(part.text))
        elif isinstance(part, Question):
            options = "\n".join(f"  {n}. {c.label}" for n, c in enumerate(part.choices, start=1))
            blocks.append(f"{shown(part.text)}\n{options}")
        elif isinstance(part, Form):
            blocks.append(f"{shown(part.title)}\n(I'll ask for each field in turn.)")
        elif isinstance(part, Attachment):
            if contents and not part.is_binary:
                blocks.append(f"[attachment: {part.filename}]\n{part.content.rstrip()}")
            else:
                blocks.append(attachment_line(part, files, zone, now))
        else:  # pragma: no cover - the union is exhaustive for mypy
            raise TypeError(f"the console cannot show {type(part).__name__}")
    return "\n\n".join(blocks)


def render_stored(
    parts: list[dict[str, Any]],
    files: FileStore | None = None,
    *,
    as_written: bool = False,
    zone: str | None = None,
    now: datetime | None = None,
) -> str:
    return render(
        [part_from_json(p) for p in parts], files, as_written=as_written, zone=zone, now=now
    )


@dataclass
class _FormInProgress:
    form: Form
    values: dict[str, str] = field(default_factory=dict)

    @property
    def field(self) -> FormField:
        return self.form.fields[len(self.values)]


@dataclass
class ConsoleSession:
    """One person at the terminal: maps typed lines to messages, remembering the last choices."""

    person_id: int
    choices: tuple[Choice, ...] = ()
    form: _FormInProgress | None = None

    def inbound(self, line: str) -> tuple[Incoming | None, str | None]:
        """The message a typed line means, or (None, a prompt) while a form is being filled."""
        text = line.strip()
        if self.form is not None:
            return self._form_answer(text)
        choice = self._choice_for(text)
        if choice is not None:
            self.choices = ()
            values = {"value": choice.value} if choice.value else {}
            return Incoming(
                person_id=self.person_id, text=choice.label, action=choice.action, values=values
            ), None
        return Incoming(person_id=self.person_id, text=line.rstrip("\n")), None

    def shown(self, parts: list[Part]) -> str | None:
        """Note what was shown (choices to answer by number, a form to fill); the next prompt."""
        self.choices = ()
        for part in parts:
            if isinstance(part, Question):
                self.choices = part.choices
            elif isinstance(part, Form):
                self.form = _FormInProgress(part)
        return self._field_prompt() if self.form is not None else None

    def _choice_for(self, text: str) -> Choice | None:
        if not self.choices:
            return None
        if text.isdigit() and 1 <= int(text) <= len(self.choices):
            return self.choices[int(text) - 1]
        for choice in self.choices:
            if text.casefold() == choice.label.casefold():
                return choice
        return None

    def _field_prompt(self) -> str:
        assert self.form is not None
        current = self.form.field
        hint = " (optional: press Enter to skip)" if not current.required else ""
        options = ""
        if current.choices:
            options = "\n" + "\n".join(
                f"  {n}. {c.label}" for n, c in enumerate(current.choices, start=1)
            )
        return f"{current.label}{hint}{options}"

    def _form_answer(self, text: str) -> tuple[Incoming | None, str | None]:
        assert self.form is not None
        if text.casefold() in {"cancel", "stop"}:
            self.form = None
            return Incoming(person_id=self.person_id, text="cancel"), None
        current = self.form.field
        value = text
        if current.choices:
            picked = (
                current.choices[int(text) - 1]
                if text.isdigit() and 1 <= int(text) <= len(current.choices)
                else next(
                    (c for c in current.choices if c.label.casefold() == text.casefold()), None
                )
            )
            if picked is None and (text or current.required):
                return None, "Please pick one of the options.\n" + self._field_prompt()
            value = picked.value or picked.label if picked else ""
        if current.required and not value:
            return None, f"I need an answer for this one.\n{self._field_prompt()}"
        if current.max_length is not None and len(value) > current.max_length:
            return None, (
                f"That's longer than {current.max_length:,} characters; please shorten it.\n"
                + self._field_prompt()
            )
        self.form.values[current.name] = value
        if len(self.form.values) < len(self.form.form.fields):
            return None, self._field_prompt()
        form, self.form = self.form, None
        return Incoming(
            person_id=self.person_id,
            text="",
            action=form.form.submit_action,
            values=dict(form.values),
        ), None


class Lines:
    """Typed lines, waited for with a timeout: :meth:`read` gives the next line, or None when
    nothing came in time, so ``mentorbot chat`` can show what arrived meanwhile.

    A stream with a file descriptor (a terminal, a pipe, a file) is read through the descriptor
    with ``os.read``: a buffered text stream may already hold lines that ``select()`` cannot
    see. Piped input stays deterministic: ``select()`` finds a pipe readable whenever it holds a
    line or has ended, so nothing else happens between its lines. A stream without one (an
    ``io.StringIO``) is read line by line, and never times out."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        try:
            self.fd: int | None = stream.fileno()
        except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
            self.fd = None
        encoding = getattr(stream, "encoding", None) or "utf-8"
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        self._pending = ""
        self._ended = False

    @property
    def live(self) -> bool:
        """Whether :meth:`read` can time out (the stream has a file descriptor)."""
        return self.fd is not None

    def read(self, timeout: float) -> str | None:
        """The next line with its newline; "" when the input has ended; None when no whole line
        came within ``timeout`` seconds."""
        if self.fd is None:
            return self.stream.readline()
        while True:
            end = self._pending.find("\n")
            if end >= 0:
                line, self._pending = self._pending[: end + 1], self._pending[end + 1 :]
                return line
            if self._ended:
                line, self._pending = self._pending, ""
                return line
            ready, _, _ = select.select([self.fd], [], [], timeout)
            if not ready:
                return None
            data = os.read(self.fd, 65536)
            self._pending += self._decoder.decode(data, final=not data)
            self._ended = not data
