"""The dashboard's URLs (namespace ``dashboard``)."""

from django.urls import path

from web.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("runs/", views.runs, name="runs"),
    path("runs/live.json", views.live_runs, name="live_runs"),
    path("runs/<str:run_id>/", views.run, name="run"),
    path("runs/<str:run_id>/progress.json", views.run_progress, name="run_progress"),
    path("sources/<str:source>/run/", views.run_now, name="run_now"),
    path("venues/", views.venues, name="venues"),
    path("artists/", views.artists, name="artists"),
    path("events/", views.events, name="events"),
    path("events/<str:node_id>/", views.event, name="event"),
    path("venues/<str:node_id>/", views.venue, name="venue"),
    path("artists/<str:node_id>/", views.artist, name="artist"),
    path("raw/<str:node_id>/", views.raw, name="raw"),
]
