"""The public site: listings, venue, artist and event pages, calendar and news feeds."""
