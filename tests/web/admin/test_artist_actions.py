"""Operators merge two artists that are one, and split one that is several."""

import pytest

from graph.models import Node
from tests.web.admin.test_admin_actions import act, messages_of

pytestmark = pytest.mark.django_db


def slugs_at(event):
    return sorted(a.data["slug"] for a in event.neighbours("performs_at", "in"))


def test_merging_two_artists_from_the_admin(admin_client, graph):
    venue = graph.venue()
    keep, twin = graph.artist("Dead Bars"), graph.artist("Dead Barz")
    event = graph.event(venue, "Dead Barz", artists=[twin])
    page = act(admin_client, "artist", "merge_artists", [keep, twin])
    assert page.status_code == 200
    assert "Merge into the chosen artist" in page.content.decode()
    done = act(admin_client, "artist", "merge_artists", [keep, twin], keep=keep.pk, confirm="yes")
    assert done.status_code == 302
    (message,) = messages_of(done)
    assert message.startswith("Merged “Dead Barz” into “Dead Bars”: <a href=")
    assert not Node.objects.filter(pk=twin.pk).exists()
    assert slugs_at(event) == ["dead-bars"]
    keep.refresh_from_db()
    assert keep.data["aliases"] == ["dead-barz"]


def test_splitting_an_artist_from_the_admin(admin_client, graph):
    venue = graph.venue()
    joined = graph.artist("Hazel & The Pearls & Tacocat")
    event = graph.event(venue, "Hazel & The Pearls & Tacocat", artists=[joined])
    form = act(admin_client, "artist", "split_artist", [joined])
    assert 'name="names"' in form.content.decode()
    done = act(
        admin_client,
        "artist",
        "split_artist",
        [joined],
        names="Hazel & The Pearls\nTacocat",
        confirm="yes",
    )
    (message,) = messages_of(done)
    # Names are scraped text: escaped in the message.
    assert message.startswith("Split “Hazel &amp; The Pearls &amp; Tacocat” into Hazel &amp; The")
    assert slugs_at(event) == ["hazel-and-the-pearls", "tacocat"]
    assert not Node.objects.filter(pk=joined.pk).exists()


def test_a_split_into_one_name_changes_nothing(admin_client, graph):
    joined = graph.artist("Simon & Garfunkel")
    done = act(
        admin_client, "artist", "split_artist", [joined], names="Simon & Garfunkel", confirm="yes"
    )
    assert messages_of(done) == ["Nothing changed: a split needs at least two names"]
    assert Node.objects.filter(pk=joined.pk).exists()
