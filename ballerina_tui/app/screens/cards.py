"""Character cards: who they are, who mentions them how often, what each reviewer claims."""

from __future__ import annotations

import dataclasses

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from ballerina_tui.app.background import worth_a_thread
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
            (f"named by {card.readers} of {card.reviewer_count} reviewers", "bold"),
            (f", {card.total} time(s) · {source}", "$text-muted"),
        )
    )
    most = max((line.count for line in card.reviewers), default=0)
    naming = [line for line in card.reviewers if line.count]
    if len(naming) > HEAD_REVIEWERS:  # those who name them most, in folder order
        top = sorted(naming, key=lambda line: (-line.count, line.position))[:HEAD_REVIEWERS]
        naming = sorted(top, key=lambda line: line.position)
    for line in naming:
        lines.append(
            Content.assemble(
                (f"{display_safe(line.handle)[:handles_width]:<{handles_width}} ", ""),
                (f"{line.count:>3} ", "bold"),
                (bar(line.count, most, 20), reviewer_style(line.position)),
            )
        )
    if card.readers > len(naming):
        lines.append(Content.styled(f"… and {card.readers - len(naming):,} more", "$text-muted"))
    return Content("\n").join(lines)


# At 10,000 reviews a character is named by thousands: the card's head shows the reviewers
# who name them most, its list the first reviewers in folder order (the CLI has them all).
HEAD_REVIEWERS = 30
ITEM_REVIEWERS = 200


def _cards_of(corpus, file_characters, index, analysis):
    """The characters (the file's merged with the people the reviews name) and the cards."""
    from ballerina_tui.cards import build_cards
    from ballerina_tui.characters import corpus_characters

    # Once the index has looked at the folder, the people found in the reviews are kept
    # beside it: not found again in every review (10 s at 10,000).
    discovered = index.discovered if index is not None else None
    characters = corpus_characters(corpus, file_characters, discovered=discovered)
    # The reviews as they are now: the folder may still be loading (the list growing).
    now = dataclasses.replace(corpus, reviews=list(corpus.reviews))
    return characters, build_cards(now, characters, analysis)


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
        app = self.app
        inputs = (app.corpus, app.file_characters, app.index, app.analysis)
        if not worth_a_thread(len(app.corpus.reviews)):
            self._fill(*_cards_of(*inputs))
            return
        if not self.cards:
            self._placeholder("building the cards…")
        self._build_in_background(inputs)

    # A description of its own: Textual otherwise describes a worker by the repr of its
    # arguments, and the repr of 10,000 reviews took 7 s of the UI thread.
    @work(exclusive=True, group="cards", exit_on_error=False, description="building the cards")
    async def _build_in_background(self, inputs) -> None:
        from ballerina_tui.app.background import in_daemon_thread

        characters, cards = await in_daemon_thread("ballerina-tui-cards", _cards_of, *inputs)
        self._fill(characters, cards)

    def _placeholder(self, text: str) -> None:
        chars = self.query_one("#characters", OptionList)
        chars.clear_options()
        chars.add_option(Option(Content(text), disabled=True))

    def _fill(self, characters, cards) -> None:
        app = self.app
        app.characters = characters
        self.cards = cards
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
            parts.append((f"  {card.readers}/{card.reviewer_count}", "$text-muted"))
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
        shown = [line for line in card.reviewers if line.count or line.claims]
        for line in shown[:ITEM_REVIEWERS]:
            style = reviewer_style(line.position)
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
        if len(shown) > ITEM_REVIEWERS:
            more = len(shown) - ITEM_REVIEWERS
            items.add_option(
                Option(
                    Content.styled(
                        f"… and {more:,} more reviewers (all of them: ballerina-tui characters "
                        "NAME --json)",
                        "$text-muted",
                    ),
                    disabled=True,
                )
            )
        if card.conflicts:
            items.add_option(Option(Content.styled("conflicts", "bold"), disabled=True))
            for conflict in card.conflicts[:ITEM_REVIEWERS]:
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
            if len(card.conflicts) > ITEM_REVIEWERS:
                more = len(card.conflicts) - ITEM_REVIEWERS
                items.add_option(
                    Option(Content.styled(f"… and {more:,} more", "$text-muted"), disabled=True)
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
