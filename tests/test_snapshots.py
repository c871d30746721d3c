"""SVG snapshots of every screen at a fixed size, cursor blink off, bundled reviews.

Update after an intended change with ``pytest tests/test_snapshots.py --snapshot-update``
and look at the report before committing. The claim engine's output shows on several
screens: a change there changes these pictures too.
"""

from __future__ import annotations

import pytest

from tests.test_app_support import make_app, quiet

SIZE = (100, 30)


async def _ready(pilot) -> None:
    await quiet(pilot.app, pilot)


def _keys(*keys):
    async def run_before(pilot) -> None:
        await _ready(pilot)
        for key in keys:
            await pilot.press(key)
            await _ready(pilot)

    return run_before


@pytest.mark.parametrize(
    "keys",
    [
        pytest.param(("j", "j"), id="articles"),
        pytest.param(("slash", *"mother ruska"), id="search"),
        pytest.param(("slash", *'"mother'), id="search_error"),
        pytest.param(("slash", *"winston", "enter"), id="reader_after_search"),
        pytest.param(("c", "down"), id="cards"),
        pytest.param(("d", "n"), id="diff"),
        pytest.param(("j", "h", "H"), id="highlights"),
        pytest.param(("f1",), id="help"),
        pytest.param(("e",), id="export"),
    ],
)
def test_screen(snap_compare, keys):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=_keys(*keys))


def test_light_theme(snap_compare):
    async def run_before(pilot) -> None:
        pilot.app.theme = "textual-light"
        await _keys("j")(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_tiny_terminal(snap_compare):
    assert snap_compare(make_app(), terminal_size=(40, 12), run_before=_keys("d"))


@pytest.fixture(scope="module")
def thirty_reviews(tmp_path_factory):
    from tests.agreement_support import write_thirty

    return write_thirty(tmp_path_factory.mktemp("films") / "thirty")


def test_agreement_view_thirty_reviewers(snap_compare, thirty_reviews):
    """Issue 9: thirty reviewers as agreement rows, hostile handles among them."""
    assert snap_compare(make_app(thirty_reviews), terminal_size=(110, 32), run_before=_keys("d"))


def test_agreement_view_opened_row(snap_compare, thirty_reviews):
    assert snap_compare(
        make_app(thirty_reviews), terminal_size=(110, 32), run_before=_keys("d", "down", "enter")
    )
