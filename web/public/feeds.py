"""RSS and Atom feeds of newly announced shows (Django's syndication framework)."""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from web.public import queries
from web.public.queries import Show

ITEMS = 50


class NewShows(Feed):
    """The latest shows added to the listing, newest first (upcoming ones only)."""

    title = "New shows in Seattle · SMS Graph"
    description = "Live music shows just announced at Seattle venues."

    def link(self) -> str:
        return reverse("public:listing")

    def items(self) -> list[Show]:
        events = queries.between(queries.public_events(), queries.today(), None)
        return queries.shows(list(events.order_by("-created_at", "id")[:ITEMS]))

    def item_title(self, item: Show) -> str:
        when = item.day.strftime("%a %b %-d") if item.day else ""
        venue = item.venue.display_name if item.venue else ""
        cancelled = " (cancelled)" if item.cancelled else ""
        return f"{item.title}{cancelled}: {when}, {venue}".strip(", ")

    def item_description(self, item: Show) -> str:
        # Readers render the description as HTML: scraped text is escaped here.
        lines = [escape(item.title)]
        if item.artists:
            lines.append("With " + escape(", ".join(a.display_name for a in item.artists)))
        if item.venue:
            lines.append(escape(item.venue.display_name))
        if item.price:
            lines.append(escape(item.price))
        return "<br>".join(lines)

    def item_link(self, item: Show) -> str:
        return reverse("public:event", args=[item.id])

    def item_guid(self, item: Show) -> str:
        return f"urn:uuid:{item.id}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Show) -> dt.datetime:
        return item.node.created_at

    def item_updateddate(self, item: Show) -> dt.datetime:
        return item.node.updated_at


class NewShowsAtom(NewShows):
    feed_type = Atom1Feed
    subtitle = NewShows.description
