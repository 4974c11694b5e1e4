"""HTTP caching of what the public reads: ETag and Last-Modified from the graph's last change.

The last change is the newest ``updated_at`` among venues, artists, events and
carpenter runs: every write the public can notice touches one of them (a carpenter run
that removes an event still finishes, and so updates, its run node). Each label's
newest is one step down the ``nodes_label_updated`` index, so asking costs one cheap
statement per request, asked once whatever the decorator wants to know.

The ETag also names the day in the city (an upcoming listing changes at midnight with
no write) and the full path with its query, so each filtered listing has its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import condition

LABELS = ("venue", "artist", "event", "carpenter_run")
MAX_AGE = 300  # seconds a browser or proxy may keep a page before asking again
_ATTRIBUTE = "_sms_last_change"


def last_change() -> dt.datetime | None:
    """Return when the graph last changed in a way the public can see (one statement)."""
    columns = ", ".join("(SELECT MAX(updated_at) FROM nodes WHERE label = %s)" for _ in LABELS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}", list(LABELS))
        row = cursor.fetchone()
    moments = [m for m in (_aware(value) for value in row) if m is not None]
    return max(moments) if moments else None


def _aware(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # the SQLite-family engines hand back the stored text
        value = dt.datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=dt.UTC)
    return value


def _last_change_of(request: HttpRequest) -> dt.datetime | None:
    if not hasattr(request, _ATTRIBUTE):
        setattr(request, _ATTRIBUTE, last_change())
    return getattr(request, _ATTRIBUTE)


def _last_modified(request: HttpRequest, *args: Any, **kwargs: Any) -> dt.datetime | None:
    return _last_change_of(request)


def _etag(request: HttpRequest, *args: Any, **kwargs: Any) -> str:
    changed = _last_change_of(request)
    parts = [changed.isoformat() if changed else "-", timezone.localdate().isoformat()]
    parts.append(request.get_full_path())
    # A GET GraphQL query is the same path for everyone; a POST has no ETag anyway.
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def public_cache(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Give a public view's answers ETag and Last-Modified (304 on a repeat) and let
    any cache keep them for a few minutes."""
    conditional = condition(etag_func=_etag, last_modified_func=_last_modified)(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = conditional(request, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code in (200, 304):
            patch_cache_control(response, public=True, max_age=MAX_AGE)
        return response

    return wrapper
