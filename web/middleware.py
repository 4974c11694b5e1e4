"""Headers beyond Django's own: operator pages are never cached.

The pages behind a login (the dashboard, the admin, logging in itself) show what only
staff may see; ``Cache-Control: private, no-store`` keeps every browser and proxy from
keeping a copy. The Content-Security-Policy is django-csp's (settings).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

OPERATOR_PREFIXES = ("/dashboard/", "/admin/", "/accounts/")


class PrivatePagesMiddleware:
    """Mark every response under the operator prefixes ``private, no-store``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path_info.startswith(OPERATOR_PREFIXES):
            patch_cache_control(response, private=True, no_store=True)
        return response
