"""Web pages for the import tests, built around real review text.

``blog_page(review)`` wraps a review in everything a blog puts around an article:
navigation, ads, a byline, share buttons, related posts, a comment section, a sidebar and
a footer. ``FURNITURE`` lists sentences of that furniture: none may land in an imported
review. ``article_sentences(review)`` are the sentences of the article itself. The saved
pages under ``tests/fixtures/web/`` were written by ``python -m tests.webpages``.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEB = Path(__file__).resolve().parent / "fixtures" / "web"

FURNITURE = [
    "Advertisement: Buy cheap popcorn now!",
    "Limited offer, 50% off all snacks this week only.",
    "Share this:",
    "Related posts",
    "Ten best sword fights of the decade, ranked",
    "Why sequels always disappoint the fans",
    "Great review, I totally disagree about the ending though, it felt rushed to me.",
    "Who else thinks the soundtrack was the real star of this movie?",
    "Popular this week",
    "Box office report: the summer of surprises",
    "Sponsored: Stream every thriller free for 30 days.",
    "All rights reserved.",
    "Subscribe to our newsletter and never miss a review.",
    "Leave a Reply",
    "Post comment",
]


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def _paragraph(text: str, n: int) -> str:
    """Some paragraphs get inline markup (emphasis, a link): the words must still survive."""
    body = _escape(text)
    if n % 3 == 1:
        body = re.sub(r"\b(\w{6,})\b", r"<em>\1</em>", body, count=1)
    if n % 4 == 2:
        body = re.sub(r"\b(\w{5,})\b", r'<a href="/tag/\1">\1</a>', body, count=1)
    return f"<p>{body}</p>"


def blog_page(
    review,
    *,
    author: str = "Jane Critic",
    site: str = "Reel Talk",
    url: str = "https://reeltalk.example/2025/06/review",
    charset: str | None = "utf-8",
) -> str:
    """A blog-style page around ``review`` (a loaded :class:`Review`)."""
    parts = []
    n = 0
    for block in review.blocks:
        text = review.block_text(block)
        if block.kind == "heading":
            if block.level == 1:
                continue
            level = min(max(block.level, 2), 6)
            parts.append(f"<h{level}>{_escape(text)}</h{level}>")
        elif block.kind == "item":
            parts.append(f"<ul><li>{_escape(text)}</li></ul>")
        else:
            n += 1
            # A paragraph with hard line breaks (plain-text reviews) stays one paragraph.
            parts.append(_paragraph(" ".join(text.split()), n))
    meta_charset = f'<meta charset="{charset}">' if charset else ""
    title = _escape(review.title)
    return f"""<!DOCTYPE html>
<html lang="en"><head>{meta_charset}
<title>{title} | {_escape(site)}</title>
<meta name="author" content="{_escape(author)}">
<meta property="og:site_name" content="{_escape(site)}">
<meta property="article:published_time" content="2025-06-10T09:00:00Z">
<link rel="canonical" href="{_escape(url)}">
</head>
<body>
<header class="site-header">
<a class="logo" href="/">{_escape(site)}</a>
<nav class="main-nav"><ul><li><a href="/">Home</a></li><li><a href="/reviews">Reviews</a></li>
<li><a href="/news">News</a></li><li><a href="/about">About us</a></li><li><a href="/contact">Contact</a></li></ul></nav>
<div class="ad ad-banner">Advertisement: Buy cheap popcorn now! Limited offer, 50% off all snacks this week only.</div>
</header>
<div class="wrap">
<main id="content">
<article class="post">
<h1 class="entry-title">{title}</h1>
<p class="byline">By <span class="author vcard">{_escape(author)}</span> · <time datetime="2025-06-10">June 10, 2025</time></p>
<div class="entry-content">
{chr(10).join(parts)}
</div>
<div class="share-buttons">Share this: <a href="#">Twitter</a> <a href="#">Facebook</a> <a href="#">Reddit</a> <a href="#">Email</a></div>
</article>
<section class="related-posts"><h3>Related posts</h3><ul>
<li><a href="/a">Ten best sword fights of the decade, ranked</a></li>
<li><a href="/b">Why sequels always disappoint the fans</a></li></ul></section>
<section id="comments" class="comments-area"><h3>3 Comments</h3>
<div class="comment"><p class="comment-author">moviebuff99</p><p>Great review, I totally disagree about the ending though, it felt rushed to me.</p></div>
<div class="comment"><p class="comment-author">popcorn_queen</p><p>Who else thinks the soundtrack was the real star of this movie?</p></div>
<div id="respond"><h3>Leave a Reply</h3><form><textarea name="comment"></textarea><button>Post comment</button></form></div>
</section>
</main>
<aside class="sidebar"><h3>Popular this week</h3><ul><li><a href="/c">Box office report: the summer of surprises</a></li></ul>
<div class="ad">Sponsored: Stream every thriller free for 30 days.</div>
<div class="newsletter"><p>Subscribe to our newsletter and never miss a review.</p><input type="email"><button>Subscribe</button></div></aside>
</div>
<footer class="site-footer"><p>© 2025 {_escape(site)}. All rights reserved.</p><p><a href="/privacy">Privacy policy</a> · <a href="/terms">Terms of use</a></p></footer>
</body></html>
"""


NO_ARTICLE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Reel Talk | Home</title></head>
<body><header><nav><ul><li><a href="/">Home</a></li><li><a href="/reviews">Reviews</a></li>
<li><a href="/news">News</a></li></ul></nav></header>
<main><h1>Latest</h1><ul class="posts">
<li><a href="/1">Ballerina review</a></li><li><a href="/2">Top ten heists</a></li>
<li><a href="/3">Box office weekend</a></li><li><a href="/4">Trailer roundup</a></li></ul>
<div class="pagination"><a href="?page=2">Next page</a></div></main>
<footer><p>© 2025 Reel Talk. All rights reserved.</p></footer></body></html>
"""

LOGIN = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in | Reel Talk</title></head>
<body><header><a href="/">Reel Talk</a></header>
<main><h1>Sign in to keep reading</h1><p>This review is for members only.</p>
<form method="post" action="/login"><label>Email <input type="email" name="email"></label>
<label>Password <input type="password" name="password"></label><button>Sign in</button></form>
</main><footer><p>© 2025 Reel Talk.</p></footer></body></html>
"""

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]*\s+(?=[\"'\u201c\u2018(]*[A-Z0-9])")


def article_sentences(review) -> list[str]:
    """The sentences of the review's paragraphs and items (whitespace folded)."""
    out = []
    for block in review.blocks:
        if block.kind == "heading":
            continue
        text = " ".join(review.block_text(block).split())
        out.extend(s.strip() for s in _SENTENCE_END.split(text) if len(s.strip()) > 1)
    return out


def folded(text: str) -> str:
    return " ".join(text.split())


def main() -> None:  # pragma: no cover - writes the saved pages
    from ballerina_tui.corpus import load_review

    reviews = ROOT / "data" / "reviews"
    WEB.mkdir(parents=True, exist_ok=True)
    critic = load_review(reviews / "critic.md")
    (WEB / "blog-critic.html").write_text(
        blog_page(critic, url="https://reeltalk.example/2025/06/ballerina-review"),
        encoding="utf-8",
    )
    wick = load_review(reviews / "wickverse.md")
    page = blog_page(
        wick,
        author="Zoë Brûlé",
        site="Café Cinéma",
        url="https://cafe-cinema.example/ballerina",
        charset="windows-1252",
    )
    (WEB / "blog-wickverse-cp1252.html").write_bytes(page.encode("cp1252"))
    (WEB / "no-article.html").write_text(NO_ARTICLE, encoding="utf-8")
    (WEB / "login.html").write_text(LOGIN, encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover
    main()
