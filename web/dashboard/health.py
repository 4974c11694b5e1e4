"""``/healthz``: whether the database answers, and each source's last successful runs."""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from web.dashboard import queries

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 with the last successful run per source, or 503 if the database fails."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        runs = queries.recent_runs()
    except DatabaseError:
        # Anyone may ask /healthz: the details (hosts, users) go to the log, not to them.
        logger.exception("healthz: the database does not answer")
        body = {"database": "unreachable", "time": timezone.now().isoformat()}
        return JsonResponse(body, status=503)
    return JsonResponse(
        {
            "database": "ok",
            "time": timezone.now().isoformat(),
            "last_success": queries.last_successes(runs, queries.known_sources()),
        }
    )
