"""Repository text in Markdown reports is shown as written and never read as markup."""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from busfactor.core.markdown_text import markdown_text

RENDERER = MarkdownIt("gfm-like")  # tables, strike-through and bare-URL links, as GitHub
MARKUP_TAGS = re.compile(r"<(a|img|em|strong|code|s|del|script|b|h\d)\b")

hostile = st.lists(
    st.sampled_from(
        [*"ab xyz.:/()[]!*_`~|\\<>&\"'#-+=@", "https://", "www.", "<img src=x>", "&amp;"]
    ),
    max_size=20,
).map("".join)


def shown(markdown: str) -> str:
    """The text a reader sees in the rendered paragraph (between two guards)."""
    rendered = RENDERER.render("« " + markdown + " »").strip()
    text = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    return text.removeprefix("« ").removesuffix(" »")


@settings(max_examples=400)
@given(hostile)
def test_any_text_renders_as_itself_with_no_markup(text: str) -> None:
    """Links, images, emphasis, code, HTML and bare URLs all come out as the plain text."""
    rendered = RENDERER.render("« " + markdown_text(text) + " »")
    assert MARKUP_TAGS.search(rendered) is None, rendered
    assert shown(markdown_text(text)).strip() == text.strip()


def test_the_reported_attacks_are_plain_text() -> None:
    name = "Mal [click](https://evil.example/phish) ![i](https://evil.example/t.png) *bold*"
    rendered = RENDERER.render(markdown_text(name))
    assert "<a" not in rendered
    assert "<img" not in rendered
    assert "<em" not in rendered
    assert shown(markdown_text(name)) == name
    assert "<img" not in RENDERER.render(markdown_text("<img src=x onerror=alert(1)>"))


BLOCK_TAGS = re.compile(r"<(h\d|ol|ul|blockquote|pre|hr|table)\b")


@settings(max_examples=400)
@given(hostile)
def test_text_after_a_bullet_stays_one_item_of_text(text: str) -> None:
    """Reports write `- {name}: …`: a component named `# Heading`, `+ plus` or `1. one`
    was a heading, a nested list or an ordered list inside the bullet."""
    body = markdown_text(text.lstrip()) + " »"
    rendered = RENDERER.render("- " + body)
    assert rendered.count("<li>") == 1, rendered
    assert BLOCK_TAGS.search(rendered.removeprefix("<ul>\n").removesuffix("</ul>\n")) is None
    assert shown(markdown_text(text)).strip() == text.strip()


def test_the_reported_block_starts_are_escaped() -> None:
    for name in ("# Heading", "+ plus", "1. one", "7) seven", "- dash"):
        rendered = RENDERER.render(f"- {markdown_text(name)}: bus factor 1")
        assert rendered == f"<ul>\n<li>{name}: bus factor 1</li>\n</ul>\n", rendered
