"""Set-up and reading helpers for corpus sections 5-10 (minutes, diary, check-ins, concerns,
other requests, lead): rows inserted as if made through chat, and reads of what a case stored."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from sqlmodel import select

from storage.db import transaction
from storage.models import (
    ActionItem,
    Cohort,
    Concern,
    DiaryEntry,
    Meeting,
    MeetingStatus,
    Minutes,
)
from tests.corpus.world import Row, World, expect, instant, local, meeting, pairing

FRI_27_FEB = "2026-02-27T14:00"


def day(text: str) -> date:
    """``2026-03-06`` as a date."""
    return date.fromisoformat(text)


def held(
    w: World,
    when: str = FRI_27_FEB,
    *,
    between: tuple[str, str] = ("priya", "tom"),
    mode: str = "video",
) -> int:
    """A meeting that has taken place and has no minutes yet (confirmed, in the past)."""
    return meeting(w, when, between=between, mode=mode)


def minuted(
    w: World,
    meeting_id: int | None,
    *,
    author: str = "priya",
    between: tuple[str, str] = ("priya", "tom"),
    discussion: str = "leadership plan; rota gaps",
    held_on: str = "2026-02-27",
) -> int:
    """Minutes saved on ``meeting_id`` (which is then held)."""
    with transaction(w.db) as session:
        row = Minutes(
            pairing_id=pairing(w, *between),
            meeting_id=meeting_id,
            author_id=w.ids[author],
            held_on=day(held_on),
            discussion=discussion,
            created_at=w.now,
        )
        session.add(row)
        if meeting_id is not None:
            met = session.get(Meeting, meeting_id)
            assert met is not None
            met.status = MeetingStatus.HELD.value
            session.add(met)
        session.flush()
        assert row.id is not None
        return row.id


def action(
    w: World,
    text: str,
    owner: str,
    *,
    due: str | None = None,
    done: bool = False,
    minutes_id: int | None = None,
    between: tuple[str, str] = ("priya", "tom"),
) -> int:
    """An action of the pair: ``owner`` a first name or "both"."""
    from storage.models import Person

    with transaction(w.db) as session:
        if owner == "both":
            owner_id, owner_name = None, "Both"
        else:
            person = session.get(Person, w.ids[owner])
            assert person is not None
            owner_id, owner_name = person.id, person.display_name
        row = ActionItem(
            pairing_id=pairing(w, *between),
            minutes_id=minutes_id,
            owner_id=owner_id,
            owner_name=owner_name,
            text=text,
            due=day(due) if due else None,
            done_at=w.now if done else None,
            created_at=w.now,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id


def diary(w: World, who: str, written_on: str, text: str) -> int:
    with transaction(w.db) as session:
        row = DiaryEntry(
            author_id=w.ids[who], written_on=day(written_on), text=text, created_at=w.now
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id


def concern(
    w: World,
    raised_by: str,
    category: str,
    text: str,
    *,
    at: str = "2026-02-28T10:00",
    between: tuple[str, str] | None = None,
    status: str = "open",
    acknowledged_by: str | None = None,
    urgent: bool = False,
) -> int:
    """A concern as if raised through chat (``at``: London local)."""
    with transaction(w.db) as session:
        cohort = session.exec(select(Cohort).where(Cohort.slug == "demo-cohort")).first()
        assert cohort is not None
        assert cohort.id is not None
        row = Concern(
            cohort_id=cohort.id,
            raised_by_id=w.ids[raised_by],
            pairing_id=pairing(w, *between) if between else None,
            category=category,
            text=text,
            urgent=urgent,
            status=status,
            created_at=instant(at),
            acknowledged_at=instant(at) if acknowledged_by else None,
            acknowledged_by_id=w.ids[acknowledged_by] if acknowledged_by else None,
            resolved_at=instant(at) if status == "resolved" else None,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id


def c2(w: World) -> None:
    """Section 10's concern c2: a non-urgent 'no response' concern raised by Nadia about Owen on
    Sat 28 Feb, not yet acknowledged (the demo has no concern, so it gets id 2 after c1)."""
    concern(
        w,
        "nadia",
        "not_responding",
        "Owen hasn't replied to my messages for three weeks.",
        between=("nadia", "owen"),
    )


# -- reading what a case stored -------------------------------------------------------------------


def words(text: str | None) -> str:
    return (text or "").lower()


def has(text: str | None, *keys: str) -> bool:
    """Every one of ``keys`` (lower case, any may be "a|b" alternatives) is in ``text``."""
    low = words(text)
    return all(any(k in low for k in key.split("|")) for key in keys)


# Words that carry no content of their own: a stored text is judged by the rest.
_LITTLE = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "so",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "with",
        "by",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "am",
        "it",
        "its",
        "i",
        "im",
        "i'm",
        "me",
        "my",
        "we",
        "our",
        "us",
        "you",
        "your",
        "he",
        "him",
        "his",
        "she",
        "her",
        "they",
        "them",
        "their",
        "this",
        "that",
        "these",
        "those",
        "there",
        "then",
        "than",
        "too",
        "very",
        "just",
        "pls",
        "please",
        "thanks",
        "thank",
    ]
)


def content(text: str | None) -> set[str]:
    """The words of ``text`` that carry content (lower case, punctuation and little words
    dropped; digits kept: "3 sickness calls" keeps "3")."""
    found = re.findall(r"[a-z0-9][a-z0-9'/:.-]*[a-z0-9]|[a-z0-9]", (text or "").lower())
    return {w for w in found if w not in _LITTLE}


def typed(w: World, answer: int | None = None) -> str:
    """What the person typed in the case: its ``say`` (and every ``then`` answer), or only the
    ``then`` answer numbered ``answer`` (0 is the first)."""
    spoken = w.spoken
    expect(spoken is not None, "the case's own text is not known (no corpus case played)")
    assert spoken is not None
    if answer is None:
        return "\n".join((spoken.say, *spoken.then))
    expect(answer < len(spoken.then), f"the case has no answer {answer + 1}")
    return spoken.then[answer]


def keeps(stored: str | None, source: str, *, share: float = 0.6, least: int = 2) -> bool:
    """``stored`` is the person's own ``source`` text as typed, give or take the words around
    it ("diary entry:", "yes pls, ..."): at least three quarters of its content words are
    words of ``source``, and it keeps at least ``share`` of ``source``'s content words and at
    least ``least`` of them (``share`` 0 where ``source`` says more than the stored part, as a
    message with minutes and actions). Nothing stored, or something else stored, fails."""
    got, said = content(stored), content(source)
    if not got or not said:
        return False
    ours = got & said
    return len(ours) >= 0.75 * len(got) and len(ours) >= max(
        share * len(said), min(least, len(said))
    )


def from_typed(
    w: World, stored: str | None, answer: int | None = None, *, share: float = 0.6
) -> bool:
    """``stored`` is what the person typed (``keeps``): the case's ``say``, or its ``then``
    answer numbered ``answer`` (0 is the first)."""
    spoken = w.spoken
    expect(spoken is not None, "the case's own text is not known (no corpus case played)")
    assert spoken is not None
    return keeps(stored, spoken.say if answer is None else typed(w, answer), share=share)


def longest(w: World, answer: int | None = None) -> str:
    """The longest content word of what the person said (the ``say``, or the ``then`` answer
    numbered ``answer``): a word of theirs to look for where their words must not go."""
    spoken = w.spoken
    expect(spoken is not None, "the case's own text is not known (no corpus case played)")
    assert spoken is not None
    text = spoken.say if answer is None else typed(w, answer)
    return max(sorted(x for x in content(text) if x.isalpha()), key=len, default=text.lower())


# Everyday words of the scheme a notice may well use of itself: never taken as the person's own.
_SCHEME_WORDS = frozenset(
    [
        "something",
        "anything",
        "someone",
        "project",
        "concern",
        "concerns",
        "mentor",
        "mentors",
        "mentoring",
        "mentee",
        "meeting",
        "meetings",
        "scheme",
        "steering",
        "about",
        "would",
        "could",
        # The words of the concern categories a lead's alert names ("partner not responding").
        "relationship",
        "difficulty",
        "breakdown",
        "partner",
        "responding",
        "change",
        "circumstances",
        "absence",
        "safety",
        "safeguarding",
        "fitness",
        "practise",
        "bullying",
        "harassment",
        "discrimination",
    ]
)


def theirs(w: World, count: int = 2) -> list[str]:
    """Words only the person used: the ``count`` longest content words (six letters or more)
    of what they typed that the case's expect does not use and that name nobody. What a case
    says must not reach someone is looked for by these."""
    spoken = w.spoken
    expect(spoken is not None, "the case's own text is not known (no corpus case played)")
    assert spoken is not None
    plain = content(spoken.expect) | set(w.ids) | _SCHEME_WORDS
    mine = {x for x in content(typed(w)) if x.isalpha() and len(x) >= 6 and x not in plain}
    return sorted(mine, key=lambda x: (-len(x), x))[:count]


def on_a_line(text: str, *keys: str) -> bool:
    """Some one line of ``text`` has every key (``a|b`` alternatives): facts said together."""
    return any(has(line, *keys) for line in text.splitlines())


def new_actions(w: World) -> list[Row]:
    return w.diff().new("action_item")


def find_action(rows: list[Row], *keys: str) -> Row:
    """The one row whose text has every key."""
    found = [r for r in rows if has(r["text"], *keys)]
    expect(len(found) == 1, f"{len(found)} actions about {keys!r}: {[r['text'] for r in rows]}")
    return found[0]


def owned_by(w: World, row: Row, owner: str) -> bool:
    if owner == "both":
        return row["owner_id"] is None and words(row["owner_name"]) == "both"
    return row["owner_id"] == w.ids[owner]


def expect_action(
    w: World,
    rows: list[Row],
    keys: tuple[str, ...],
    owner: str,
    due: str | None,
) -> None:
    """An action about ``keys`` owned by ``owner`` ("both": one shared row, or one row each for
    the two partners) due on ``due`` (``2026-03-06`` or None)."""
    found = [r for r in rows if has(r["text"], *keys)]
    if owner == "both" and len(found) == 2:
        owners = {r["owner_id"] for r in found}
        expect(owners == {w.ids["priya"], w.ids["tom"]}, f"action {keys!r}: owners {owners}")
    else:
        expect(len(found) == 1, f"{len(found)} actions about {keys!r}: {[r['text'] for r in rows]}")
        expect(
            owned_by(w, found[0], owner),
            f"action {found[0]['text']!r} owned by {found[0]['owner_name']!r}, wanted {owner}",
        )
    for row in found:
        expect(
            row["due"] == (day(due) if due else None),
            f"action {row['text']!r} due {row['due']}, wanted {due}",
        )


def new_minutes(w: World) -> list[Row]:
    return w.diff().new("minutes")


def one_minutes(w: World, held_on: str = "2026-02-27") -> Row:
    made = new_minutes(w)
    expect(len(made) == 1, f"{len(made)} minutes saved, wanted 1")
    expect(made[0]["held_on"] == day(held_on), f"minutes on {made[0]['held_on']}, wanted {held_on}")
    return made[0]


def minutes_text(row: Row) -> str:
    return f"{row['discussion']}\n{row['decisions']}"


def done_now(w: World, action_id: int) -> bool:
    rows = w.rows("action_item", id=action_id)
    return bool(rows) and rows[0]["done_at"] is not None


def still_open(w: World, action_id: int) -> bool:
    rows = w.rows("action_item", id=action_id)
    return bool(rows) and rows[0]["done_at"] is None


def parts_text(row: Row) -> str:
    """Everything an outbox row carries (its parts and preview), lower case."""
    out = [row.get("preview") or ""]
    for part in row.get("parts") or []:
        out.append(_flatten(part))
    return "\n".join(out).lower()


def _flatten(value: Any) -> str:
    if isinstance(value, dict):
        return " ".join(_flatten(v) for v in value.values())
    if isinstance(value, list):
        return " ".join(_flatten(v) for v in value)
    return str(value)


def lead_alerts(w: World) -> list[Row]:
    """Rows added to a scheme channel (the lead channel) in the case."""
    return [r for r in w.diff().new("outbox") if r.get("channel")]


def told(w: World, name: str, *keys: str) -> bool:
    """Something new for ``name`` carries each of ``keys``."""
    return any(has(parts_text(r), *keys) for r in w.sent(name))


def local_day(moment: datetime) -> date:
    return local(moment).date()


def answer_open(w: World, who: str, text: str, *, confirm: int = 3) -> None:
    """Where the corpus lets the bot ask something more ("the bot may ask"): when the last turn
    asks a question, ``who`` answers ``text``, then "yes" to any confirmation that follows."""
    from tests.corpus.world import is_confirmation, prompt_of

    if not w.turns or prompt_of(w, who, w.last()) is None:
        return
    if w.last().questions and is_confirmation(w.last().questions[-1]):
        return
    turn = w.say(who, text)
    for _ in range(confirm):
        if turn.questions and is_confirmation(turn.questions[-1]):
            turn = w.say(who, "yes")
        else:
            break


def only_changed(w: World, tables: set[str], *, may_tell: tuple[str, ...] = ()) -> None:
    """Nothing changed outside ``tables`` (bookkeeping aside), and nothing was sent to anyone
    but the speaker and ``may_tell``."""
    from tests.corpus.world import nothing_changed

    diff = w.diff()
    allowed_ids = {w.ids[t.who] for t in w.turns} | {w.ids[n] for n in may_tell}
    others = [r for r in diff.added.get("outbox", []) if r.get("recipient_id") not in allowed_ids]
    expect(
        not others,
        f"something was sent to {[w.names.get(r.get('recipient_id'), r.get('channel')) for r in others]}",
    )
    nothing_changed(w, allowed=tables | {"outbox"})


def not_told(w: World, name: str, *secrets: str) -> None:
    """Nothing new for ``name`` carries any of ``secrets`` (lower case)."""
    for row in w.sent(name):
        if row.get("kind") == "reply":
            continue
        text = parts_text(row)
        for secret in secrets:
            expect(secret.lower() not in text, f"{name} was told {secret!r}")


def notices(w: World, name: str) -> list[Row]:
    """Messages to ``name`` in the case that are not replies to their own turns."""
    return [r for r in w.sent(name) if r.get("kind") != "reply"]
