"""What operators do from the admin: hide and unhide, re-process raw data, merge venues,
merge and split artists.

Every action is a POST with the admin's CSRF token (the changelist's action form, or
the merge confirmation page); nothing here deletes a venue or an event except the
duplicate of a merge, which the carpenter's ``merge_venues`` records as a run.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from carpenter import aliases, overrides, service
from carpenter import merge as merging

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

    from graph.models import Node

logger = logging.getLogger(__name__)


def _set_hidden(modeladmin: ModelAdmin, request: HttpRequest, queryset: QuerySet, hidden: bool):
    """Set ``hidden`` on the selected nodes that need it: an override (carpenter.overrides)."""
    selected = list(queryset.order_by("pk"))
    before = {node.pk: bool(node.data.get("hidden")) for node in selected}
    action = "hide" if hidden else "unhide"
    stored = overrides.set_fields(
        selected, {"hidden": hidden}, by=request.user.get_username(), action=action
    )
    now = {node.pk: bool(node.data.get("hidden")) for node in stored}
    # The selected nodes, not the stored ones: the history goes by the admin's model.
    changed = [node for node in selected if before[node.pk] != now.get(node.pk)]
    word = "Hidden" if hidden else "Shown again"
    for node in changed:
        modeladmin.log_change(request, node, f"{word} in the public listing.")
    meta = modeladmin.model._meta
    noun = meta.verbose_name if len(changed) == 1 else meta.verbose_name_plural
    already = len(queryset) - len(changed)
    note = f" ({already} already {'hidden' if hidden else 'shown'})" if already else ""
    modeladmin.message_user(
        request, f"{word}: {len(changed)} {noun}{note}. Nothing was deleted.", messages.SUCCESS
    )


@admin.action(description="Hide from the public listing", permissions=["change"])
def hide(modeladmin: ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    """Hide the selected venues or events from the public listing, deleting nothing."""
    _set_hidden(modeladmin, request, queryset, True)


@admin.action(description="Show again in the public listing", permissions=["change"])
def unhide(modeladmin: ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    """Undo ``hide``."""
    _set_hidden(modeladmin, request, queryset, False)


@admin.action(description="Re-process with the carpenter", permissions=["process"])
def reprocess(modeladmin: ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    """Run the carpenter over exactly the selected raw data, recorded as a carpenter run."""
    raw_ids = list(queryset.values_list("pk", flat=True))
    sources = sorted({node.data.get("source", "") for node in queryset} - {""})
    try:
        # A web request does not wait long for a run of the same source to finish.
        outcome = service.carpenter(sources, raw_ids=raw_ids, trigger="admin", lock_wait=5)
    except Exception as error:  # the operator gets one line; the log keeps the traceback
        logger.exception("re-processing %d raw data items failed", len(raw_ids))
        modeladmin.message_user(request, f"The carpenter could not run: {error}", messages.ERROR)
        return
    run = outcome.run
    status = run.data.get("status", "")
    modeladmin.message_user(
        request,
        format_html(
            'Re-processed {} raw data item{} from {}: <a href="{}">carpenter run {}</a> {}.',
            len(raw_ids),
            "" if len(raw_ids) == 1 else "s",
            ", ".join(sources),
            reverse("dashboard:run", args=[run.pk]),
            run.pk[:8],
            status,
        ),
        messages.SUCCESS if status == "succeeded" else messages.WARNING,
    )


@admin.action(description="Merge two venues that are the same place", permissions=["change"])
def merge(modeladmin: ModelAdmin, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
    """Ask which of two selected venues to keep, then merge the other into it."""
    venues = list(queryset[:3])
    if len(venues) != 2:
        modeladmin.message_user(request, "Select exactly two venues to merge.", messages.ERROR)
        return None
    chosen = _chosen_pair(request, venues)
    if chosen is not None:
        keep, duplicate = chosen
        return _recorded_run(
            modeladmin,
            request,
            lambda: merging.merge_venues(keep, duplicate, trigger="admin"),
            f"Merged “{duplicate.display_name}” into “{keep.display_name}”",
        )
    return _confirm_page(
        modeladmin,
        request,
        "admin/graph/venue/merge_confirm.html",
        "Merge two venues",
        venues=venues,
        missing_choice=request.POST.get("confirm") == "yes",
    )


@admin.action(description="Merge two artists that are one", permissions=["change"])
def merge_artists(
    modeladmin: ModelAdmin, request: HttpRequest, queryset: QuerySet
) -> HttpResponse | None:
    """Ask which of two selected artists to keep, then merge the other into it."""
    artists = list(queryset[:3])
    if len(artists) != 2:
        modeladmin.message_user(request, "Select exactly two artists to merge.", messages.ERROR)
        return None
    chosen = _chosen_pair(request, artists)
    if chosen is not None:
        keep, duplicate = chosen
        return _recorded_run(
            modeladmin,
            request,
            lambda: aliases.merge_artists(keep, duplicate, by=request.user.get_username()),
            f"Merged “{duplicate.display_name}” into “{keep.display_name}”",
        )
    return _confirm_page(
        modeladmin,
        request,
        "admin/graph/artist/merge_confirm.html",
        "Merge two artists",
        artists=artists,
        missing_choice=request.POST.get("confirm") == "yes",
    )


@admin.action(description="Split an artist that is several", permissions=["change"])
def split_artist(
    modeladmin: ModelAdmin, request: HttpRequest, queryset: QuerySet
) -> HttpResponse | None:
    """Ask for the names one selected artist really is, then split it into them."""
    artists = list(queryset[:2])
    if len(artists) != 1:
        modeladmin.message_user(request, "Select exactly one artist to split.", messages.ERROR)
        return None
    (artist,) = artists
    names = [line.strip() for line in request.POST.get("names", "").splitlines() if line.strip()]
    if request.POST.get("confirm") == "yes" and names:
        return _recorded_run(
            modeladmin,
            request,
            lambda: aliases.split_artist(artist, names, by=request.user.get_username()),
            f"Split “{artist.display_name}” into {', '.join(names)}",
        )
    return _confirm_page(
        modeladmin,
        request,
        "admin/graph/artist/split_form.html",
        "Split an artist",
        artist=artist,
        missing_names=request.POST.get("confirm") == "yes",
    )


def _chosen_pair(request: HttpRequest, pair: list[Node]) -> tuple[Node, Node] | None:
    """The one to keep and the one to merge into it, once the operator confirmed a
    choice of one of the two; None while the confirm page must ask (again)."""
    by_id = {node.pk: node for node in pair}
    keep_id = request.POST.get("keep")
    if request.POST.get("confirm") != "yes" or keep_id not in by_id:
        return None
    keep = by_id.pop(keep_id)
    return keep, next(iter(by_id.values()))


def _confirm_page(
    modeladmin: ModelAdmin, request: HttpRequest, template: str, title: str, **extra: Any
) -> TemplateResponse:
    """The page an action shows to ask what it needs before it changes anything."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "subtitle": None,
        "opts": modeladmin.model._meta,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        **extra,
    }
    return TemplateResponse(request, template, context)


def _recorded_run(modeladmin: ModelAdmin, request: HttpRequest, work, done: str) -> None:
    """Run an operator's merge or split; say what it did, with a link to its run."""
    try:
        run = work()
    except Exception as error:
        logger.exception("a merge or split failed")
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        modeladmin.message_user(request, f"Nothing changed: {first}", messages.ERROR)
        return None
    modeladmin.message_user(
        request,
        format_html(
            '{}: <a href="{}">carpenter run {}</a> recorded it.',
            done,
            reverse("dashboard:run", args=[run.pk]),
            run.pk[:8],
        ),
        messages.SUCCESS,
    )
    return None
