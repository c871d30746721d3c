"""How long adding a review from the web takes, and what trafilatura costs.

    python benchmarks/bench_add.py [--runs 5]

Prints: the import time of trafilatura in a fresh interpreter (paid only by ``add`` and
the app's dialog, never by ``list``/``search``/the first frame); extraction of the saved
blog page in-process (warm); extraction of a generated 2 MiB page; and the whole
``ballerina-tui add URL`` process against a local HTTP server on 127.0.0.1, into an empty
folder (the index of the new folder built too), median of the runs.
"""

from __future__ import annotations

import argparse
import http.server
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "tests" / "fixtures" / "web" / "blog-critic.html"


def fresh_import(module: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        code = (
            f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        times.append(float(out.stdout))
    return statistics.median(times)


def extraction(html: str, runs: int) -> float:
    from ballerina_tui.webimport.extract import extract_html

    extract_html(html)  # warm-up (imports)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        extract_html(html)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    html = PAGE.read_text(encoding="utf-8")
    big = html.replace(
        "</article>",
        "".join(f"<p>Filler paragraph {n} of a long page.</p>" for n in range(20_000))
        + "</article>",
    )

    print(
        f"trafilatura import, fresh interpreter   {fresh_import('trafilatura', args.runs) * 1000:7.0f} ms"
    )
    print(
        f"extract blog page ({len(html) // 1024} KiB), warm          {extraction(html, args.runs) * 1000:7.0f} ms"
    )
    print(
        f"extract generated page (20,000 paragraphs), warm     {extraction(big, 2) * 1000:7.0f} ms"
    )

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            body = PAGE.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/review"
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, BALLERINA_TUI_CACHE_DIR=str(Path(tmp) / "cache"))
        for n in range(args.runs):
            folder = Path(tmp) / f"r{n}"
            folder.mkdir()
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "ballerina_tui", "add", url, "--reviews", str(folder)],
                env=env,
                check=True,
                capture_output=True,
            )
            times.append(time.perf_counter() - start)
    httpd.shutdown()
    print(
        f"`ballerina-tui add URL` whole process   {statistics.median(times) * 1000:7.0f} ms (median of {args.runs})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
