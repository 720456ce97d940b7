"""One escaping helper per format a user-supplied string (a seller's, tenant's or customer's name,
or a sentence quoting one) lands in, so that it is shown as typed and never becomes markup, a
link, a mention or a table cell.

| format | where | helper |
|---|---|---|
| Markdown (CommonMark + GFM tables) | Dagster metadata (`MetadataValue.md`), the report's Markdown | `markdown` |
| HTML | stored report, email | Jinja2 autoescape (`html` for code outside templates) |
| Slack mrkdwn | report summary, failure alerts | `slack_mrkdwn` |
| Teams MessageCard (legacy connectors: Markdown and HTML) | report summary | `message_card` |
| Teams Adaptive Card TextBlock (Markdown, no HTML) | report summary, failure alerts | `adaptive_card` |

A name is one line in every format: line breaks become spaces (a newline would end a table row
or a list item). Socket.IO events carry data, not markup: names go there unchanged.
"""

from __future__ import annotations

import html as html_lib
import re
import string
from typing import Any

_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")
# CommonMark lets a backslash escape any ASCII punctuation. `&` and `;` are left to the HTML
# entities `markdown` writes for & < > (a backslash there would show the entity's text).
_MD_PUNCTUATION = re.compile("([" + re.escape("".join(c for c in string.punctuation if c not in "&;")) + "])")
_ALL_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
# Slack has no escape for its formatting characters; an invalid date token's fallback text is
# always shown as plain text (https://api.slack.com/reference/surfaces/formatting#date-formatting).
_SLACK_FORMATTING = re.compile(r"[*_~`]")
_SLACK_PLAIN = "<!date^00000000^{{_}}|{}>"
# Only a line's first `>` quotes in Slack; a soft hyphen in front of it keeps it text.
_SLACK_QUOTE = re.compile(r"^(\s*)&gt;", re.MULTILINE)


def one_line(value: Any) -> str:
    return _LINE_BREAKS.sub(" ", str(value))


def markdown(value: Any) -> str:
    """Markdown text or a table cell: tags as entities, every other markup character
    backslash-escaped (`|` too, so a name never adds a cell; `:` too, so no URL autolinks)."""
    return _MD_PUNCTUATION.sub(r"\\\1", html_lib.escape(one_line(value), quote=False))


def html(value: Any) -> str:
    return html_lib.escape(str(value), quote=True)


def slack_mrkdwn(value: Any) -> str:
    """Slack mrkdwn: & < > as entities (no `<!channel>`, no `<url|link>`), the formatting
    characters as plain-text date fallbacks. Send it with `"verbatim": true` so that URLs and
    names in it are not turned into links."""
    text = one_line(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _SLACK_FORMATTING.sub(lambda m: _SLACK_PLAIN.format(m.group(0)), text)
    return _SLACK_QUOTE.sub("\\1\u00ad&gt;", text)


def message_card(value: Any) -> str:
    """A legacy Teams MessageCard renders Markdown *and* HTML: every ASCII punctuation mark
    becomes a numeric HTML entity, which no Markdown rule matches and HTML shows as the mark."""
    return _ALL_PUNCTUATION.sub(lambda m: f"&#{ord(m.group(1))};", one_line(value))


def adaptive_card(value: Any) -> str:
    """An Adaptive Card TextBlock is a CommonMark subset without HTML: backslash-escape every
    ASCII punctuation mark (`{{DATE(...)}}` functions are broken up by the escapes too)."""
    return _ALL_PUNCTUATION.sub(r"\\\1", one_line(value))
