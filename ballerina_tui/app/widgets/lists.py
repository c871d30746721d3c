"""An option list that also moves with the keys of the reader: ``j``/``k``, ``g``/``G``."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import OptionList


class KeyList(OptionList):
    """:class:`OptionList` with vi keys, like every other list and view in the app."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="list.down", tooltip="Next entry"),
        Binding("k", "cursor_up", "Up", show=False, id="list.up", tooltip="Previous entry"),
        Binding("g", "first", "First", show=False, id="list.first", tooltip="First entry"),
        Binding("G", "last", "Last", show=False, id="list.last", tooltip="Last entry"),
    ]
