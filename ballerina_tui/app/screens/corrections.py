"""The fan's corrections in the app: the link picker, breaking a link, and Explain.

Widgets only show and dispatch: candidates, evidence and applying corrections come from
:mod:`ballerina_tui.corrections`. Review text is untrusted: everything is built as
``Content`` from plain strings, never markup.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ballerina_tui.app.widgets.lists import KeyList
from ballerina_tui.textutil import display_safe


def _one_line(text: str, limit: int = 160) -> str:
    flat = " ".join(display_safe(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _handle(app, review_id: str) -> str:
    review = app.corpus.get(review_id)
    return display_safe(review.handle) if review is not None else review_id


# --------------------------------------------------------------------------- applying


def with_corrections(app, analysis, prepared=None):
    """``analysis`` with the folder's stored corrections applied (the store is kept on app).

    ``prepared``: ``(store, corrections, result)`` made off the UI thread; the result is
    used while the app's store is that one and holds those corrections, else they are
    applied again here."""
    from ballerina_tui.corrections import CorrectionStore, apply_corrections

    store = getattr(app, "corrections", None)
    if store is None:
        store = prepared[0] if prepared is not None else CorrectionStore.for_corpus(app.corpus)
        app.corrections = store
        if store.note:
            app.notify(store.note, severity="warning", markup=False, timeout=8)
    if prepared is not None:
        made_from, items, corrected = prepared
        if store is made_from and store.items == items:
            return corrected
    return apply_corrections(analysis, store.items)


def record(app, correction) -> bool:
    """Save ``correction``, re-apply every correction, let the views refresh."""
    base = getattr(app, "base_analysis", None)
    if base is None:
        app.notify("claims are not analysed yet", markup=False, timeout=3)
        return False
    try:
        app.corrections.add(correction)
    except OSError as exc:
        app.notify(f"cannot save the correction: {exc}", severity="error", markup=False)
        return False
    app.set_analysis(base)
    return True


def _claim(app, claim_id: str | None):
    analysis = app.analysis
    if analysis is None:
        app.notify(app.analysis_state or "claims are not analysed yet", markup=False, timeout=3)
        return None
    if claim_id is None:
        app.notify("move the cursor onto a claim first", markup=False, timeout=3)
        return None
    try:
        return analysis.claim(claim_id)
    except KeyError:
        return None


def open_link_picker(app, claim_id: str | None) -> None:
    """Pick one of the claim's nearest candidates in other reviews; choosing it links."""
    from ballerina_tui.corrections import LINK, make_correction, nearest

    claim = _claim(app, claim_id)
    if claim is None:
        return
    candidates = [
        (cid, score)
        for cid, score in nearest(app.analysis, claim.id, limit=12)
        if app.analysis.claim(cid).group != claim.group
    ]
    if not candidates:
        app.notify("no candidate in the other reviews", markup=False, timeout=3)
        return

    def chosen(other_id: str | None) -> None:
        if other_id is None:
            return
        other = app.analysis.claim(other_id)
        if record(app, make_correction(LINK, claim, other)):
            app.notify(f"linked {claim.id} and {other.id}", markup=False, timeout=3)

    app.push_screen(LinkPicker(claim, candidates), chosen)


def break_link(app, claim_id: str | None) -> None:
    """Take the claim out of its group (it becomes unique to its review)."""
    from ballerina_tui.corrections import UNLINK, make_correction

    claim = _claim(app, claim_id)
    if claim is None:
        return
    if len(app.analysis.group(claim.group).claims) < 2:
        app.notify(f"{claim.id} is not linked to any claim", markup=False, timeout=3)
        return
    if record(app, make_correction(UNLINK, claim)):
        app.notify(f"broke the link of {claim.id}", markup=False, timeout=3)


def open_explain(app, claim_id: str | None) -> None:
    claim = _claim(app, claim_id)
    if claim is not None:
        app.push_screen(ExplainScreen(claim))


# --------------------------------------------------------------------------- screens


class LinkPicker(ModalScreen[str | None]):
    """The nearest candidates of one claim, with their scores: enter links, escape closes."""

    DEFAULT_CSS = """
    LinkPicker { align: center middle; }
    LinkPicker .corrections-box {
        width: 90%; max-width: 120; height: 80%;
        border: round $accent; background: $surface; padding: 0 1;
        border-title-color: $text-accent; border-subtitle-color: $text-accent;
    }
    LinkPicker OptionList { height: 1fr; }
    """

    BINDINGS = [Binding("escape", "dismiss_none", "Close", id="link.close")]

    def __init__(self, claim, candidates: list[tuple[str, float]]) -> None:
        super().__init__()
        self.claim = claim
        self.candidates = candidates

    def compose(self) -> ComposeResult:
        analysis = self.app.analysis
        options = []
        for cid, score in self.candidates:
            other = analysis.claim(cid)
            label = Content.assemble(
                (f"{score:5.2f}  ", "bold"),
                (f"{_handle(self.app, other.review)} ", "$text-secondary"),
                (f"{cid}\n", "$text-muted"),
                _one_line(other.text),
            )
            options.append(Option(label, id=cid))
        with Vertical(id="link-box", classes="corrections-box") as box:
            box.border_title = "Link to…"
            box.border_subtitle = "enter links · escape closes"
            yield Static(
                Content.assemble((f"{self.claim.id}  ", "bold"), _one_line(self.claim.text, 300)),
                id="link-claim",
            )
            yield KeyList(*options, id="link-options")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


def _evidence_lines(data: dict) -> list:
    parts: list = []
    shown_keys = [k for k in data if k not in ("linked", "by_fan")]
    width = max((len(display_safe(str(k))) for k in shown_keys), default=0) + 1
    for key, value in data.items():
        if key in ("linked", "by_fan"):
            continue
        if isinstance(value, (list, tuple, set)):
            shown = ", ".join(str(v) for v in value) or "none"
        elif isinstance(value, float):
            shown = f"{value:.2f}"
        elif isinstance(value, dict):
            shown = ", ".join(f"{k}: {v}" for k, v in value.items()) or "none"
        else:
            shown = str(value)
        label = (display_safe(str(key)) + ":").ljust(width)
        parts.append(("      " + label + " ", "$text-muted"))
        parts.append(display_safe(shown) + "\n")
    return parts


class ExplainScreen(ModalScreen):
    """Why a claim is unique (its nearest candidates and why they were not linked), or
    what linked it (the evidence for each claim of its group)."""

    DEFAULT_CSS = """
    ExplainScreen { align: center middle; }
    ExplainScreen .corrections-box {
        width: 90%; max-width: 120; height: 80%;
        border: round $accent; background: $surface; padding: 0 1;
        border-title-color: $text-accent; border-subtitle-color: $text-accent;
    }
    ExplainScreen OptionList { height: 1fr; }
    """

    BINDINGS = [Binding("escape,q,w", "app.pop_screen", "Close", id="explain.close")]

    def __init__(self, claim) -> None:
        super().__init__()
        self.claim = claim

    def explanation(self) -> Content:
        from ballerina_tui.corrections import evidence, nearest

        app = self.app
        analysis = app.analysis
        claim = self.claim
        parts: list = [
            (f"{claim.id} ({_handle(app, claim.review)}) · {claim.status}\n", "bold"),
            _one_line(claim.text, 400) + "\n\n",
        ]
        linked = [cid for cid in analysis.group(claim.group).claims if cid != claim.id]
        if linked:
            parts.append(("Linked to\n", "bold underline"))
            for cid in linked:
                data = evidence(analysis, claim.id, cid)
                other = analysis.claim(cid)
                how = "by you" if data.get("by_fan") == "link" else "by the engine"
                parts.append((f"  {_handle(app, other.review)} {cid} ", "$text-secondary"))
                parts.append((f"({how})\n", "$text-muted"))
                parts.append("    " + _one_line(other.text) + "\n")
                parts.extend(_evidence_lines(data))
            parts.append("\n")
        candidates = [
            (cid, s)
            for cid, s in nearest(analysis, claim.id, limit=24, per_review=2)
            if cid not in linked
        ]
        parts.append(("Nearest not linked, per review\n", "bold underline"))
        if not candidates:
            parts.append(("  nothing in the other reviews shares its words\n", "$text-muted"))
        for cid, score in candidates:
            other = analysis.claim(cid)
            data = evidence(analysis, claim.id, cid)
            parts.append((f"  {score:5.2f} ", "bold"))
            parts.append((f"{_handle(app, other.review)} {cid}", "$text-secondary"))
            if data.get("by_fan") == "unlink":
                parts.append(("  (you broke this link)", "$text-warning"))
            parts.append("\n    " + _one_line(other.text) + "\n")
            parts.extend(_evidence_lines(data))
        return Content.assemble(*parts)

    def compose(self) -> ComposeResult:
        with Vertical(id="explain-box", classes="corrections-box") as box:
            box.border_title = "Explain"
            box.border_subtitle = "escape closes"
            with VerticalScroll():
                yield Static(self.explanation(), id="explain-text")
