"""The ``mentorbot`` command.

    mentorbot chat --user EMAIL            chat with the bot in the terminal (console channel):
                                           what arrives for you shows as it comes (a lead's
                                           or chair's lead channel too); files it sends are
                                           saved to --files-dir DIR
    mentorbot inbox --user EMAIL           print what waits for a person on the console
    mentorbot inbox --channel lead         print what waits in a scheme channel
    mentorbot scheme load FILE | --demo    load or update a scheme from TOML (idempotent)
    mentorbot people [--cohort SLUG]       everyone in the scheme and how the bot reaches them
    mentorbot people import FILE --cohort SLUG [--apply]
                                           people from a CSV or XLSX file into a cohort (a dry
                                           run unless --apply; docs/people-import.md)
    mentorbot export --user EMAIL          everything held about a person, as JSON
    mentorbot erase --user EMAIL [--yes]   erase a person (asks first, unless --yes)
    mentorbot erase --replay               re-apply logged erasures to a restored backup
    mentorbot report [--cohort SLUG] [--kind health|6m|9m|12m|annual] [--format md|csv|xlsx|png]
                     [--out DIR] [--as EMAIL]
                                           a report for the lead and steering group (Markdown
                                           on stdout, or files in DIR); run as the cohort's
                                           project lead unless --as names another lead or
                                           steering member (docs/reports.md)
    mentorbot nudge                        sweep for due nudges and deliver (one summary line)
    mentorbot deliver                      deliver what waits in the outbox
    mentorbot serve [--host H] [--port P]  the server, with the scheduler every minute
    mentorbot manifest teams --app-id ID --out FILE.zip   the Teams app package
    mentorbot demo [--files-dir DIR] [--no-pause]
                                           a narrated month of the demo scheme on a throw-away
                                           database (bot/demo_walk.py); charts kept in DIR

Every command takes ``--db URL`` (else ``DATABASE_URL``, else a SQLite file under ./var/) and
``--now ISO`` (else ``MENTORBOT_NOW``, else the real clock). Bad input ends with a one-line error
on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, cast

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from bot import logs, redaction
from bot.channels import console
from bot.settings import Settings
from conversations.clock import Clock, ClockError
from conversations.messages import Form, Question, part_from_json
from storage import export_queries, outbox_queries, queries
from storage.db import DatabaseError, open_database, transaction
from storage.models import Outbox, Person
from storage.sealing import KeyError_ as SealingError

if TYPE_CHECKING:
    from storage.erasure import Posted

log = logging.getLogger("mentorbot")


class UsageError(Exception):
    """A mistake in what was asked for; the message is the one line shown."""


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help="database URL")
    parser.add_argument("--now", metavar="ISO", default=argparse.SUPPRESS, help="fix the clock")


def _files_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--files-dir",
        metavar="DIR",
        help="where files the bot sends (charts, spreadsheets) are saved "
        "(default: $MENTORBOT_FILES_DIR, else files/ beside the SQLite file, else var/files)",
    )


def _file_store(db: Engine, files_dir: str | None) -> console.FileStore:
    if files_dir:
        return console.FileStore(Path(files_dir))
    sqlite = db.url.get_backend_name() == "sqlite"
    return console.FileStore.beside(db.url.database if sqlite else None)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mentorbot", description="A chat bot that runs a workplace mentoring scheme."
    )
    _common(parser)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    chat = commands.add_parser("chat", help="chat with the bot in the terminal")
    chat.add_argument(
        "--user",
        required=True,
        metavar="WHO",
        help="an email, or the name before its @ (in the demo: lead, chair, mentor2 ...)",
    )
    _files_dir(chat)
    _common(chat)

    inbox = commands.add_parser("inbox", help="print what waits for a person or a channel")
    who = inbox.add_mutually_exclusive_group(required=True)
    who.add_argument("--user", metavar="WHO", help="an email, or the name before its @")
    who.add_argument("--channel", metavar="NAME")
    _files_dir(inbox)
    _common(inbox)

    scheme = commands.add_parser("scheme", help="manage schemes")
    scheme_commands = scheme.add_subparsers(dest="scheme_command", required=True, metavar="ACTION")
    load = scheme_commands.add_parser("load", help="load or update a scheme from a TOML file")
    source = load.add_mutually_exclusive_group(required=True)
    source.add_argument("file", nargs="?", metavar="FILE")
    source.add_argument("--demo", action="store_true", help="load the demo scheme")
    _common(load)

    people = commands.add_parser(
        "people", help="everyone in the scheme, and how the bot reaches them"
    )
    people.add_argument("--cohort", metavar="SLUG", help="only this cohort (the listing)")
    # With no action, the listing (bot/people.py); `import` beside it.
    people_commands = people.add_subparsers(dest="people_command", required=False, metavar="ACTION")
    people_import = people_commands.add_parser(
        "import", help="people from a CSV or XLSX file into a cohort (a dry run unless --apply)"
    )
    people_import.add_argument("file", metavar="FILE", help="a .csv or .xlsx file")
    people_import.add_argument(
        "--cohort", required=True, metavar="SLUG", help="SLUG or SCHEME/SLUG"
    )
    people_import.add_argument("--apply", action="store_true", help="write (else: a dry run)")
    _common(people_import)
    _common(people)

    nudge = commands.add_parser("nudge", help="send the nudges and reminders that are due now")
    _common(nudge)

    deliver = commands.add_parser("deliver", help="send what waits in the outbox")
    _common(deliver)

    serve = commands.add_parser("serve", help="run the bot's server and its scheduler")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument(
        "--sweep-every", type=float, default=60.0, metavar="SECONDS", help="nudge sweep interval"
    )
    _common(serve)

    manifest = commands.add_parser("manifest", help="build an app package for a platform")
    manifest_commands = manifest.add_subparsers(
        dest="manifest_command", required=True, metavar="PLATFORM"
    )
    teams = manifest_commands.add_parser("teams", help="the Teams app package (.zip) to upload")
    teams.add_argument("--app-id", required=True, metavar="ID", help="the Azure Bot's app id")
    teams.add_argument("--out", required=True, metavar="FILE.zip")

    report = commands.add_parser("report", help="a report for the lead and steering group")
    report.add_argument("--cohort", metavar="SLUG", help="the cohort (SLUG or SCHEME/SLUG)")
    report.add_argument(
        "--kind", default="health", metavar="KIND", help="health, 6m, 9m, 12m, annual"
    )
    report.add_argument("--format", default="md", metavar="FORMAT", help="md, csv, xlsx or png")
    report.add_argument("--out", metavar="DIR", help="write files here (md: else stdout)")
    report.add_argument(
        "--as", dest="as_email", metavar="EMAIL", help="read as this lead or steering member"
    )
    _common(report)

    export = commands.add_parser("export", help="everything held about a person, as JSON")
    export.add_argument("--user", required=True, metavar="EMAIL")
    _common(export)

    erase = commands.add_parser("erase", help="erase a person (docs/privacy.md, Erasure)")
    whom = erase.add_mutually_exclusive_group(required=True)
    whom.add_argument("--user", metavar="EMAIL")
    whom.add_argument(
        "--replay", action="store_true", help="re-apply the erasure log (after a restore)"
    )
    erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    _common(erase)

    keys = commands.add_parser("keys", help="manage the data keys that seal what people write")
    keys_commands = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    rotate = keys_commands.add_parser("rotate", help="a new key, and everything sealed under it")
    _common(rotate)

    retention = commands.add_parser(
        "retention", help="remove what has outlived each scheme's retention schedule"
    )
    _common(retention)

    demo = commands.add_parser(
        "demo", help="watch a month of the demo scheme, narrated, on a throw-away database"
    )
    demo.add_argument(
        "--files-dir",
        metavar="DIR",
        default=str(Path("var") / "demo-files"),
        help="where the health charts are saved and kept (default: var/demo-files)",
    )
    demo.add_argument("--no-pause", action="store_true", help="no pauses between the steps")
    demo.add_argument(
        "--now", metavar="ISO", default=argparse.SUPPRESS, help="walk the month from this week"
    )

    audit = commands.add_parser("audit", help="who read or changed what, and when")
    audit.add_argument("--user", metavar="EMAIL", help="only what this person did or was about")
    audit.add_argument("--since", metavar="DATE", help="from this day (YYYY-MM-DD, UTC) on")
    _common(audit)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logs.configure(logging.WARNING, "mentorbot: %(levelname)s: %(message)s")  # or JSON lines
    redaction.install()  # no token or password in any log line (bot/redaction.py)
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env(getattr(args, "db", None), getattr(args, "now", None))
        clock = Clock.from_setting(settings.now)
        if args.command == "scheme":
            return _scheme_load(args, settings, clock)
        if args.command == "manifest":
            return _manifest_teams(args.app_id, Path(args.out))
        if args.command == "people" and args.people_command == "import":
            return _people(settings, clock, args, sys.stdout)
        if args.command == "demo":
            return _demo(args, clock, sys.stdout)
        if args.command in ("nudge", "deliver", "serve"):
            _check_mail()
        db = open_database(settings.database_url)
        if args.command == "chat":
            files = _file_store(db, args.files_dir)
            return _chat(db, clock, args.user, sys.stdin, sys.stdout, files)
        if args.command == "inbox":
            files = _file_store(db, args.files_dir)
            return _inbox(db, clock, args.user, args.channel, sys.stdout, files)
        if args.command == "export":
            return _export(db, clock, args.user, sys.stdout)
        if args.command == "keys":
            return _rotate(db, sys.stdout)
        if args.command == "retention":
            from bot.scheduler import retain

            print(retain(db, clock, always=True).summary())
            return 0
        if args.command == "audit":
            return _audit(db, args.user, args.since, sys.stdout)
        if args.command == "people" and not getattr(args, "people_command", None):
            from bot.people import listing

            return listing(db, args.cohort, sys.stdout)
        if args.command == "erase":
            if args.replay:
                return _erase_replay(db, clock, sys.stdout)
            return _erase(db, clock, args.user, args.yes, sys.stdin, sys.stdout)
        if args.command == "report":
            return _report(db, clock, args, sys.stdout)
        if args.command in ("nudge", "deliver"):
            return asyncio.run(_nudge(db, clock, sweep=args.command == "nudge"))
        if args.command == "serve":
            from bot.server import serve, unsafe_exposure

            if problem := unsafe_exposure(args.host):
                raise UsageError(problem)
            logging.getLogger().setLevel(logging.INFO)
            _warn_about_lead_channels(db)
            serve(db, clock, args.host, args.port, args.sweep_every, settings.now)
            return 0
        raise UsageError(f"unknown command {args.command!r}")
    except (UsageError, DatabaseError, ClockError, SealingError) as exc:
        print(f"mentorbot: {exc}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        print(f"mentorbot: database error: {_first_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`mentorbot chat ... | head`): stop quietly, as other tools do.
        # Point stdout at devnull so the interpreter's last flush cannot raise again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def _check_mail() -> None:
    """Wrong SMTP settings stop ``nudge``, ``deliver`` and ``serve`` at once, saying why."""
    from bot.channels.email import SmtpSettings, SmtpSettingsError

    try:
        SmtpSettings.from_env()
    except SmtpSettingsError as exc:
        raise UsageError(str(exc)) from None


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _scheme_load(args: argparse.Namespace, settings: Settings, clock: Clock) -> int:
    from conversations.scheme_config import SchemeConfigError, load_demo, load_file

    try:
        if args.demo:
            db = open_database(settings.database_url)
            summary = load_demo(db, clock)
        else:
            path = Path(args.file)
            if not path.is_file():
                raise UsageError(f"no such file: {path}")
            db = open_database(settings.database_url)
            summary = load_file(path, db, clock)
    except SchemeConfigError as exc:
        raise UsageError(str(exc)) from exc
    print(summary)
    if args.demo:
        # The demo lives in the console, where the lead reads lead alerts in their own chat:
        # the warning that the channel has no address would only alarm a newcomer.
        from bot.people import roster

        print("\nThe demo's people (chat as any of them: make run AS=lead, or make chat AS=lead):")
        roster(db, clock, sys.stdout)
        return 0
    _warn_about_lead_channels(db)
    return 0


def _warn_about_lead_channels(db: Engine) -> None:
    """Say loudly (stderr, and so the serve log) when a scheme's lead channel cannot deliver
    from this process: alerts would wait unseen, and urgent ones take the second route."""
    from bot.settings import chat_platforms
    from conversations.urgent import lead_channel_warnings

    with transaction(db) as session:
        warnings = lead_channel_warnings(session, chat_platforms(), os.environ)
    for warning in warnings:
        log.warning(warning)


def _manifest_teams(app_id: str, out: Path) -> int:
    from bot.channels.teams import build_manifest_zip

    try:
        build_manifest_zip(app_id, out)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror}") from exc
    print(f"Wrote the Teams app package to {out}: upload it in Teams (Apps > Manage your apps).")
    return 0


def _person(db: Engine, email: str) -> Person:
    with transaction(db) as session:
        person = queries.person_by_email(session, email)
    if person is None or person.id is None:
        raise UsageError(
            f"nobody with the email {email!r} is in this database "
            "(load a scheme first: mentorbot scheme load --demo)"
        )
    return person


def _chatter(db: Engine, who: str) -> Person:
    """Who ``mentorbot chat --user`` (and ``inbox --user``) means: an email, or in a small
    database like the demo's a handle or role ("mentor2", "lead": ``make run AS=lead``)."""
    from bot.people import find

    with transaction(db) as session:
        try:
            person = find(session, who)
        except LookupError as exc:
            raise UsageError(str(exc)) from None
    return person


def _print_waiting(
    db: Engine,
    clock: Clock,
    person: Person,
    out: TextIO,
    session: console.ConsoleSession | None = None,
    files: console.FileStore | None = None,
    *,
    lead_channels: bool = False,
) -> int:
    """Print what waits for the person (see :func:`_waiting`); its choices can then be answered
    by number. Returns how many messages were shown."""
    blocks = _waiting(db, clock, person, session, files, lead_channels=lead_channels)
    for block in blocks:
        out.write(block + "\n\n")
    out.flush()
    return len(blocks)


def _waiting(
    db: Engine,
    clock: Clock,
    person: Person,
    session: console.ConsoleSession | None = None,
    files: console.FileStore | None = None,
    *,
    lead_channels: bool = False,
) -> list[str]:
    """What waits for the person now, rendered, each message marked delivered in the same
    transaction, and only the ones this call marked (another console open for them may take
    some first: ``outbox_queries.take_for_console``). With ``lead_channels``, the lead channels
    they read on the console too (``storage.lead_queries.console_lead_channels``: the project
    lead and the steering chair), each message under a ``[lead channel]`` line; reading them is
    kept in the audit log, as ``mentorbot inbox --channel`` is."""
    from storage import audit, lead_queries

    assert person.id is not None
    now = clock.now()
    blocks: list[str] = []
    zone = person.time_zone  # read again below: it may have changed since the chat began

    def show(rows: list[Outbox], heading: str = "") -> None:
        for row in rows:
            parts = [part_from_json(p) for p in row.parts]
            blocks.append(heading + console.render(parts, files, zone=zone, now=now))
            # A notice with nothing to answer leaves the choices shown before it answerable.
            if session is not None and any(isinstance(p, Question | Form) for p in parts):
                session.shown(parts)

    with transaction(db) as tx:
        current = tx.get(Person, person.id)
        zone = current.time_zone if current is not None else zone
        due = outbox_queries.due_for_console(tx, now, recipient_id=person.id)
        show(outbox_queries.take_for_console(tx, due, now))
        channels = lead_queries.console_lead_channels(tx, person.id) if lead_channels else []
        for channel in channels:
            due = [
                row
                for row in outbox_queries.due_for_console(
                    tx, now, channel=channel.channel, scheme_id=channel.scheme_id
                )
                if lead_queries.may_see_in_console(tx, person.id, row)
            ]
            rows = outbox_queries.take_for_console(tx, due, now)
            # A channel has several readers: what the chair (or `inbox --channel`) took
            # lately is still news to the lead, once.
            since = now - CHANNEL_BACKLOG
            seen = lead_queries.channel_read_by(tx, person.id, since) | {r.id for r in rows}
            rows += [
                row
                for row in outbox_queries.channel_sent_since(
                    tx, channel.channel, channel.scheme_id, since
                )
                if row.id not in seen and lead_queries.may_see_in_console(tx, person.id, row)
            ]
            rows.sort(key=lambda row: row.id or 0)
            if rows:
                show(rows, f"{LEAD_CHANNEL_HEADING}\n")
                audit.record(
                    tx,
                    CHANNEL_READ,
                    f"channel:{channel.channel}",
                    now,
                    actor_id=person.id,
                    surface=console.PLATFORM,
                    messages=len(rows),
                    scheme_id=channel.scheme_id,
                    outbox_ids=[row.id for row in rows],
                )
    return blocks


def _sweep(db: Engine, clock: Clock) -> None:
    """Create the nudges that have fallen due, as the scheduler's sweep does, without delivering
    anything (the chat shows what is for its reader; ``serve`` or ``nudge`` deliver the rest).
    Nudges exist once each by their natural key, so a chat and the scheduler may both sweep.
    The reach rules (welcomes, who cannot be reached) are left to the scheduler: it links
    people on Slack first, and the console alone reaches nobody."""
    from conversations.nudges import sweep

    try:
        sweep(db, clock)
    except Exception as exc:  # the chat goes on: the next sweep, or the scheduler's, makes them
        log.warning("the nudge sweep failed; trying again in a minute: %s", _first_line(exc))


def _started() -> None:
    """What start-up loaded (modules, dialogs, caches) lives as long as the process: the cycle
    collector, paused while the dialogs loaded, need not walk it again in each full collection,
    nor at exit (together about a tenth of a chat's start-up)."""
    gc.freeze()
    gc.enable()


# How often an open chat looks for new messages for its reader while nothing is typed, and how
# often it sweeps for nudges that have fallen due (as ``serve`` does).
POLL_SECONDS = 1.5
SWEEP_SECONDS = 60.0
LEAD_CHANNEL_HEADING = "[lead channel]"
# How far back a lead-channel message another reader took is still shown to the lead or chair.
CHANNEL_BACKLOG = timedelta(days=7)


@dataclass
class _Live:
    """What an open chat does while its reader types nothing: sweep for nudges about once a
    minute (the first time at once), and take what has arrived for them since it last looked."""

    db: Engine
    clock: Clock
    person: Person
    session: console.ConsoleSession
    files: console.FileStore | None = None
    next_sweep: float = 0.0

    def arrived(self) -> list[str]:
        """The messages that arrived, rendered, each marked delivered (see :func:`_waiting`)."""
        if time.monotonic() >= self.next_sweep:
            _sweep(self.db, self.clock)
            self.next_sweep = time.monotonic() + SWEEP_SECONDS
        try:
            return _waiting(
                self.db, self.clock, self.person, self.session, self.files, lead_channels=True
            )
        except SQLAlchemyError as exc:
            log.warning("could not look for new messages: %s", _first_line(exc))
            return []


def _chat(
    db: Engine,
    clock: Clock,
    email: str,
    stdin: TextIO,
    out: TextIO,
    files: console.FileStore | None = None,
) -> int:
    """The console chat. While nothing is typed it looks every :data:`POLL_SECONDS` for what
    has arrived for the person (a partner's answer, a nudge, a lead-channel alert for the lead
    and chair) and shows it between their inputs, once each; every :data:`SWEEP_SECONDS` it
    sweeps for nudges that have fallen due. Piped input is answered line by line, and what
    waits is shown only at the start and whenever the pipe is slower than the poll."""
    gc.disable()  # until the chat has started: see _started
    from conversations.engine import Engine as DialogEngine
    from conversations.registry import default_registry

    person = _chatter(db, email)
    assert person.id is not None
    engine = DialogEngine(db, clock, default_registry())
    _started()
    interactive = stdin.isatty()
    if interactive:
        out.write(
            f"Signed in as {person.display_name} <{person.email}>. Type help, or Ctrl-D to leave.\n\n"
        )
    session = console.ConsoleSession(person_id=person.id)
    _print_waiting(db, clock, person, out, session, files, lead_channels=True)
    lines = console.Lines(stdin)
    live = _Live(db, clock, person, session, files)
    prompted = False
    while True:
        if interactive and not prompted:
            out.write("> ")
            out.flush()
            prompted = True
        line = lines.read(POLL_SECONDS)
        if line is None:  # nothing typed: show what arrived meanwhile
            arrived = live.arrived()
            if arrived:
                # On a fresh line, below the prompt (and whatever was half typed after it).
                out.write(("\n" if prompted else "") + "\n\n".join(arrived) + "\n\n")
                out.flush()
                prompted = False
            continue
        prompted = False
        if not line:
            break
        msg, prompt = session.inbound(line)
        if msg is None:
            out.write(f"{prompt}\n\n")
            out.flush()
            continue
        try:
            delivered = engine.handle(msg)
        except SQLAlchemyError as exc:
            log.error("turn failed: %s", _first_line(exc))
            out.write(
                "Sorry, something went wrong on my side and nothing was saved. Please try again.\n\n"
            )
            out.flush()
            continue
        shown = console.render(delivered.parts, files, zone=person.time_zone, now=clock.now())
        out.write(shown + "\n\n")
        follow_up = session.shown(delivered.parts)
        if follow_up:
            out.write(follow_up + "\n\n")
        out.flush()
        engine.mark_delivered(delivered.outbox_ids)
    if interactive:
        out.write("\nBye for now.\n")
    return 0


CHANNEL_READ = "channel_read"  # = storage.audit.CHANNEL_READ


def _inbox(
    db: Engine,
    clock: Clock,
    email: str | None,
    channel: str | None,
    out: TextIO,
    files: console.FileStore | None = None,
) -> int:
    if email is not None:
        person = _chatter(db, email)
        if _print_waiting(db, clock, person, out, files=files) == 0:
            out.write("Nothing waiting.\n")
        return 0
    assert channel is not None
    from storage import audit

    with transaction(db) as session:
        due = outbox_queries.due_for_console(session, clock.now(), channel=channel)
        rows = outbox_queries.take_for_console(session, due, clock.now())
        zones = queries.scheme_zones(session)
        for row in rows:
            zone = zones.get(row.scheme_id) if row.scheme_id is not None else None
            shown = console.render_stored(row.parts, files, zone=zone, now=clock.now())
            out.write(shown + "\n\n")
        # A channel's messages are read by whoever runs the command: kept in the audit log.
        audit.record(
            session,
            CHANNEL_READ,
            f"channel:{channel}",
            clock.now(),
            surface="cli",
            messages=len(rows),
        )
    if not rows:
        out.write("Nothing waiting.\n")
    return 0


async def _nudge(db: Engine, clock: Clock, sweep: bool) -> int:
    from bot import scheduler
    from bot.outbox import DeliveryStats
    from conversations.nudges import SweepStats

    async with scheduler.deliverer(db, clock) as sender:
        if sweep:
            stats = await scheduler.tick(db, clock, sender)
        else:
            delivered = DeliveryStats()
            for _ in range(100):
                once = await sender.deliver_once()
                delivered = delivered + once
                if once.total == 0:
                    break
            waiting = await asyncio.to_thread(scheduler.waiting, db)
            stats = scheduler.TickStats(SweepStats(), delivered, waiting)
    print(stats.summary())
    return 0


def _export(db: Engine, clock: Clock, email: str, out: TextIO) -> int:
    person = _person(db, email)
    assert person.id is not None
    with transaction(db) as session:
        data = queries.export_person(session, person.id)
        export_queries.record_export(session, person.id, clock.now(), surface="cli")
    out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return 0


def _erase(db: Engine, clock: Clock, email: str, yes: bool, stdin: TextIO, out: TextIO) -> int:
    """Erase one person, after the operator confirms (see storage.erasure)."""
    from storage import erasure

    log_ = erasure.ErasureLog.for_database(db)
    with transaction(db) as session:
        person = queries.person_by_email(session, email)
    if person is None or person.id is None:
        if log_.token(email) in log_.tokens():
            out.write(f"{email.strip().lower()} is already erased: nothing to do.\n")
            return 0
        raise UsageError(f"nobody with the email {email!r} is in this database")
    if not yes:
        out.write(
            f"This erases {person.display_name} <{person.email}> for good: their diary, "
            "drafts, messages and chat accounts are deleted, and what others keep shows them "
            "as an erased participant.\nType their email, or yes, to go on: "
        )
        out.flush()
        answer = stdin.readline().strip().lower()
        if answer not in ("yes", person.email.lower()):
            out.write("Nothing erased.\n")
            return 1
    now = clock.now()
    log_.record(person.email, now)
    with transaction(db) as session:
        posted = erasure.posted_to(session, person.id)
    # Before the erasure: it deletes the ids. A failure here leaves the person for a re-run.
    removed = asyncio.run(_delete_posted(posted)) if posted else ""
    with transaction(db) as session:
        current = session.get(Person, person.id)
        assert current is not None
        done = erasure.erase(session, current, now)
    out.write(done.summary() + "\n")
    if removed:
        out.write(removed + "\n")
    return _scrubbed(db, out)


async def _delete_posted(posted: list[Posted]) -> str:
    """Delete on Slack and Teams the messages the bot posted to the person; one line saying
    what was deleted and what could not be."""
    import aiohttp

    from bot import scheduler
    from bot.channels.base import Deleter, DeliveryError

    deleted = gone = failed = 0
    reasons: set[str] = set()
    async with aiohttp.ClientSession() as http:
        senders = scheduler.senders(http)
        for message in posted:
            deleter = cast("Deleter | None", senders.get(message.platform))
            if deleter is None:
                failed += 1
                reasons.add(f"{message.platform} is not set up here")
                continue
            try:
                if await deleter.delete(message.address, message.message_id):
                    deleted += 1
                else:
                    gone += 1
            except DeliveryError as exc:
                failed += 1
                reasons.add(str(exc))
    line = f"Deleted {deleted} message{'s' if deleted != 1 else ''} the bot had posted to them"
    if gone:
        line += f" ({gone} already gone)"
    if failed:
        line += f"; {failed} could not be deleted ({'; '.join(sorted(reasons))})"
    return line + "."


def _erase_replay(db: Engine, clock: Clock, out: TextIO) -> int:
    """Erase again everyone in the erasure log who is back (a database restored from a backup)."""
    from storage import erasure

    log_ = erasure.ErasureLog.for_database(db)
    now = clock.now()
    with transaction(db) as session:
        people = log_.to_replay(session)
        for person in people:
            erasure.erase(session, person, now, replayed=True)
    logged = len(log_.tokens())
    out.write(
        f"Re-applied {len(people)} of {logged} logged erasure{'s' if logged != 1 else ''} "
        "(the rest were applied already, or were never in this database).\n"
    )
    return _scrubbed(db, out)


def _scrubbed(db: Engine, out: TextIO) -> int:
    from storage import erasure

    if not erasure.scrub_files(db):
        log.warning(
            "the database file could not be compacted while another process uses it: run "
            "mentorbot erase --replay again when the server is stopped"
        )
    return 0


def _rotate(db: Engine, out: TextIO) -> int:
    """``mentorbot keys rotate``: a key file gets a new key; keys from the environment must
    list the new one first."""
    from storage import sealing

    keyring = sealing.keyring_of(db.dialect)
    if keyring.source == sealing.KEY_ENV and len(keyring.keys) < 2:
        raise UsageError(
            f"{sealing.KEY_ENV} holds one key: put the new key first, then the old one "
            "(comma separated), and run this again"
        )
    key_id, count = sealing.rotate(db)
    out.write(
        f"Sealed {count} values again under key {key_id}. The older keys are kept "
        f"({keyring.source}) so backups made before today can still be read.\n"
    )
    return 0


def _since(text: str) -> datetime:
    try:
        day = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--since {text!r} is not a date: write it as YYYY-MM-DD") from None
    return day if day.tzinfo else day.replace(tzinfo=UTC)


def _audit(db: Engine, email: str | None, since: str | None, out: TextIO) -> int:
    """The audit log, oldest first: one line per row (when, who, what, about what, where)."""
    from storage import audit

    start = _since(since) if since else None
    person_id = _person(db, email).id if email else None
    with transaction(db) as session:
        rows = audit.listing(session, person_id=person_id, since=start)
        names = {
            p.id: "erased participant" if p.erased_at else f"{p.display_name} <{p.email}>"
            for p in session.exec(
                select(Person).where(col(Person.id).in_({r.actor_id for r in rows}))
            )
        }
    for row in rows:
        detail = dict(row.detail)
        surface = detail.pop("surface", None) or "-"
        who = names.get(row.actor_id, "erased participant") if row.actor_id else "mentorbot"
        extra = ", ".join(f"{k}={v}" for k, v in sorted(detail.items()))
        when = row.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        line = f"{when}  {who}  {row.action}  {row.subject or '-'}  on {surface}"
        out.write(f"{line}  ({extra})\n" if extra else f"{line}\n")
    if not rows:
        out.write("Nothing in the audit log" + (" for them" if email else "") + ".\n")
    return 0


def _demo(args: argparse.Namespace, clock: Clock, out: TextIO) -> int:
    """``mentorbot demo``: the walk (bot/demo_walk.py) from the Monday of this week (or of
    ``--now``'s). Pauses between steps only when a person is watching a terminal."""
    from bot import demo_walk

    if getattr(args, "db", None):
        raise UsageError("the demo runs on a throw-away database of its own: leave out --db")
    start = demo_walk.walk_start(clock.now().astimezone(demo_walk.ZONE).date())
    try:
        watched = out.isatty() and not args.no_pause
        pause = demo_walk.pause_from(os.environ) if watched else 0.0
        demo_walk.run(out, start=start, files_dir=Path(args.files_dir), pause=pause)
    except demo_walk.WalkError as exc:
        out.flush()
        print(f"mentorbot: demo: {exc}", file=sys.stderr)
        return 1
    return 0


def _people(settings: Settings, clock: Clock, args: argparse.Namespace, out: TextIO) -> int:
    """``mentorbot people import``: the checks and the writing are conversations.people_import's.
    A file that cannot be used is said before the database is opened."""
    from conversations.people_import import PeopleFileError, import_people, read_people_file
    from storage.erasure import ErasureLog

    try:
        file = read_people_file(Path(args.file))
        db = open_database(settings.database_url)
        try:
            report = import_people(
                db, file, args.cohort, clock, apply=args.apply, erasures=ErasureLog.for_database(db)
            )
        finally:
            db.dispose()  # its connections close now, not whenever they are collected
    except PeopleFileError as exc:
        raise UsageError(str(exc)) from exc
    for problem in report.problems:
        print(f"{args.file}: {problem}", file=sys.stderr)
    out.write(report.summary() + "\n")
    return 1 if report.problems else 0


def _report(db: Engine, clock: Clock, args: argparse.Namespace, out: TextIO) -> int:
    """Write a report: Markdown to stdout, or files of one format into ``--out``."""
    from conversations import report_files
    from conversations.reports import NotDueYet, ReportKind, build
    from storage import report_queries

    kinds = [k.value for k in ReportKind]
    if args.kind not in kinds:
        raise UsageError(f"unknown report kind {args.kind!r}: use one of {', '.join(kinds)}")
    if args.format not in report_files.FORMATS:
        raise UsageError(
            f"unknown format {args.format!r}: use one of {', '.join(report_files.FORMATS)}"
        )
    if args.format != "md" and not args.out:
        raise UsageError(f"--format {args.format} writes files: say where with --out DIR")
    with transaction(db) as session:
        asker, cohort = _report_reader(session, args.as_email, args.cohort)
        try:
            report = build(session, asker, cohort, ReportKind(args.kind), clock.now())
        except report_queries.NotAllowed as exc:
            raise UsageError(str(exc)) from exc
        except NotDueYet as exc:
            raise UsageError(f"{exc}; until then use --kind health") from exc
    files = report_files.files_for(report, args.format)
    if not args.out:
        out.write(files[0].data.decode("utf-8"))
        return 0
    folder = Path(args.out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for file in files:
            (folder / file.filename).write_bytes(file.data)
    except OSError as exc:
        raise UsageError(f"cannot write to {folder}: {exc.strerror or exc}") from exc
    if not files:
        out.write("Nothing to draw yet: no charts written.\n")
    for file in files:
        out.write(f"{folder / file.filename}\n")
    return 0


def _report_reader(session: Session, email: str | None, slug: str | None) -> tuple[int, int]:
    """Who the report is read as, and for which cohort. The CLI is an operator's tool (it holds
    the database), but a report is still read AS a lead or steering member, so it shows exactly
    what they may see (a mentor on the steering group never sees feedback about themselves)."""
    from storage import report_queries

    if email is not None:
        person = queries.person_by_email(session, email)
        if person is None or person.id is None:
            raise UsageError(f"nobody with the email {email!r} is in this database")
        try:
            cohort = report_queries.find_cohort(session, person.id, slug)
        except report_queries.NotAllowed as exc:
            raise UsageError(f"{email} cannot read reports: {exc}") from exc
        assert cohort.id is not None
        return person.id, cohort.id
    cohorts = report_queries.cohorts_named(session, slug)
    if not cohorts:
        raise UsageError(
            f"no cohort {slug!r} in this database"
            if slug
            else "no cohort in this database (load a scheme first)"
        )
    if len(cohorts) > 1:
        names = ", ".join(name for name, _ in cohorts)
        raise UsageError(f"several cohorts: name one with --cohort ({names})")
    cohort = cohorts[0][1]
    assert cohort.id is not None
    leads = report_queries.leads_of(session, cohort.id)
    if not leads or leads[0].id is None:
        raise UsageError(
            f"cohort {cohort.slug!r} has no project lead: name a reader with --as EMAIL"
        )
    return leads[0].id, cohort.id


if __name__ == "__main__":
    sys.exit(main())
