"""The registry's metadata database: SQLite (stdlib, default) or PostgreSQL (SQLAlchemy).

Why two thin backends instead of an ORM: the default must work with the
standard library alone. Both run the same SQL text with ``:name`` parameters
(both dialects support ``INSERT ... ON CONFLICT`` and ``RETURNING``); only the
DDL and the write lock differ.

* SQLite: WAL journal (readers never block the writer), ``BEGIN IMMEDIATE``
  for every write transaction (the write lock is taken up front, so two writers
  never deadlock upgrading a read lock), a busy timeout so concurrent
  processes wait instead of failing, and ``synchronous=FULL``.
* PostgreSQL: each write transaction takes one transaction-scoped advisory
  lock, which serialises registry writes across processes and machines.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

__all__ = ["Database", "SQLAlchemyDatabase", "SQLiteDatabase", "open_database"]

SCHEMA_VERSION = "1"
_ADVISORY_KEY = 0x48555241  # "HURA"

_TABLES = """
CREATE TABLE IF NOT EXISTS registry_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS model_names (name TEXT PRIMARY KEY, last_version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS model_versions (
    id {pk},
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    component TEXT NOT NULL,
    task TEXT NOT NULL,
    regime TEXT,
    metrics TEXT NOT NULL,
    params TEXT NOT NULL,
    recipe TEXT,
    data_fingerprint TEXT NOT NULL,
    plugins TEXT NOT NULL,
    seeds TEXT NOT NULL,
    parent TEXT,
    tags TEXT NOT NULL,
    manifest TEXT NOT NULL,
    artifact_sha256 TEXT NOT NULL,
    created_at TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    UNIQUE (name, version)
);
CREATE TABLE IF NOT EXISTS model_aliases (
    name TEXT NOT NULL,
    alias TEXT NOT NULL,
    regime TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (name, alias, regime)
);
CREATE TABLE IF NOT EXISTS alias_history (
    id {pk},
    name TEXT NOT NULL,
    alias TEXT NOT NULL,
    regime TEXT NOT NULL,
    version INTEGER,
    action TEXT NOT NULL,
    reason TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS decisions (
    id {pk},
    name TEXT NOT NULL,
    regime TEXT NOT NULL,
    challenger_version INTEGER,
    champion_version INTEGER,
    promoted INTEGER NOT NULL,
    reason TEXT NOT NULL,
    evidence TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_model_versions_name ON model_versions (name, deleted);
CREATE INDEX IF NOT EXISTS ix_decisions_name ON decisions (name, regime)
"""


class Transaction(Protocol):
    def execute(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]: ...


class Database(Protocol):
    url: str
    dialect: str

    def write(self) -> Any: ...

    def read(self) -> Any: ...

    def close(self) -> None: ...


class _SQLiteTx:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        cursor = self._conn.execute(sql, params or {})
        if cursor.description is None:
            return []
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


class SQLiteDatabase:
    """A registry database in one SQLite file (WAL, ``BEGIN IMMEDIATE``, busy timeout)."""

    dialect = "sqlite"

    def __init__(self, path: str | Path, *, busy_timeout: float = 60.0) -> None:
        self.path = Path(path).absolute()
        self.url = f"sqlite:///{self.path}"
        self.busy_timeout = busy_timeout
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = self._connect()
        try:
            conn.execute("PRAGMA journal_mode=WAL")  # persistent: set once per database file
        finally:
            conn.close()
        with self.write() as tx:
            for statement in _TABLES.format(pk="INTEGER PRIMARY KEY AUTOINCREMENT").split(";"):
                if statement.strip():
                    tx.execute(statement)
            tx.execute(
                "INSERT INTO registry_meta (key, value) VALUES ('schema_version', :v) ON CONFLICT (key) DO NOTHING",
                {"v": SCHEMA_VERSION},
            )

    def __repr__(self) -> str:
        return f"SQLiteDatabase({str(self.path)!r})"

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[Transaction]:
        conn = self._connect()
        try:
            conn.execute(begin)
            try:
                yield _SQLiteTx(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()

    def write(self) -> Any:
        """An exclusive write transaction (``BEGIN IMMEDIATE``)."""
        return self._transaction("BEGIN IMMEDIATE")

    def read(self) -> Any:
        """A read transaction with a consistent snapshot."""
        return self._transaction("BEGIN")

    def close(self) -> None:
        """Nothing to release: connections are opened per transaction."""


class _SQLAlchemyTx:
    def __init__(self, conn: Any, text: Any) -> None:
        self._conn = conn
        self._text = text

    def execute(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        result = self._conn.execute(self._text(sql), params or {})
        if not result.returns_rows:
            return []
        return [dict(row) for row in result.mappings().all()]


class SQLAlchemyDatabase:
    """A registry database behind a SQLAlchemy URL (PostgreSQL; SQLAlchemy is imported only here)."""

    def __init__(self, url: str) -> None:
        import sqlalchemy

        self._sa = sqlalchemy
        self.url = url
        self.engine = sqlalchemy.create_engine(url, pool_pre_ping=True, future=True)
        self.dialect = self.engine.dialect.name
        if self.dialect != "postgresql":
            raise ValueError(
                f"registry URL {url!r} selects dialect {self.dialect!r}; supported: a folder, sqlite:///path.db, "
                "or postgresql+psycopg://user:password@host/db"
            )
        with self.write() as tx:
            for statement in _TABLES.format(pk="BIGSERIAL PRIMARY KEY").split(";"):
                if statement.strip():
                    tx.execute(statement)
            tx.execute(
                "INSERT INTO registry_meta (key, value) VALUES ('schema_version', :v) ON CONFLICT (key) DO NOTHING",
                {"v": SCHEMA_VERSION},
            )

    def __repr__(self) -> str:
        return f"SQLAlchemyDatabase({self.engine.url.render_as_string(hide_password=True)!r})"

    @contextmanager
    def _transaction(self, lock: bool) -> Iterator[Transaction]:
        with self.engine.begin() as conn:
            tx = _SQLAlchemyTx(conn, self._sa.text)
            if lock:
                tx.execute("SELECT pg_advisory_xact_lock(:key)", {"key": _ADVISORY_KEY})
            yield tx

    def write(self) -> Any:
        return self._transaction(lock=True)

    def read(self) -> Any:
        return self._transaction(lock=False)

    def close(self) -> None:
        self.engine.dispose()


def open_database(url: str, *, busy_timeout: float = 60.0) -> SQLiteDatabase | SQLAlchemyDatabase:
    """``sqlite:///path`` (or a plain file path) → SQLite; any other SQLAlchemy URL → SQLAlchemy."""
    if url.startswith("sqlite:///"):
        return SQLiteDatabase(url[len("sqlite:///") :], busy_timeout=busy_timeout)
    if "://" in url:
        return SQLAlchemyDatabase(url)
    return SQLiteDatabase(url, busy_timeout=busy_timeout)
