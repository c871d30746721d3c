"""Fetching a page: http(s) only, a total timeout, a size cap and bounded redirects.

Standard library only (``urllib``), so nothing heavy is imported to fetch. Every failure
becomes one :class:`~ballerina_tui.webimport.errors.ImportFailed` line.
"""

from __future__ import annotations

import socket
import ssl
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urljoin, urlsplit

from ballerina_tui import __version__
from ballerina_tui.progress import ProgressFn, report
from ballerina_tui.textutil import one_line
from ballerina_tui.webimport.errors import ImportFailed
from ballerina_tui.webimport.limits import DEFAULT_TIMEOUT, MAX_BYTES, MAX_REDIRECTS

HTML_TYPES = ("text/html", "application/xhtml+xml")
USER_AGENT = f"ballerina-tui/{__version__} (review import)"


@dataclass
class Page:
    """What came back: the bytes, the URL they came from after redirects, the charset."""

    url: str
    final_url: str
    data: bytes
    content_type: str
    charset: str | None


def check_url(url: str) -> str:
    """The URL if it is an absolute http(s) URL with a host, else :class:`ImportFailed`."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"{scheme}:" if scheme else "a URL without a scheme"
        raise ImportFailed(f"only http:// and https:// URLs can be fetched, not {shown}")
    if not parts.hostname:
        raise ImportFailed(f"no host in URL {one_line(url, 120)}")
    return url


def _check_redirect(newurl: str) -> None:
    scheme = urlsplit(newurl).scheme.lower()
    if scheme not in ("http", "https"):
        raise ImportFailed(
            f"redirected to a {scheme or 'scheme-less'} URL; only http(s) is followed"
        )


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follow at most MAX_REDIRECTS redirects, and only to http(s)."""

    max_redirections = MAX_REDIRECTS
    max_repeats = 1

    def http_error_302(self, req, fp, code, msg, headers):
        # urllib refuses a redirect to file: or ftp: with an HTTPError of its own before
        # redirect_request is asked; check here so the message says what happened.
        location = headers.get("location") or headers.get("uri")
        if location:
            _check_redirect(urljoin(req.full_url, location))
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        _check_redirect(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener() -> urllib.request.OpenerDirector:
    # No FTP, file: or data: handlers: only what http(s) needs (and the environment's proxy).
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
        _Redirects(),
    ):
        opener.add_handler(handler)
    return opener


def _http_error(exc: urllib.error.HTTPError, url: str) -> ImportFailed:
    code = exc.code
    reason = one_line(str(exc.reason or ""), 60)
    if 300 <= code < 400:
        return ImportFailed(f"too many redirects (more than {MAX_REDIRECTS}) from {url}")
    if code in (401, 403, 407):
        return ImportFailed(
            f"HTTP {code} {reason}: the page is behind a login or refuses us ({url})"
        )
    if code == 404 or code == 410:
        return ImportFailed(f"HTTP {code} {reason}: no such page ({url})")
    return ImportFailed(f"HTTP {code} {reason} from {url}")


def _network_error(reason: object, url: str) -> ImportFailed:
    host = urlsplit(url).hostname or url
    if isinstance(reason, socket.gaierror):
        return ImportFailed(f"cannot resolve {host}: no network, or no such host")
    if isinstance(reason, TimeoutError | socket.timeout):
        return ImportFailed(f"timed out fetching {url}")
    if isinstance(reason, ConnectionRefusedError):
        return ImportFailed(f"connection refused by {host}")
    if isinstance(reason, ssl.SSLError | ssl.CertificateError):
        return ImportFailed(f"TLS error with {host}: {one_line(str(reason), 100)}")
    if isinstance(reason, OSError):
        return ImportFailed(f"cannot fetch {url}: {one_line(reason.strerror or str(reason), 100)}")
    return ImportFailed(f"cannot fetch {url}: {one_line(str(reason), 100)}")


def _content_type(headers: Message) -> tuple[str, str | None]:
    ctype = headers.get_content_type() if headers.get("Content-Type") else ""
    charset = headers.get_content_charset() if headers.get("Content-Type") else None
    return ctype, charset


def _looks_like_html(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<article", b"<?xml"))


def _decompress(data: bytes, encoding: str, max_bytes: int) -> bytes:
    if encoding in ("", "identity"):
        return data
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise ImportFailed(f"the server sent {encoding}-compressed data, which we cannot read")
    wbits = 16 + zlib.MAX_WBITS if "gzip" in encoding else zlib.MAX_WBITS
    try:
        inflater = zlib.decompressobj(wbits)
        out = inflater.decompress(data, max_bytes + 1)
    except zlib.error:
        raise ImportFailed(f"the server sent broken {encoding} data") from None
    if len(out) > max_bytes or inflater.unconsumed_tail:
        raise ImportFailed(f"the page is larger than {max_bytes // (1024 * 1024)} MiB")
    return out


def fetch(
    url: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = MAX_BYTES,
    progress: ProgressFn | None = None,
) -> Page:
    """Fetch ``url`` (an HTML page) within ``timeout`` seconds and ``max_bytes`` bytes."""
    check_url(url)
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(
        url,
        headers={
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
            "Accept-Encoding": "gzip, identity",
        },
    )
    cap = f"the page is larger than {max_bytes // (1024 * 1024)} MiB"
    try:
        with _opener().open(request, timeout=timeout) as response:
            final_url = response.geturl()
            ctype, charset = _content_type(response.headers)
            if ctype and ctype not in HTML_TYPES:
                raise ImportFailed(f"not an HTML page ({ctype}) at {final_url}")
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.strip().isdigit() else 0
            if total > max_bytes and not response.headers.get("Content-Encoding"):
                raise ImportFailed(cap)
            chunks: list[bytes] = []
            received = 0
            report(progress, "fetch", 0, total)
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise ImportFailed(f"timed out after {timeout:g} s fetching {url}")
                _set_timeout(response, left)
                chunk = response.read(min(64 * 1024, max_bytes + 1 - received))
                if not chunk:
                    break
                chunks.append(chunk)
                received += len(chunk)
                if received > max_bytes:
                    raise ImportFailed(cap)
                report(progress, "fetch", received, max(total, received))
            encoding = (response.headers.get("Content-Encoding") or "").strip().lower()
    except ImportFailed:
        raise
    except urllib.error.HTTPError as exc:
        raise _http_error(exc, url) from None
    except urllib.error.URLError as exc:
        raise _network_error(exc.reason, url) from None
    except TimeoutError:
        raise ImportFailed(f"timed out after {timeout:g} s fetching {url}") from None
    except (OSError, ValueError) as exc:  # reset connections, bad status lines, bad ports
        raise _network_error(exc, url) from None
    except Exception as exc:  # http.client.HTTPException and friends
        raise ImportFailed(
            f"cannot fetch {url}: {one_line(str(exc) or type(exc).__name__, 100)}"
        ) from None
    data = _decompress(b"".join(chunks), encoding, max_bytes)
    if not ctype and not _looks_like_html(data):
        raise ImportFailed(
            f"not an HTML page (no content type, and it does not look like HTML) at {final_url}"
        )
    return Page(
        url=url, final_url=final_url, data=data, content_type=ctype or "text/html", charset=charset
    )


def _set_timeout(response, seconds: float) -> None:
    """Shrink the socket timeout to what is left of the total, so a trickle cannot last."""
    try:
        sock = response.fp.raw._sock  # http.client.HTTPResponse -> socket.SocketIO -> socket
    except AttributeError:
        return
    try:
        sock.settimeout(max(0.05, seconds))
    except OSError:
        pass
