"""Import Whoosh without three imports a search never uses (issue 10).

``ballerina-tui search`` spent about 0.15 s of its 0.4 s importing modules Whoosh pulls in
at import time and this program never calls:

- ``whoosh.compat`` imports ``urllib.request`` (with ``http.client``, ``email``, ``ssl``)
  for ``urlretrieve``;
- ``whoosh.reading`` imports the ``cached_property`` package, which imports ``asyncio``,
  for one ``@cached_property`` (``functools.cached_property`` does the same for it: the
  value is computed once and kept in the instance's ``__dict__``);
- ``whoosh.query.terms`` imports ``whoosh.lang.morph_en`` (a large table of English word
  forms, 30 ms) for the ``Variations`` query we do not build.

:func:`prepare` imports those Whoosh modules while stand-ins for the three are in
``sys.modules``, then removes the stand-ins: anything imported later gets the real modules,
and a stand-in function imports the real one if it is ever called. Call it before the
first Whoosh import (the modules that import Whoosh do, at their top).
"""

from __future__ import annotations

import functools
import importlib
import sys
import types

_done = False


def _deferred(module: str, name: str):
    def call(*args, **kwargs):
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    call.__name__ = name
    call.__qualname__ = f"deferred {module}.{name}"
    return call


def prepare() -> None:
    """Import Whoosh's core modules with the stand-ins in place (once; a no-op when any of
    them is already imported, e.g. by a test)."""
    global _done
    if _done:
        return
    _done = True
    if any(m in sys.modules for m in ("whoosh.compat", "whoosh.reading", "whoosh.query.terms")):
        return
    stand_ins = {
        "urllib.request": {"urlretrieve": _deferred("urllib.request", "urlretrieve")},
        "cached_property": {"cached_property": functools.cached_property},
        "whoosh.lang.morph_en": {"variations": _deferred("whoosh.lang.morph_en", "variations")},
    }
    placed: dict[str, types.ModuleType] = {}
    for name, attrs in stand_ins.items():
        if name in sys.modules:
            continue  # already imported for real: nothing to save
        module = types.ModuleType(name, "stand-in while Whoosh is imported (whoosh_boot)")
        module.__dict__.update(attrs)
        sys.modules[name] = module
        placed[name] = module
    try:
        import whoosh.compat  # noqa: F401
        import whoosh.query.terms  # noqa: F401
        import whoosh.reading  # noqa: F401
    finally:
        for name, module in placed.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
