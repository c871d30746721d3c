"""Command-line forms of the fan's corrections: ``link``, ``unlink`` and ``corrections``."""

from __future__ import annotations

from ballerina_tui.cli import CliError, _console, _emit_json, _index, _load


def corrected_analysis(corpus, analysis):
    """``analysis`` with the folder's stored corrections applied (a warning if unreadable)."""
    from ballerina_tui.cli import _warn
    from ballerina_tui.corrections import CorrectionStore, apply_corrections

    store = CorrectionStore.for_corpus(corpus)
    if store.note:
        _warn(store.note)
    return apply_corrections(analysis, store.items)


def _setup(args):
    from ballerina_tui.claims import analyze
    from ballerina_tui.corrections import CorrectionStore, apply_corrections

    corpus = _load(args)
    store = CorrectionStore.for_corpus(corpus)
    base = analyze(corpus, _index(args, corpus))
    return corpus, store, base, apply_corrections(base, store.items)


def _claim(analysis, claim_id: str):
    try:
        return analysis.claim(claim_id)
    except KeyError:
        raise CliError(f"no claim {claim_id!r} (see `claims --json` for ids)") from None


def _save(store, correction):
    try:
        return store.add(correction)
    except OSError as exc:
        raise CliError(f"cannot save the correction: {exc}") from None


def _result(kind: str, analysis, ids: list[str], correction) -> dict:
    claims = [analysis.claim(cid) for cid in ids]
    groups = {c.group for c in claims}
    return {
        "correction": correction.to_dict(),
        "claims": [c.to_json() for c in claims],
        "groups": [g.to_json() for g in analysis.groups if g.id in groups],
    }


def _say(analysis, ids: list[str], verb: str) -> None:
    from rich.text import Text

    from ballerina_tui.textutil import display_safe

    console = _console()
    console.print(Text(verb, style="bold"))
    for cid in ids:
        claim = analysis.claim(cid)
        line = Text(f"  {cid} [{claim.status}] ", style="dim")
        line.append(display_safe(claim.text))
        console.print(line)


def cmd_link(args) -> int:
    from ballerina_tui.corrections import LINK, apply_corrections, make_correction

    corpus, store, base, analysis = _setup(args)
    a, b = _claim(analysis, args.a), _claim(analysis, args.b)
    if a.id == b.id:
        raise CliError("a claim cannot be linked to itself")
    if a.review == b.review:
        raise CliError("both claims are from the same review: link claims of two reviewers")
    correction = _save(store, make_correction(LINK, a, b))
    analysis = apply_corrections(base, store.items)
    if args.json:
        _emit_json(_result(LINK, analysis, [a.id, b.id], correction))
    else:
        _say(analysis, [a.id, b.id], "linked: they make the same claim")
    return 0


def cmd_unlink(args) -> int:
    from ballerina_tui.corrections import UNLINK, apply_corrections, make_correction

    corpus, store, base, analysis = _setup(args)
    a = _claim(analysis, args.a)
    b = _claim(analysis, args.b) if args.b else None
    if b is not None and b.group != a.group:
        raise CliError(f"{a.id} and {b.id} are not linked")
    if b is None and len(analysis.group(a.group).claims) < 2:
        raise CliError(f"{a.id} is not linked to any claim")
    correction = _save(store, make_correction(UNLINK, a, b))
    analysis = apply_corrections(base, store.items)
    ids = [a.id] + ([b.id] if b is not None else [])
    if args.json:
        _emit_json(_result(UNLINK, analysis, ids, correction))
    else:
        _say(analysis, ids, "unlinked")
    return 0


def cmd_corrections(args) -> int:
    _corpus, store, _base, analysis = _setup(args)
    applied = getattr(analysis, "corrections_applied", [])
    items = []
    for item in applied:
        data = item.correction.to_dict()
        data["claims"] = [item.a] + ([item.b] if item.correction.b is not None else [])
        data["active"] = item.active
        items.append(data)
    if args.json:
        _emit_json({"store": str(store.path), "corrections": items})
        return 0
    from rich.text import Text

    from ballerina_tui.textutil import display_safe

    console = _console()
    if not items:
        console.print(Text("no corrections yet (see `link` and `unlink`)", style="dim"))
    for item in items:
        ids = " ".join(cid or "(gone)" for cid in item["claims"])
        line = Text(f"{item['kind']:<7} {ids}", style="bold" if item["active"] else "dim")
        console.print(line)
        for ref in (item["a"], item["b"]):
            if ref is not None:
                console.print(Text("   " + display_safe(" ".join(ref["text"].split()))))
    console.print(Text(f"stored in {store.path}", style="dim"))
    return 0


def add_commands(sub) -> None:
    p = sub.add_parser("link", help="link two claims of two reviewers: they say the same thing")
    p.add_argument("a", metavar="A", help="a claim id, as in `claims --json`")
    p.add_argument("b", metavar="B", help="the claim it makes the same point as")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_link)

    p = sub.add_parser("unlink", help="break a claim's link to its group, or to one claim")
    p.add_argument("a", metavar="A", help="a claim id, as in `claims --json`")
    p.add_argument("b", metavar="B", nargs="?", help="only break its link to this claim")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_unlink)

    p = sub.add_parser("corrections", help="your links and broken links between claims")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_corrections)
