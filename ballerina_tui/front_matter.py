"""Front matter: the YAML between ``---`` lines at the top of a review file.

Parsed with PyYAML's safe loader, refusing aliases; without ``&`` or ``*`` (no anchor or
alias possible) through libyaml's parser. Split from :mod:`ballerina_tui.corpus`, which
re-exports these names.
"""

from __future__ import annotations

import re

from ballerina_tui.textutil import one_line

MAX_FRONT_MATTER_CHARS = 64 * 1024


class ReviewFileError(Exception):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


_FRONT_RE = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


class _Meta(dict):
    """Front matter values, with the line each top-level key is on (for error messages)."""

    lines: dict[str, int]


_LOADERS: dict[str, type] = {}


def _yaml_loaders() -> dict[str, type]:
    """The two loaders, made once: ``checked`` (pure Python, refuses aliases as it composes)
    and ``fast`` (libyaml's parser, when PyYAML has it) with the same constructors."""
    if _LOADERS:
        return _LOADERS
    import yaml

    class _Constructors:
        first_line = 2

        def construct_yaml_int(self, node):
            try:
                return super().construct_yaml_int(node)
            except ValueError:
                digits = sum(ch.isdigit() for ch in node.value)
                raise ReviewFileError(
                    f"a number with {digits:,} digits is too long to read; if it is meant "
                    'as text, put it in quotes ("…")',
                    self.first_line + node.start_mark.line,
                ) from None

        def construct_timestamp_as_text(self, node):
            return self.construct_scalar(node)

    class _NoAliasLoader(_Constructors, yaml.SafeLoader):
        def compose_node(self, parent, index):  # type: ignore[override]
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.composer.ComposerError(
                    None, None, "YAML aliases are not allowed in front matter", event.start_mark
                )
            return super().compose_node(parent, index)

    loaders: dict[str, type] = {"checked": _NoAliasLoader}
    if getattr(yaml, "__with_libyaml__", False):

        class _FastLoader(_Constructors, yaml.CSafeLoader):
            pass

        loaders["fast"] = _FastLoader
    for loader in loaders.values():
        loader.add_constructor("tag:yaml.org,2002:int", loader.construct_yaml_int)
        loader.add_constructor("tag:yaml.org,2002:timestamp", loader.construct_timestamp_as_text)
    _LOADERS.update(loaders)
    return _LOADERS


def _compose_and_construct(source: str, loader_type: type, first_line: int):
    loader = loader_type(source)
    loader.first_line = first_line
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    builder = loader_type("")
    builder.first_line = first_line
    return node, (builder.construct_document(node) if node is not None else None)


def _safe_yaml_mapping(source: str, first_line: int) -> dict:
    """Parse front matter with the safe loader, refusing aliases (no billion laughs).

    Dates stay the text they were written as (``id: 2025-06-06`` is the id
    ``"2025-06-06"``, not a date); an integer too long for Python is refused with its line.

    Front matter without ``&`` or ``*`` can hold no anchor or alias: it is parsed with
    libyaml's parser (PyYAML's pure-Python scanner was 80 % of loading a folder: 12 s for
    10,000 reviews). Anything else, and anything libyaml refuses, goes through the
    pure-Python loader, whose errors are the ones shown.
    """
    import yaml

    loaders = _yaml_loaders()
    node = data = None
    fast = loaders.get("fast") if "&" not in source and "*" not in source else None
    if fast is not None:
        try:
            node, data = _compose_and_construct(source, fast, first_line)
        except ReviewFileError:
            raise
        except Exception:  # noqa: BLE001 - the checked loader gives the error to show
            fast = None
    try:
        if fast is None:
            node, data = _compose_and_construct(source, loaders["checked"], first_line)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + mark.line if mark is not None else first_line
        reason = exc.problem or exc.context or "invalid YAML"
        raise ReviewFileError(
            f"malformed front matter: {one_line(str(reason), 120)}", line
        ) from None
    except yaml.YAMLError as exc:
        raise ReviewFileError(
            f"malformed front matter: {one_line(str(exc), 120)}", first_line
        ) from None
    except RecursionError:
        raise ReviewFileError("malformed front matter: nested too deeply", first_line) from None
    except ValueError as exc:  # any other value Python refuses to build
        raise ReviewFileError(
            f"front matter has a value that cannot be read: {one_line(str(exc), 80)}", first_line
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ReviewFileError("front matter must be a mapping of keys to values", first_line)
    meta = _Meta(data)
    meta.lines = {
        key.value: first_line + key.start_mark.line
        for key, _value in node.value
        if isinstance(key, yaml.ScalarNode)
    }
    return meta


def split_front_matter(text: str) -> tuple[dict, int]:
    """Return ``(metadata, body_start)``. Raises :class:`ReviewFileError` on bad front matter."""
    if not text.startswith("---"):
        return {}, 0
    match = _FRONT_RE.match(text)
    if not match:
        first = text.split("\n", 1)[0]
        if first.strip() == "---":
            raise ReviewFileError("front matter opened with '---' is never closed", 1)
        return {}, 0
    source = match.group(1) or ""
    if len(source) > MAX_FRONT_MATTER_CHARS:
        raise ReviewFileError("front matter is larger than 64 KiB", 2)
    meta = _safe_yaml_mapping(source, first_line=2)
    return meta, match.end()


def _meta_str(meta: dict, key: str, line_hint: int = 2) -> str | None:
    value = meta.get(key)
    if value is None:
        return None
    if isinstance(value, bool | int | float | str):
        text = str(value).strip()
        return one_line(text, 300) if text else None
    line = getattr(meta, "lines", {}).get(key, line_hint)
    kind = (
        "a list"
        if isinstance(value, list)
        else "a group of keys"
        if isinstance(value, dict)
        else "another kind of value"
    )
    raise ReviewFileError(
        f"front matter field '{key}' must be a single value, not {kind}: write one value "
        f'on the line, e.g. {key}: "…" (in quotes if it has a colon, a dash or brackets)',
        line,
    )
