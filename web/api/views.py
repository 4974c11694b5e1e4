"""The /graphql endpoint: queries for anyone (GET or POST), mutations for staff.

The view is CSRF-exempt so anonymous clients can POST queries; the mutations check the
CSRF token themselves (``web.api.schema``). A GET query is cached like the public pages
(ETag and Last-Modified from the graph's last change). GraphiQL is served only with
DEBUG on, and only it is exempt from the Content-Security-Policy (it loads its script
from a CDN).
"""

from __future__ import annotations

from typing import Any

from csp.decorators import csp_exempt
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from strawberry.django.views import GraphQLView

from web.api.schema import schema
from web.public.caching import public_cache

_view = GraphQLView.as_view(schema=schema, graphql_ide="graphiql" if settings.DEBUG else None)
_cached = public_cache(_view)
_ide = csp_exempt()(_view)


@csrf_exempt
def graphql_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Answer a GraphQL request; a GET query gets HTTP caching, a POST none."""
    if request.method in ("GET", "HEAD") and "query" in request.GET:
        return _cached(request, *args, **kwargs)
    if request.method == "GET" and settings.DEBUG:
        return _ide(request, *args, **kwargs)
    response = _view(request, *args, **kwargs)
    patch_cache_control(response, private=True, no_store=True)
    return response
