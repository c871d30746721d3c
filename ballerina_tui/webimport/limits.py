"""The limits of a fetch (no imports: the command-line parser reads them)."""

DEFAULT_TIMEOUT = 15.0  # seconds for the whole fetch, redirects included
MAX_BYTES = 10 * 1024 * 1024  # a review page is rarely over 2 MiB of HTML
MAX_REDIRECTS = 5
