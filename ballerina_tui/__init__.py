"""ballerina-tui: an interactive terminal browser for film reviews.

The engine modules (``corpus``, ``characters``, ``index``, ``search``, ``claims``,
``highlights``, ``export``) never import Textual; the ``app`` package is the only
place that does.
"""

__version__ = "0.1.0"
