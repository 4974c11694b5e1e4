"""``/healthz``: whether the database answers, and each source's last successful runs."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from graph.dashboard import queries


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 with the last successful run per source, or 503 if the database fails."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        runs = queries.recent_runs()
    except DatabaseError as error:
        # The reason's first line only: enough to tell "locked" from "unreachable"
        # without handing out connection details.
        reason = (str(error).splitlines() or [error.__class__.__name__])[0][:200]
        body = {"database": "unreachable", "error": reason, "time": timezone.now().isoformat()}
        return JsonResponse(body, status=503)
    return JsonResponse(
        {
            "database": "ok",
            "time": timezone.now().isoformat(),
            "last_success": queries.last_successes(runs, queries.known_sources()),
        }
    )
