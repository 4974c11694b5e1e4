"""An event's fields from its reports: the same reports give the same event."""

from carpenter import events


def _report(title: str, source: str = "blue_moon") -> dict:
    return {"source": source, "lineup": [], "status": "scheduled", "title": title}


def test_ties_within_a_source_do_not_depend_on_raw_item_ids():
    # Two all-day items of one source on one day: which one's title wins must not turn
    # on the random ids their raw items got in this database.
    one, other = _report("Open Mic"), _report("Karaoke Night")
    first = events.resolve({"title": "", "reports": {"0000": one, "ffff": other}})
    swapped = events.resolve({"title": "", "reports": {"0000": other, "ffff": one}})
    assert first["title"] == swapped["title"]
    assert events.billing({"reports": {"0000": one, "ffff": other}}) == events.billing(
        {"reports": {"0000": other, "ffff": one}}
    )


def test_a_higher_ranked_source_still_wins_over_a_tie_break(settings):
    settings.SOURCE_PRIORITY = ["kexp", "blue_moon"]
    data = {"title": "", "reports": {"0000": _report("Zed"), "ffff": _report("Alpha", "kexp")}}
    assert events.resolve(data)["title"] == "Alpha"
    assert events.resolve(data)["field_sources"]["title"] == "kexp"
