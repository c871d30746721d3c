"""Whoosh is imported without urllib.request, asyncio and its English word-form table
(issue 10: 0.15 s of a whole-process search), and nothing else is the worse for it."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import sys
import ballerina_tui.search
from whoosh import reading
from whoosh.query import terms
left_out = [m for m in ("urllib.request", "asyncio", "cached_property", "whoosh.lang.morph_en")
            if m in sys.modules]
print("left out:", left_out)
# The stand-ins are gone: later imports get the real modules.
import urllib.request, cached_property
assert hasattr(urllib.request, "urlopen") and hasattr(cached_property, "threaded_cached_property")
# The deferred functions reach the real ones.
assert "ran" in terms.variations("running") or "runs" in terms.variations("running")
# Whoosh's cached property computes once and keeps the value.
class Probe:
    calls = 0
    @reading.cached_property
    def value(self):
        Probe.calls += 1
        return 42
p = Probe()
assert (p.value, p.value, Probe.calls) == (42, 42, 1)
print("ok")
"""


def test_whoosh_imports_without_the_unused_modules_and_they_still_work():
    done = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "left out: []" in done.stdout
    assert done.stdout.strip().endswith("ok")
