"""A record's diff is deepdiff's, path for path, whatever the two values hold.

``graph.audit.diff`` walks dicts itself and hands only differing lists to deepdiff
(speed); what the dashboard and the records show must not change for it.
"""

from hypothesis import given, settings
from hypothesis import strategies as st

from graph.audit import _deep_diff, diff

KEYS = st.sampled_from(["title", "day", "artists", "price", "venue", "0"])
SCALARS = st.none() | st.booleans() | st.integers(-3, 3) | st.floats(-2, 2) | st.text(max_size=3)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300)
@given(old=JSON, new=JSON)
def test_diff_is_deepdiffs(old, new):
    assert diff(old, new) == _deep_diff(old, new)


@settings(max_examples=300)
@given(old=st.dictionaries(KEYS, JSON, max_size=5), data=st.data())
def test_diff_of_an_edited_dict_is_deepdiffs(old, data):
    new = dict(old)
    for key in data.draw(st.lists(KEYS, max_size=3)):
        new[key] = data.draw(JSON)
    assert diff(old, new) == _deep_diff(old, new)
