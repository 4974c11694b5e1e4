"""System checks of the sources' configuration (``manage.py check``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Warning, register

SOURCE_CHECKS = "sources"
"""The tag of these checks (commands that skip some checks ask for these by name)."""


@register(SOURCE_CHECKS)
def sources_disabled_names_known_sources(**kwargs: Any) -> list[Warning]:
    """Warn of a name in ``SOURCES_DISABLED`` that is no source: a typo switches nothing off."""
    from ingest.sources import SOURCES

    unknown = [name for name in settings.SOURCES_DISABLED if name not in SOURCES]
    return [
        Warning(
            f"SOURCES_DISABLED names {name!r}, which is no source; it switches nothing off.",
            hint=f"Known sources: {', '.join(SOURCES)}.",
            id="ingest.W001",
        )
        for name in unknown
    ]
