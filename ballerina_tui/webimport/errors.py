"""The one error type of the import: a single line for the user."""

from __future__ import annotations


class ImportFailed(Exception):
    """The review could not be added; ``str(exc)`` is one line saying why."""
