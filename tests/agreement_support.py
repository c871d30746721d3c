"""A folder of thirty small reviews of one invented film, for the agreement view's tests.

Some sentences are written by many reviewers (the consensus), each reviewer adds one of
their own, and two reviewers' handles are hostile (markup and an escape sequence).
"""

from __future__ import annotations

from pathlib import Path

SHARED = [
    (12, "The long silent robbery in the middle is the best sequence in the film."),
    (7, "Marta Vell as Ines gives the strongest performance of the cast."),
    (4, "The ending on the empty beach is far too abrupt."),
]
_WORDS = (
    "harbour lantern violin orchard glacier parrot cobbler meadow tram velvet quarry falcon "
    "pepper ribbon anchor thimble canyon marble saddle kettle tundra oyster compass lagoon "
    "walnut beacon chimney pebble trumpet willow garnet juniper scarf ferry lobster mosaic "
    "bison candle harp tulip cactus sleigh kiosk ladle magnet nutmeg opal pelican quilt "
    "radish satchel toucan umbrella vase wagon yarn zither acorn barrel cider dune easel "
    "fjord gondola hammock igloo jasmine kayak locket mitten nectar oboe paddle quiver "
    "rafter sorrel teapot urchin vellum wharf yodel zinnia almond bugle crater dingo "
    "ember flute gravel hazel inkwell jigsaw kelp linen mango nickel otter prism quartz "
    "rooster spindle tinsel ukulele viola walrus yak zebra apron bramble cobalt dahlia "
    "eel fennel gecko heron ivory jackal koala lilac mole newt olive plum"
).split()


def own_sentence(n: int) -> str:
    """A sentence no other reviewer writes: four words of its own."""
    w = _WORDS[4 * n : 4 * n + 4]
    return f"The {w[0]} and the {w[1]} remind me of a {w[2]} beside a {w[3]}."


HOSTILE = {4: "[bold red]mark[/]up", 9: "esc\x1b]0;PWNED\x07ape"}


def write_thirty(folder: Path, count: int = 30) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        handle = HOSTILE.get(n, f"critic-{n:02d}")
        body = []
        for times, sentence in SHARED:
            if n < times:
                body.append(sentence)
        body.append(own_sentence(n))
        if n == count - 1:
            body.append("The ending on the empty beach is not abrupt at all.")
        meta = (
            f"---\nid: r{n:02d}\nhandle: {handle!r}\n".replace("'", '"')
            + f"rating: {n % 10 + 1}/10\n---\n\n"
        )
        (folder / f"r{n:02d}.md").write_text(meta + " ".join(body) + "\n", encoding="utf-8")
    return folder
