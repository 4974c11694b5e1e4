"""Full-text search over events: their titles, artists and venues.

One row per event in ``event_search``: the event's id and a document made of its title,
its artists' names and its venue's name and neighbourhood. On the SQLite-family engines
(the embedded file and libSQL) it is an FTS5 table; on PostgreSQL a plain table with a
generated ``tsvector`` under a GIN index (migration 0004, which also adds an index of
events by day for the listings). The carpenter keeps it current
(``index_documents`` after each batch's events are written, from what the batch holds;
``index_events`` and ``index_venue`` after a correction or a merge); a row whose event
is gone is harmless, because ``matching_event_ids`` is only ever used joined to the
nodes, and is dropped the next time its id is indexed.

Only raw SQL and the ``nodes``/``edges`` tables are used, so the migration can call the
same code (``rebuild``) on a connection of its own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from django.db import connection as default_connection

TABLE = "event_search"
BATCH = 500
# Words of a query: letters and digits of any script. Everything else (quotes, FTS5 or
# tsquery operators) is dropped, so no input can make the search statement fail.
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_WORDS = 8

SQLITE_VENDORS = ("sqlite", "libsql")

# Events by day: every public listing asks for a range of days of events. The
# expression is the one graph.expressions.JSONText writes, so the planner can use it;
# only events are in it (``label = 'event'``, which a listing's ``label = %s`` implies),
# not the raw data and records that also have a day or none (migration graph 0007).
SQLITE_DAY_INDEX = (
    "CREATE INDEX IF NOT EXISTS nodes_label_day ON nodes (label, json_extract(data, '$.day')) "
    "WHERE label = 'event'"
)
POSTGRES_DAY_INDEX = (
    "CREATE INDEX IF NOT EXISTS nodes_label_day ON nodes (label, (data ->> 'day')) "
    "WHERE label = 'event'"
)
DROP_DAY_INDEX = "DROP INDEX IF EXISTS nodes_label_day"

SQLITE_CREATE = [
    # remove_diacritics: "Neumos" finds "Neumo's"-less spellings, "Café" finds "Cafe".
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
    "event_id UNINDEXED, document, tokenize = 'unicode61 remove_diacritics 2')",
    SQLITE_DAY_INDEX,
]
POSTGRES_CREATE = [
    f"CREATE TABLE IF NOT EXISTS {TABLE} ("
    # No foreign key to nodes: Django's flush and restore truncate nodes alone, which
    # PostgreSQL refuses while another table references it. Rows are only used joined.
    "event_id varchar(36) PRIMARY KEY, "
    "document text NOT NULL, "
    "words tsvector GENERATED ALWAYS AS (to_tsvector('simple', document)) STORED)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_words ON {TABLE} USING GIN (words)",
    POSTGRES_DAY_INDEX,
]


def is_sqlite(connection: Any = None) -> bool:
    """Return whether the connection speaks SQLite (FTS5) rather than PostgreSQL."""
    return (connection or default_connection).vendor in SQLITE_VENDORS


def create(connection: Any = None) -> None:
    """Create the search table for the connection's engine."""
    connection = connection or default_connection
    with connection.cursor() as cursor:
        for statement in SQLITE_CREATE if is_sqlite(connection) else POSTGRES_CREATE:
            cursor.execute(statement)


def drop(connection: Any = None) -> None:
    """Drop the search table and the day index."""
    with (connection or default_connection).cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cursor.execute(DROP_DAY_INDEX)


def rebuild(connection: Any = None) -> int:
    """Index every event again from scratch; return how many were indexed."""
    connection = connection or default_connection
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute("SELECT id FROM nodes WHERE label = 'event'")
        ids = [row[0] for row in cursor.fetchall()]
    for start in range(0, len(ids), BATCH):
        index_events(ids[start : start + BATCH], connection)
    return len(ids)


def index_events(event_ids: Iterable[str], connection: Any = None) -> None:
    """Bring the rows of these events up to date; ids of deleted events lose theirs.

    Five statements per batch of 500 events, whatever they hold.
    """
    connection = connection or default_connection
    ids = list(dict.fromkeys(event_ids))
    for start in range(0, len(ids), BATCH):
        _index_batch(ids[start : start + BATCH], connection)


def index_documents(documents: dict[str, str | None], connection: Any = None) -> None:
    """Replace these events' rows with the documents given (None: the event is gone).

    For a caller that has just written the events and holds what they say (the
    carpenter's batch): nothing is read back. Two statements per batch of 500 events.
    """
    connection = connection or default_connection
    ids = list(documents)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {TABLE} WHERE event_id IN ({marks})", chunk)
            rows = [(pk, documents[pk]) for pk in chunk if documents[pk] is not None]
            if rows:
                sql = f"INSERT INTO {TABLE} (event_id, document) VALUES (%s, %s)"
                cursor.executemany(sql, rows)


def index_venue(venue_id: str, connection: Any = None) -> None:
    """Index again every event the venue hosts (its name or its events changed)."""
    connection = connection or default_connection
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT target_id FROM edges WHERE source_id = %s AND relation = 'hosts'", [venue_id]
        )
        index_events([row[0] for row in cursor.fetchall()], connection)


def _index_batch(ids: list[str], connection: Any) -> None:
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, data FROM nodes WHERE label = 'event' AND id IN ({marks})", ids)
        events = {pk: _json(data) for pk, data in cursor.fetchall()}
        venue_ids = sorted({str(d.get("venue_id")) for d in events.values()})
        venues: dict[str, dict] = {}
        if venue_ids:
            vmarks = ", ".join(["%s"] * len(venue_ids))
            cursor.execute(f"SELECT id, data FROM nodes WHERE id IN ({vmarks})", venue_ids)
            venues = {pk: _json(data) for pk, data in cursor.fetchall()}
        artists: dict[str, list[str]] = {}
        if events:
            emarks = ", ".join(["%s"] * len(events))
            cursor.execute(
                "SELECT e.target_id, n.data FROM edges e JOIN nodes n ON n.id = e.source_id "
                f"WHERE e.relation = 'performs_at' AND e.target_id IN ({emarks})",
                list(events),
            )
            for event_id, data in cursor.fetchall():
                artists.setdefault(event_id, []).append(str(_json(data).get("name", "")))
        cursor.execute(f"DELETE FROM {TABLE} WHERE event_id IN ({marks})", ids)
        rows = [
            (pk, document(data, venues.get(str(data.get("venue_id")), {}), artists.get(pk, [])))
            for pk, data in events.items()
        ]
        if rows:
            cursor.executemany(f"INSERT INTO {TABLE} (event_id, document) VALUES (%s, %s)", rows)


def document(event: dict, venue: dict, artists: list[str]) -> str:
    """Return the text an event is found by: title, artists, venue, neighbourhood."""
    parts = [event.get("title"), *sorted(artists), venue.get("name"), venue.get("neighbourhood")]
    return " \n".join(str(part) for part in parts if part)


def words(query: str) -> list[str]:
    """Return the words of a search, at most ``MAX_WORDS`` of them."""
    return _WORD.findall(query or "")[:MAX_WORDS]


def matching_event_ids(query: str, connection: Any = None) -> tuple[str, list[str]] | None:
    """Return SQL selecting the ids of events matching every word (the last as a prefix).

    ``(sql, params)`` to use as a subquery (``pk__in=RawSQL(sql, params)``), or None
    when the query has no words (it matches nothing).
    """
    found = words(query)
    if not found:
        return None
    if is_sqlite(connection):
        # Each word quoted, so FTS5 reads it as a term and never as syntax.
        terms = [f'"{w}"' for w in found[:-1]] + [f'"{found[-1]}"*']
        return f"SELECT event_id FROM {TABLE} WHERE {TABLE} MATCH %s", [" ".join(terms)]
    terms = [f"{w}" for w in found[:-1]] + [f"{found[-1]}:*"]
    return (
        f"SELECT event_id FROM {TABLE} WHERE words @@ to_tsquery('simple', %s)",
        [" & ".join(terms)],
    )


def _json(value: Any) -> dict:
    if isinstance(value, dict):
        return value
    try:
        loaded = json.loads(value) if value else {}
    except (TypeError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}
