"""One escaping helper per format (crm_pipelines/escaping.py), each tested with the
same hostile names: rendered the way the format is rendered, the name reads exactly as typed
(a line break as a space) and makes no link, emphasis, code, heading, quote, cell or mention."""

from __future__ import annotations

import re

import pytest

from crm_pipelines.escaping import adaptive_card, markdown, message_card, slack_mrkdwn
from crm_pipelines_tests.support.hostile_names import (
    HOSTILE_NAMES,
    as_one_line,
    message_card_read,
    rendered,
    slack_markup_left,
    slack_read,
)


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_markdown_reads_as_typed_and_makes_no_markup(name):
    tags, text = rendered(f"Seller: {markdown(name)}")
    assert tags == ["p"] and text.strip() == f"Seller: {as_one_line(name)}"
    # a table cell stays one cell
    tags, text = rendered(f"| seller | n |\n|---|---|\n| {markdown(name)} | 1 |")
    assert tags.count("td") == 2 and as_one_line(name) in text
    assert "https://" not in markdown(name) and "http://" not in markdown(name)  # no bare-URL autolinks


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_adaptive_card_text_reads_as_typed(name):
    escaped = adaptive_card(name)
    tags, text = rendered(escaped)
    assert tags == ["p"] and text.strip() == as_one_line(name)
    assert "{{" not in escaped  # Adaptive Cards' DATE()/TIME() functions stay text


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_message_card_text_is_entities_for_every_mark(name):
    escaped = message_card(name)
    assert message_card_read(escaped) == as_one_line(name)
    outside_entities = re.sub(r"&#\d+;", "", escaped)
    assert not re.search(r"[!-/:-@\[-`{-~]", outside_entities)  # no mark left for Markdown or HTML
    tags, _ = rendered(escaped)  # and as Markdown with HTML it is just a paragraph
    assert tags == ["p"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_slack_mrkdwn_reads_as_typed_and_leaves_no_markup(name):
    escaped = slack_mrkdwn(name)
    assert slack_read(escaped) == as_one_line(name)
    assert slack_markup_left(escaped) == []
    assert not escaped.startswith("&gt;")  # a leading > would quote the line
