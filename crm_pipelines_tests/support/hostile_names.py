"""The same hostile names for every format test, and how a person would read each
format: Markdown and Adaptive Card text through a real CommonMark renderer (markdown-it-py, with
GFM tables), MessageCard text through HTML entity decoding, Slack mrkdwn by undoing its escapes."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from markdown_it import MarkdownIt

HOSTILE_NAMES = [
    "*bold* _it_ [phish](https://evil.example/login) | x |",  # emphasis, a link and table cells at once
    "*VIP* [x](http://evil.example)",                        # the Teams MessageCard name
    "<script>alert(1)</script> <!channel> <@U123|boss>",
    "`code` ~strike~ **strong** # not a heading",
    "> quoted & &amp; {{DATE(2017-02-14T06:08:00Z, SHORT)}}",
    "two\nlines | cell",
]

_RENDERER = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def rendered(markdown: str) -> tuple[list[str], str]:
    """The HTML tags a CommonMark renderer makes of `markdown` (raw HTML allowed, as a permissive
    UI would), and the text a person reads."""
    parser = _Tags()
    parser.feed(_RENDERER.render(markdown))
    return parser.tags, "".join(parser.text)


def as_one_line(name: str) -> str:
    return name.replace("\n", " ")


def slack_read(mrkdwn: str) -> str:
    """Slack's rendering of our escapes: date fallbacks shown as their text, the three entities."""
    text = re.sub(r"<!date\^00000000\^\{_\}\|(.)>", r"\1", mrkdwn).replace("\u00ad", "")
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def slack_markup_left(mrkdwn: str) -> list[str]:
    """What Slack would still read as markup: formatting marks or `<...>` outside the escapes."""
    outside = re.sub(r"<!date\^00000000\^\{_\}\|.>", "", mrkdwn)
    return re.findall(r"[*_~`<>]", outside)


def message_card_read(text: str) -> str:
    return html.unescape(text)
