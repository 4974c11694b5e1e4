"""HTML the admin shows beside a node: pretty JSON, its edges, a run's records.

Everything here is built with ``format_html`` / ``format_html_join``, which escape
every value: scraped names and titles show as text, never as markup.
"""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from graph.expressions import JSONText
from graph.labels import Relation
from graph.models import Node
from web.dashboard.present import pretty_json

EDGES_SHOWN = 50
RECORDS_SHOWN = 50
# Statuses with a colour of their own (static/admin/sms-admin.css); others are grey.
STATUS_TONES = frozenset(
    {"succeeded", "create", "running", "update", "partial", "skip", "skipped", "failed", "error"}
)


def node_admin_link(node: Node) -> SafeString:
    """Return a link to ``node``'s admin page, named by its label and display name."""
    url = reverse("admin:graph_node_change", args=[node.pk])
    return format_html('<a href="{}">{}</a>', url, node.display_name)


def status_badge(status: str) -> SafeString:
    """Return a small coloured status word (succeeded, failed, update, error, ...).

    The colour is a class's (static/admin/sms-admin.css): the Content-Security-Policy
    allows no style attribute.
    """
    tone = status if status in STATUS_TONES else "other"
    return format_html('<strong class="sms-status sms-status-{}">{}</strong>', tone, status)


def json_block(value: object) -> SafeString:
    """Return ``value`` as indented JSON in an escaped <pre>."""
    return format_html('<pre class="sms-json">{}</pre>', pretty_json(value))


def edges_table(node: Node, direction: str) -> SafeString:
    """Return a table of the node's outgoing or incoming edges, linking to the other end.

    Two queries whatever the node's degree: a count per relation, then the first
    ``EDGES_SHOWN`` edges with the node at their other end.
    """
    near, far, related = (
        ("source", "target", node.out_edges)
        if direction == "out"
        else ("target", "source", node.in_edges)
    )
    totals = dict(
        related.order_by().values("relation").annotate(n=Count("id")).values_list("relation", "n")
    )
    if not totals:
        return format_html('<span class="sms-muted">{}</span>', "none")
    edges = related.select_related(far).order_by("relation", "-created_at", "id")[:EDGES_SHOWN]
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (edge.relation, getattr(edge, far).label, node_admin_link(getattr(edge, far)))
            for edge in edges
        ),
    )
    total = sum(totals.values())
    summary = ", ".join(f"{n:,} {relation}" for relation, n in sorted(totals.items()))
    more = (
        format_html('<p class="sms-muted">Showing {} of {}.</p>', EDGES_SHOWN, f"{total:,}")
        if total > EDGES_SHOWN
        else ""
    )
    return format_html(
        '<p class="sms-muted">{}</p><table class="sms-table"><thead><tr><th>relation</th>'
        "<th>{}</th><th>node</th></tr></thead><tbody>{}</tbody></table>{}",
        summary,
        "target label" if direction == "out" else "source label",
        rows,
        more,
    )


def records_table(run: Node) -> SafeString:
    """Return the run's first records (by time) and a link to all of them on the dashboard."""
    records = (
        Node.objects.neighbours(run, Relation.HAS_RECORD)
        .annotate(record_at=JSONText("data", "at"))
        .order_by("record_at", "id")
    )
    total = records.count()
    dashboard = reverse("dashboard:run", args=[run.pk])
    if not total:
        return format_html('<span class="sms-muted">This run wrote no records.</span>')
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                status_badge(r.data.get("change_type", "")),
                r.data.get("source", ""),
                format_html(
                    '<a href="{}">{}</a>',
                    reverse("admin:graph_node_change", args=[r.pk]),
                    r.data.get("summary", ""),
                ),
                r.data.get("reason") or "",
            )
            for r in records[:RECORDS_SHOWN]
        ),
    )
    return format_html(
        '<p>{} record{}. <a href="{}">All of them, grouped by change type, with diffs, on the '
        "dashboard →</a></p>"
        '<table class="sms-table"><thead><tr><th>change</th><th>source</th><th>summary</th>'
        "<th>reason</th></tr></thead><tbody>{}</tbody></table>{}",
        f"{total:,}",
        "" if total == 1 else "s",
        dashboard,
        rows,
        format_html('<p class="sms-muted">Showing the first {}.</p>', RECORDS_SHOWN)
        if total > RECORDS_SHOWN
        else "",
    )
