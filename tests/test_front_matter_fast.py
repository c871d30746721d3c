"""Front matter without anchors is parsed with libyaml's parser (issue 10: PyYAML's
pure-Python scanner was 80 % of loading 10,000 reviews). Same values, same refusals."""

from __future__ import annotations

import pytest

from ballerina_tui import front_matter
from ballerina_tui.corpus import ReviewFileError, split_front_matter

SAMPLES = [
    "id: u00001\nhandle: user-1\nkind: user review\nrating: 8/10\n",
    "id: 2025-06-06\ntitle: 'Quoted: yes'\nrating: 7\nscore: 7.5\nspoilers: yes\n",
    "tags: [a, b, c]\nsource: https://example.org/x?y=1#z\nnote: ~\n",
    "title: >\n  folded\n  text\nbody: |\n  kept\n  lines\n",
    'handle: "caf\\u00e9"\nfilm: Ballet · Part 2\n',
    "nested:\n  a: 1\n  b:\n    - x\n    - y\n",
]


def _both(source: str):
    loaders = front_matter._yaml_loaders()
    if "fast" not in loaders:
        pytest.skip("PyYAML built without libyaml")
    out = []
    for name in ("fast", "checked"):
        node, data = front_matter._compose_and_construct(source, loaders[name], 2)
        out.append(data)
    return out


@pytest.mark.parametrize("source", SAMPLES)
def test_the_fast_loader_reads_what_the_checked_loader_reads(source):
    fast, checked = _both(source)
    assert fast == checked
    meta, _ = split_front_matter(f"---\n{source}---\nbody\n")
    assert dict(meta) == checked


def test_dates_stay_text_and_huge_numbers_name_their_line():
    meta, _ = split_front_matter("---\nid: 2025-06-06\n---\n")
    assert meta["id"] == "2025-06-06"
    with pytest.raises(ReviewFileError) as caught:
        split_front_matter("---\nid: x\nn: " + "9" * 5000 + "\n---\n")
    assert caught.value.line == 3


def test_aliases_are_still_refused():
    with pytest.raises(ReviewFileError, match="aliases"):
        split_front_matter("---\na: &x 1\nb: *x\n---\n")


def test_what_libyaml_refuses_gets_the_checked_loaders_error():
    with pytest.raises(ReviewFileError, match="malformed front matter") as caught:
        split_front_matter("---\nid: u1\nbad: [unclosed\n---\n")
    assert caught.value.line is not None
