"""The public site's URLs: "/" and the pages, calendars and feeds under it."""

from django.urls import path

from web.public import feeds, views
from web.public.caching import public_cache

app_name = "public"

urlpatterns = [
    path("", views.listing, name="listing"),
    path("calendar.ics", views.listing_calendar, name="calendar"),
    path("venues/", views.venues, name="venues"),
    path("venues/<str:slug>/", views.venue, name="venue"),
    path("venues/<str:slug>/calendar.ics", views.venue_calendar, name="venue_calendar"),
    path("artists/<str:slug>/", views.artist, name="artist"),
    path("artists/<str:slug>/calendar.ics", views.artist_calendar, name="artist_calendar"),
    path("events/<str:event_id>/", views.event, name="event"),
    path("feeds/new.rss", public_cache(feeds.NewShows()), name="feed_rss"),
    path("feeds/new.atom", public_cache(feeds.NewShowsAtom()), name="feed_atom"),
]
