"""Every place the schema refers to a person: the one list that the subject access export (and
erasure) is checked against.

:func:`person_columns` walks the SQLModel metadata for foreign keys to ``person.id`` and adds
:data:`EMBEDDED`: columns that hold person ids inside JSON or a text key, where no foreign key
can say so. A new reference to a person is a new row of this list, and ``tests/test_export.py``
fails until docs/export-format.md says where it is exported or why it is not.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers every table in the metadata)


@dataclass(frozen=True, order=True)
class PersonColumn:
    """``table.column`` refers to a person: by a foreign key, or inside its value (``how``)."""

    table: str
    column: str
    how: str = "foreign key"

    @property
    def name(self) -> str:
        return f"{self.table}.{self.column}"


# Person ids held inside a value: JSON lists or objects, or a text key naming a person.
EMBEDDED = (
    # A mentee's ranked mentor choices (person ids).
    PersonColumn("application", "preferences", "JSON list of mentor ids"),
    # A proposed matching: [{mentee_id, mentor_id, rank}] and [{mentee_id, reason}].
    PersonColumn("match_proposal", "pairs", "JSON mentee_id, mentor_id"),
    PersonColumn("match_proposal", "unmatched", "JSON mentee_id"),
    # "person:ID", or "...>ID" for a nudge to one partner of a pairing, meeting, survey...
    PersonColumn("nudge", "subject", "text person:ID or >ID"),
    # "person:ID" for a row about someone; detail's person_id, mentee_id, mentor_id or ids.
    PersonColumn("audit_log", "subject", "text person:ID"),
    PersonColumn("audit_log", "detail", "JSON person_id, mentee_id, mentor_id, ids"),
)


def person_columns() -> list[PersonColumn]:
    """Every column that refers to a person, sorted by table and column."""
    found = {
        PersonColumn(table.name, column.name)
        for table in SQLModel.metadata.sorted_tables
        for column in table.columns
        for key in column.foreign_keys
        if key.target_fullname == "person.id"
    }
    return sorted(found | set(EMBEDDED))


def person_foreign_keys() -> list[tuple[str, str]]:
    """``(table, column)`` of each foreign key to ``person.id`` (what erasure must also handle)."""
    return [(c.table, c.column) for c in person_columns() if c.how == "foreign key"]
