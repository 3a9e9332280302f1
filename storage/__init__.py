"""Storage: SQLModel tables, the engine and sessions, scoped queries, Alembic migrations.

Map:
- ``models``: every table of the domain, with the constraints that keep data right.
- ``db``: engine from a URL (SQLite in WAL mode with foreign keys on, or PostgreSQL via psycopg 3),
  sessions, and ``migrate`` (Alembic upgrade to head, run at start-up).
- ``queries``: reads and writes of personal data, each scoped to the person who asks.

This package imports neither ``conversations`` nor ``bot``.
"""
