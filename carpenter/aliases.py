"""Artists operators merge and split, and the aliases later runs read titles with.

``merge_artists(keep, duplicate)``: two nodes are one artist ("The Foo Band" and "Foo
Band Seattle"). The duplicate's events go to the artist kept, its slug (and its own
aliases) become aliases of it, and it is removed. ``split_artist(artist, names)``: a
node is several artists ("Hazel & The Pearls & Tacocat" read whole). Its events go to
the artists named (made when new), its slug is remembered as a split on the first of
them, and it is removed. Both are carpenter runs with a record per node changed, like
the venue merge (``carpenter.merge``).

``Aliases.load()`` gives a run what operators decided: a slug a title gives that was
merged means the artist kept; one that was split means the artists it was split into.
So a later run never brings back what an operator merged or split.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q

from carpenter import events as ev
from carpenter.artists import artist_slug
from graph import search
from graph.audit import CREATE, UPDATE, RunLog, diff
from graph.expressions import JSONText
from graph.labels import Label
from graph.models import Edge, Node
from graph.store import GraphError

SOURCE = "admin"
PERFORMS_AT = "performs_at"


class Aliases(dict[str, list[str]]):
    """Slug a title may give -> the slugs of the artists it means."""

    @classmethod
    def load(cls) -> Aliases:
        """Read every merge and split operators made (one query: only the artists with some)."""
        found = cls()
        nodes = (
            Node.objects.filter(label=Label.ARTIST)
            .annotate(alias_text=JSONText("data", "aliases"), split_text=JSONText("data", "splits"))
            .filter(Q(alias_text__isnull=False) | Q(split_text__isnull=False))
            .order_by("created_at")
        )
        for node in nodes:
            for alias in node.data.get("aliases") or ():
                found[alias] = [node.data["slug"]]
            found.update(
                (joined, list(parts)) for joined, parts in (node.data.get("splits") or {}).items()
            )
        return found

    def resolve(self, slug: str) -> list[str]:
        """Return the artists' slugs ``slug`` means (itself, unless merged or split)."""
        return self.get(slug, [slug])

    def means_one(self, slug: str) -> bool:
        """Whether ``slug`` was merged into one artist (a joined name then stays whole)."""
        return len(self.get(slug, ())) == 1


def merge_artists(keep: Node, duplicate: Node, *, by: str, trigger: str = "admin") -> Node:
    """Fold ``duplicate`` into ``keep``; return the carpenter_run that records it."""
    if keep.label != Label.ARTIST or duplicate.label != Label.ARTIST:
        raise GraphError("only artists can be merged")
    if keep.pk == duplicate.pk:
        raise GraphError("an artist cannot be merged with itself")
    options = {"action": "merge_artists", "keep": keep.pk, "duplicate": duplicate.pk, "by": by}

    def work(log: RunLog) -> None:
        kept = Node.objects.select_for_update().get(pk=keep.pk)
        gone = Node.objects.select_for_update().get(pk=duplicate.pk)
        slug = gone.data["slug"]
        moved = _reassign(
            gone, [kept], log, why=f"{gone.data['name']} merged into {kept.data['name']}"
        )
        old = dict(kept.data)
        aliases = [*(kept.data.get("aliases") or []), slug, *(gone.data.get("aliases") or [])]
        splits = {**(gone.data.get("splits") or {}), **(kept.data.get("splits") or {})}
        kept.data = {
            **kept.data,
            "aliases": list(dict.fromkeys(a for a in aliases if a != kept.data["slug"])),
            "splits": splits or None,
            "external_ids": {
                **gone.data.get("external_ids", {}),
                **kept.data.get("external_ids", {}),
            },
        }
        Node.objects.bulk_update_data([kept])
        changes = diff(old, kept.data)
        changes["merged"] = {"old": None, "new": f"{gone.data['name']} ({gone.pk})"}
        summary = f"{kept.data['name']}: merged {gone.data['name']} into it, by {by}"
        log.add(UPDATE, SOURCE, summary, kept, kind="artist", diff=changes)
        gone.delete()
        search.index_events(moved)  # the events' artists' names, as they are now

    return _recorded(options, trigger, work)


def split_artist(artist: Node, names: list[str], *, by: str, trigger: str = "admin") -> Node:
    """Replace ``artist`` by the artists ``names`` names; return the run that records it."""
    if artist.label != Label.ARTIST:
        raise GraphError("only artists can be split")
    names = list(dict.fromkeys(n.strip() for n in names if artist_slug(n.strip())))
    if len(names) < 2:
        raise GraphError("a split needs at least two names")
    if artist.data["slug"] in {artist_slug(n) for n in names}:
        raise GraphError("a split names other artists than the one split")
    options = {"action": "split_artist", "artist": artist.pk, "names": names, "by": by}

    def work(log: RunLog) -> None:
        whole = Node.objects.select_for_update().get(pk=artist.pk)
        slugs = [artist_slug(n) for n in names]
        parts = Node.objects.by_keys("artist", slugs)
        missing = [
            (slug, name) for slug, name in zip(slugs, names, strict=True) if slug not in parts
        ]
        created = Node.objects.bulk_create_nodes(
            "artist", [{"name": name, "slug": slug} for slug, name in missing]
        )
        for node in created:
            parts[node.data["slug"]] = node
            log.add(CREATE, SOURCE, node.data["name"], node, kind="artist")
        ordered = [parts[s] for s in slugs]
        moved = _reassign(whole, ordered, log, why=f"{whole.data['name']} split by {by}")
        first = ordered[0]
        old = dict(first.data)
        joined = [whole.data["slug"], *(whole.data.get("aliases") or [])]
        first.data = {
            **first.data,
            "splits": {**(first.data.get("splits") or {}), **dict.fromkeys(joined, slugs)},
        }
        Node.objects.bulk_update_data([first])
        changes = diff(old, first.data)
        changes["split"] = {"old": f"{whole.data['name']} ({whole.pk})", "new": names}
        summary = f"{whole.data['name']}: split into {', '.join(names)}, by {by}"
        log.add(UPDATE, SOURCE, summary, first, kind="artist", diff=changes)
        whole.delete()
        search.index_events(moved)

    return _recorded(options, trigger, work)


def _recorded(options: dict[str, Any], trigger: str, work) -> Node:
    log = RunLog(Label.CARPENTER_RUN, [SOURCE], {**options, "trigger": trigger})
    log.start()
    try:
        with transaction.atomic():
            work(log)
            log.flush()
    except Exception as error:
        log.source_failed(SOURCE, str(error).splitlines()[0])
        log.pending.clear()
        log.finish(error=f"{options['action']} failed: {str(error).splitlines()[0]}")
        raise
    return log.finish()


def _reassign(artist: Node, into: list[Node], log: RunLog, *, why: str) -> list[str]:
    """Give ``artist``'s events to the artists ``into``: lineups and edges, in bulk.

    Return the ids of the events changed.
    """
    slug = artist.data["slug"]
    into_slugs = [a.data["slug"] for a in into]
    events = list(artist.neighbours(PERFORMS_AT).select_for_update().order_by("pk"))
    olds = []
    for event in events:
        olds.append(ev.meaning(event.data))
        data = {**event.data, "reports": {}}
        for raw_id, report in event.data.get("reports", {}).items():
            data["reports"][raw_id] = {
                **report,
                "lineup": _swap(report["lineup"], slug, into_slugs),
            }
        override = (data.get("overrides") or {}).get("lineup")
        if override:
            value = _swap(override["value"], slug, into_slugs)
            data["overrides"] = {**data["overrides"], "lineup": {**override, "value": value}}
        event.data = data
    Node.objects.bulk_update_data(events)
    have = set(
        Edge.objects.filter(relation=PERFORMS_AT, target__in=events).values_list(
            "source_id", "target_id"
        )
    )
    Edge.objects.bulk_link(
        [(a, PERFORMS_AT, e) for e in events for a in into if (a.pk, e.pk) not in have]
    )
    for event, old in zip(events, olds, strict=True):
        summary = f"{event.data.get('title')} ({event.data.get('day')}): {why}"
        log.add(
            UPDATE, SOURCE, summary, event, kind="event", diff=diff(old, ev.meaning(event.data))
        )
    return [e.pk for e in events]


def _swap(lineup: list[str], slug: str, into: list[str]) -> list[str]:
    swapped: list[str] = []
    for s in lineup:
        swapped.extend(into if s == slug else [s])
    return list(dict.fromkeys(swapped))
