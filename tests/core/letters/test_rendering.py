"""Templates render in a sandbox, escape what they are given, and fail with a clear message."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from therapist_desk.letters.rendering import TemplateProblem, render


def test_fields_are_escaped_and_filters_format_dates_and_money() -> None:
    text = render(
        "<p>{{ name }} on {{ when | day }} owes {{ amount | money }}</p>"
        "{% for line in address | lines %}<br>{{ line }}{% endfor %}",
        {
            "name": "Sam <b>Rivera</b> & co",
            "when": date(2026, 11, 27),
            "amount": Decimal("1234.5"),
            "address": "1 High St\n\n  Town  \n",
        },
    )
    assert "Sam &lt;b&gt;Rivera&lt;/b&gt; &amp; co" in text
    assert "27 November 2026" in text
    assert "1,234.50" in text
    assert text.endswith("<br>1 High St<br>Town")


def test_an_unknown_field_names_the_field_and_the_line() -> None:
    with pytest.raises(TemplateProblem) as problem:
        render(
            "<p>Dear {{ client.name }}</p>\n<p>{{ clinet.legal_name }}</p>",
            {"client": {"name": "A"}},
            name="letter",
        )
    assert problem.value.line == 2
    assert "clinet" in problem.value.message
    assert "letter, line 2" in problem.value.message


def test_a_syntax_error_names_the_line() -> None:
    with pytest.raises(TemplateProblem) as problem:
        render("<p>one</p>\n<p>{% if x %}two</p>", {"x": True}, name="summary")
    assert problem.value.line == 2
    assert "summary, line 2" in problem.value.message


def test_a_template_cannot_reach_outside_its_fields() -> None:
    with pytest.raises(TemplateProblem) as problem:
        render("{{ name.__class__.__mro__[1].__subclasses__() }}", {"name": "x"})
    assert "cannot be used" in problem.value.message
