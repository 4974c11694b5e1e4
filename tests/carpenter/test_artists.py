"""Artists read from show titles: a table of real-looking titles and who plays."""

import pytest

from carpenter.artists import artist_slug, extract_artists

TITLES = [
    (
        "Early Show: The Rain City Ramblers w/ Dana Kollar, Pete Moss",
        ["The Rain City Ramblers", "Dana Kollar", "Pete Moss"],
    ),
    (
        "Late Show: Grudge Match / Thee Pillbugs / Neon Vultures",
        ["Grudge Match", "Thee Pillbugs", "Neon Vultures"],
    ),
    ("Mirror Lake + Sound Drugs", ["Mirror Lake", "Sound Drugs"]),
    (
        "The Wallingford Rhythm Section feat. Lonnie Blue",
        ["The Wallingford Rhythm Section", "Lonnie Blue"],
    ),
    ("Dog Park Dissidents and guests", ["Dog Park Dissidents"]),
    ("Saturday Matinee: Old Growth String Band", ["Old Growth String Band"]),
    ("Sick Sad Fish, Trash Panda Parade, and more", ["Sick Sad Fish", "Trash Panda Parade"]),
    (
        "Late Show: Velvet Teeth / The Drowned Men / Ouija Party",
        ["Velvet Teeth", "The Drowned Men", "Ouija Party"],
    ),
    ("Kate & the Dreamers", ["Kate & the Dreamers"]),
    (
        "Late Show: Ugly Sweater Punk Night: Cheap Wine / The Dirtbags / Sad Dads",
        ["Cheap Wine", "The Dirtbags", "Sad Dads"],
    ),
    ("Wednesday Night Blues feat. Cedric “Hambone” Jackson", ['Cedric "Hambone" Jackson']),
    ("Early Show: New Year's Eve Happy Hour w/ Dana Kollar", ["Dana Kollar"]),
    ("Midnight Toast + DJ Tall Paul", ["DJ Tall Paul"]),
    ("Tiny Violence + Rat City Rollers Afterparty", ["Tiny Violence"]),
    ("Sunday Jazz Jam", []),
    ("Pearl Jam", ["Pearl Jam"]),
    ("TBA", []),
    ("Headliner with Opener", ["Headliner", "Opener"]),
    ("Headliner w/Opener ft. Lonnie Blue", ["Headliner", "Opener", "Lonnie Blue"]),
    ("Band One | Band Two; Band Three", ["Band One", "Band Two", "Band Three"]),
    ("Solo Artist (Album Release Show)", ["Solo Artist"]),
    ("Headliner w/ TBA", ["Headliner"]),
    ("The Moss Piglets / Moss Piglets", ["The Moss Piglets"]),  # one band, said twice
    ("Late Show: Señor Wolf / Nöise Complaint", ["Señor Wolf", "Nöise Complaint"]),
    ("Holiday Soul Revue w/ The Hot Sauce Committee", ["The Hot Sauce Committee"]),
    ("Soul Kitchen Sundays feat. The Greasetraps", ["The Greasetraps"]),
    ("Sea Monster P-Funk Tribute Night", []),
    ("X-Ray & Friends", ["X-Ray"]),
    ("Dead Bars: Album Release Show", ["Dead Bars"]),
    ("Dead Bars - Record Release Party w/ Sleepy Stems", ["Dead Bars", "Sleepy Stems"]),
    (
        "Witch Trials, Dead Bars, & The Moss Piglets",
        ["Witch Trials", "Dead Bars", "The Moss Piglets"],
    ),
    ("AC/DC Tribute Night", []),
    ("AC/DC", ["AC/DC"]),
    ("Dead Bars + more TBA", ["Dead Bars"]),
    ("Late Show: Dead Bars / The Moss Piglets - 21+", ["Dead Bars", "The Moss Piglets"]),
    ("Dead Bars (SOLD OUT)", ["Dead Bars"]),
    ("坂本龍一 w/ Dead Bars", ["坂本龍一", "Dead Bars"]),
    ("KEXP Presents: Dead Bars", ["Dead Bars"]),
    (
        "NYE Funk Party: The Hot Sauce Committee + DJ Supreme La Rock",
        ["The Hot Sauce Committee", "DJ Supreme La Rock"],
    ),
]


@pytest.mark.parametrize(("title", "expected"), TITLES, ids=[t for t, _ in TITLES])
def test_artists_from_titles(title, expected):
    assert extract_artists(title) == expected


def test_a_joined_name_splits_only_when_both_parts_are_known_artists():
    known = {"grudge-match", "velvet-teeth"}
    assert extract_artists("Grudge Match & Velvet Teeth", known.__contains__) == [
        "Grudge Match",
        "Velvet Teeth",
    ]
    assert extract_artists("Grudge Match and Velvet Teeth", known.__contains__) == [
        "Grudge Match",
        "Velvet Teeth",
    ]
    assert extract_artists("Grudge Match & The Unknowns", known.__contains__) == [
        "Grudge Match & The Unknowns"
    ]


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("The Moss Piglets", "moss-piglets"),
        ("Moss Piglets", "moss-piglets"),
        ("Señor Wolf", "senor-wolf"),
        ("Kate & the Dreamers", "kate-and-the-dreamers"),
        ("DJ_Tall_Paul", "dj-tall-paul"),
        ("The The", "the"),
        ("!!!", ""),
        ("坂本龍一", "坂本龍一"),
    ],
)
def test_one_identity_per_artist(name, slug):
    assert artist_slug(name) == slug
