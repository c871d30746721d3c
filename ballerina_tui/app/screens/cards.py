"""Character cards: who they are, who mentions them how often, what each reviewer claims."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from ballerina_tui.app.glyphs import STATUS_GLYPH, STATUS_STYLE, bar, reviewer_style
from ballerina_tui.app.widgets.lists import KeyList
from ballerina_tui.textutil import display_safe, one_line


def card_head(card, handles_width: int = 12) -> Content:
    ch = card.character
    lines = [
        Content.assemble(
            (display_safe(ch.name), "bold $text-accent"),
            ("  " + display_safe(ch.kind), "italic $text-muted"),
        )
    ]

    def field(label: str, value: str | None) -> None:
        if value:
            lines.append(Content.assemble((f"{label:<12}", "bold"), display_safe(value)))

    if ch.role and ch.role != "character":
        field("role", ch.role)
    if ch.actor or ch.kind == "character":
        field("played by", ch.actor or "—")
    field("also called", ", ".join(ch.aliases) if ch.aliases else "—")
    field("affiliation", ch.affiliation or "—")
    if ch.description:
        lines.append(Content(""))
        lines.append(Content(display_safe(ch.description)))
    lines.append(Content(""))
    source = "from the reviews" if ch.source == "discovered" else "from characters.yaml"
    lines.append(
        Content.assemble(
            (f"named by {card.readers} of {len(card.reviewers)} reviewers", "bold"),
            (f", {card.total} time(s) · {source}", "$text-muted"),
        )
    )
    most = max((line.count for line in card.reviewers), default=0)
    for n, line in enumerate(card.reviewers):
        if not line.count:
            continue
        lines.append(
            Content.assemble(
                (f"{display_safe(line.handle)[:handles_width]:<{handles_width}} ", ""),
                (f"{line.count:>3} ", "bold"),
                (bar(line.count, most, 20), reviewer_style(n)),
            )
        )
    return Content("\n").join(lines)


class CardsScreen(Screen):
    HELP_TITLE = "Character cards"
    BINDINGS = [
        Binding("tab", "app.focus_next", "Next pane", show=False, id="cards.next_pane"),
        Binding(
            "h",
            "highlight",
            "Highlight",
            id="cards.highlight",
            tooltip="Highlight the selected claim or passage (again to remove)",
        ),
        Binding("escape", "app.back", "Back", show=False, id="cards.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.cards = []
        self._targets: dict[str, tuple[str, int, int]] = {}

    def compose(self) -> ComposeResult:
        with Horizontal(id="cards-panes"):
            yield KeyList(id="characters")
            with Vertical(id="card"):
                yield Static(id="card-head")
                yield KeyList(id="card-items")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#characters").border_title = "Characters"
        self.query_one("#card-items").border_title = "What each reviewer says"
        self.watch(self.app, "claims_version", lambda _v: self._rebuild(), init=False)
        self._rebuild()
        self.query_one("#characters", OptionList).focus()

    def _rebuild(self) -> None:
        from ballerina_tui.cards import build_cards
        from ballerina_tui.characters import corpus_characters

        app = self.app
        # Cached per corpus: the analysis worker has usually computed it already.
        app.characters = corpus_characters(app.corpus, app.file_characters)
        self.cards = build_cards(app.corpus, app.characters, app.analysis)
        chars = self.query_one("#characters", OptionList)
        highlighted = chars.highlighted
        chars.clear_options()
        if not self.cards:
            waiting = app.analysis is None and not app.analysis_state.startswith("claim")
            chars.add_option(
                Option(
                    Content("finding the people these reviews name…" if waiting else "no names"),
                    disabled=True,
                )
            )
            self.query_one("#card-head", Static).update(
                Content(
                    "Cards come from the names the reviews use; a characters.yaml beside "
                    "the reviews adds descriptions (see data/characters.yaml)."
                )
            )
            return
        for card in self.cards:
            ch = card.character
            parts = [(display_safe(ch.name), "bold")]
            if ch.actor:
                parts.append(("  " + display_safe(ch.actor), "italic $text-secondary"))
            elif ch.role and ch.role != "character":
                parts.append(("  " + ch.role, "italic $text-muted"))
            parts.append((f"  {card.readers}/{len(card.reviewers)}", "$text-muted"))
            chars.add_option(Option(Content.assemble(*parts), id=ch.id))
        chars.highlighted = highlighted if highlighted is not None else 0
        self._show(self.cards[chars.highlighted])

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "characters" and event.option.id:
            card = next((c for c in self.cards if c.character.id == event.option.id), None)
            if card is not None:
                self._show(card)

    def _show(self, card) -> None:
        self.query_one("#card-head", Static).update(card_head(card))
        items = self.query_one("#card-items", OptionList)
        items.clear_options()
        self._targets = {}
        analysis = self.app.analysis
        handles = {r.id: r.handle for r in self.app.corpus.reviews}
        for n, line in enumerate(card.reviewers):
            if not line.count and not line.claims:
                continue
            style = reviewer_style(n)
            items.add_option(
                Option(
                    Content.assemble(
                        # The swatch carries the reviewer's colour; the name stays in the
                        # text colour (an orange name on the light theme's grey was unreadable).
                        ("■ ", style),
                        (display_safe(line.handle), "bold"),
                        (f"  {line.count} mention(s), {len(line.claims)} claim(s)", "$text-muted"),
                    ),
                    disabled=True,
                )
            )
            if analysis is not None and line.claims:
                for claim in line.claims:
                    key = f"c{len(self._targets)}"
                    self._targets[key] = (claim.review, claim.start, claim.end)
                    parts = [
                        Content.assemble(
                            (
                                f"{STATUS_GLYPH[claim.status]} ",
                                f"bold {STATUS_STYLE[claim.status]}",
                            ),
                            display_safe(one_line(claim.text, 300)),
                        )
                    ]
                    for other_id in claim.contradicts:
                        try:
                            other = analysis.claim(other_id)
                        except KeyError:
                            continue
                        parts.append(
                            Content.assemble(
                                ("   ≠ ", f"bold {STATUS_STYLE['conflict']}"),
                                (display_safe(handles.get(other.review, other.review)), "bold"),
                                ": ",
                                (display_safe(one_line(other.text, 200)), "italic"),
                            )
                        )
                    items.add_option(Option(Content("\n").join(parts), id=key))
            else:
                seen = set()
                for mention in line.mentions:
                    if mention.passage_start in seen:
                        continue
                    seen.add(mention.passage_start)
                    key = f"m{len(self._targets)}"
                    self._targets[key] = (
                        mention.review,
                        mention.passage_start,
                        mention.passage_end,
                    )
                    review = self.app.corpus.get(mention.review)
                    text = review.text[mention.passage_start : mention.passage_end]
                    items.add_option(
                        Option(
                            Content.assemble(
                                ("· ", "$text-muted"), display_safe(one_line(text, 240))
                            ),
                            id=key,
                        )
                    )
        if card.conflicts:
            items.add_option(Option(Content.styled("conflicts", "bold"), disabled=True))
            for conflict in card.conflicts:
                key = f"x{len(self._targets)}"
                self._targets[key] = (conflict.a.review, conflict.a.start, conflict.a.end)
                items.add_option(
                    Option(
                        Content.assemble(
                            ("≠ ", f"bold {STATUS_STYLE['conflict']}"),
                            (display_safe(handles.get(conflict.a.review, "")), "bold"),
                            " vs ",
                            (display_safe(handles.get(conflict.b.review, "")), "bold"),
                            ": ",
                            (display_safe(one_line(conflict.reason, 200)), "italic"),
                        ),
                        id=key,
                    )
                )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "characters":
            self.query_one("#card-items", OptionList).focus()
            return
        target = self._targets.get(event.option.id or "")
        if target is not None:
            self.app.open_in_reader(target[0], target[1])

    def action_highlight(self) -> None:
        items = self.query_one("#card-items", OptionList)
        if items.highlighted is None:
            self.notify("select a claim or passage in the card first", markup=False, timeout=2)
            return
        option = items.get_option_at_index(items.highlighted)
        target = self._targets.get(option.id or "")
        if target is None:
            return
        self.app.toggle_highlight(*target)
