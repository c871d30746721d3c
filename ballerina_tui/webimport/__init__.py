"""Add a review from the web: fetch a page (or read a saved one), extract the article, write it.

One step per module, no Textual import, and trafilatura is imported only when a page is
really extracted (``list``, ``search`` and the app's first frame never pay for it):

- :mod:`.fetch`    http(s) only, a total timeout, a size cap, bounded redirects;
- :mod:`.decode`   bytes to text (header charset, BOM, ``<meta charset>``, then a guess);
- :mod:`.extract`  the article's text and metadata, with trafilatura;
- :mod:`.write`    front matter, duplicate checks, the target folder, the atomic write;
- :mod:`.pipeline` the whole import, then the incremental index update.

Every failure is an :class:`ImportFailed` with one line of text; nothing is written
before the last step succeeds.
"""

from __future__ import annotations

from ballerina_tui.webimport.errors import ImportFailed
from ballerina_tui.webimport.limits import DEFAULT_TIMEOUT, MAX_BYTES, MAX_REDIRECTS

__all__ = [
    "DEFAULT_TIMEOUT",
    "MAX_BYTES",
    "MAX_REDIRECTS",
    "ImportFailed",
    "ImportResult",
    "import_review",
    "target_folder",
    "user_reviews_dir",
]


def __getattr__(name: str):
    # The pipeline pulls in urllib/ssl: only when an import really happens, so that
    # building the command-line parser costs nothing.
    if name in ("ImportResult", "import_review", "target_folder", "user_reviews_dir"):
        from ballerina_tui.webimport import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)
