"""The vocabulary of the graph: node labels, edge relations, and which go together."""

from django.db import models


class Label(models.TextChoices):
    VENUE = "venue"
    ARTIST = "artist"
    EVENT = "event"
    RAW_DATA = "raw_data"
    INGEST_RUN = "ingest_run"
    INGEST_RECORD = "ingest_record"
    CARPENTER_RUN = "carpenter_run"
    CARPENTER_RECORD = "carpenter_record"


class Relation(models.TextChoices):
    HOSTS = "hosts"
    PERFORMS_AT = "performs_at"
    DERIVED_FROM = "derived_from"
    HAS_RECORD = "has_record"
    CHANGED = "changed"


# (source label, relation) -> the labels its target may have.
EDGE_RULES: dict[tuple[str, str], frozenset[str]] = {
    (Label.VENUE, Relation.HOSTS): frozenset({Label.EVENT}),
    (Label.ARTIST, Relation.PERFORMS_AT): frozenset({Label.EVENT}),
    (Label.EVENT, Relation.DERIVED_FROM): frozenset({Label.RAW_DATA}),
    (Label.INGEST_RUN, Relation.HAS_RECORD): frozenset({Label.INGEST_RECORD}),
    (Label.CARPENTER_RUN, Relation.HAS_RECORD): frozenset({Label.CARPENTER_RECORD}),
    (Label.INGEST_RECORD, Relation.CHANGED): frozenset({Label.RAW_DATA}),
    # Skips and errors about a raw item name it by raw_data_id, not by an edge.
    (Label.CARPENTER_RECORD, Relation.CHANGED): frozenset({Label.VENUE, Label.ARTIST, Label.EVENT}),
}


def edge_allowed(source_label: str, relation: str, target_label: str) -> bool:
    """Return whether ``source_label -relation-> target_label`` belongs in the graph."""
    return target_label in EDGE_RULES.get((source_label, relation), frozenset())
