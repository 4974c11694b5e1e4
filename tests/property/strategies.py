"""Arbitrary values for items: what a hostile or broken feed can put where a value goes."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

EDGE_MOMENTS = [
    "9999-12-31T23:59:59-12:00",  # converted to Seattle's time: past the calendar's end
    "0001-01-01T00:00:00+14:00",  # and before its start
    "9999-12-31",
    "0000-01-01",
    "2026-02-30T20:00:00",
    "2026-12-03T25:61:00",
    "2026-12-03T20:00:00+25:00",
    "2026-12-03T20:00:00-99:99",
    "+275760-09-13T00:00:00Z",
    "",
]
EDGE_NUMBERS = [0, -1, 2**63, -(2**63), 10**20, 1e308, -1e308, 1e-308, 253402300800000]


def nested(depth: int) -> Any:
    """A value nested ``depth`` levels deep, lists and objects in turn."""
    value: Any = "bottom"
    for level in range(depth):
        value = [value] if level % 2 else {"x": value}
    return value


unicode_text = st.text(
    # Every category, surrogates included (a JSON body escapes them), and the
    # characters that break naive code: NUL, RTL override, combining marks, BOM.
    alphabet=st.one_of(
        st.characters(codec=None, categories=None),
        st.sampled_from(["\x00", "\u202e", "\u0301", "\u200d", "\ufeff", "\ud800", "<", "&"]),
    ),
    max_size=40,
)
huge_text = st.builds(
    lambda word, n: (word + ", ") * n,
    st.sampled_from(["Band", "x", "\u0301", "Ω"]),
    st.sampled_from([1_000, 20_000, 60_000]),
)
wrong_types = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from(EDGE_NUMBERS),
    st.just([]),
    st.just({}),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.none(), max_size=2),
)
deep = st.integers(min_value=20, max_value=600).map(nested)

values = st.one_of(
    st.sampled_from(EDGE_MOMENTS),
    unicode_text,
    huge_text,
    wrong_types,
    deep,
)
"""Any value a field of an item may be given."""


def as_json_string_body(value: Any) -> str:
    """Return ``value`` as it would sit inside a JSON string literal (no quotes)."""
    text = value if isinstance(value, str) else json.dumps(value)
    return json.dumps(text)[1:-1]
