"""Shared pieces of the SEC-4 property tests: odd inputs, value strategies, hypothesis settings."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Text that has broken parsers before: empty, NUL, lone surrogates, bidi override, combining
# marks, emoji, a huge string, an injection attempt.
ODD_TEXT = (
    "",
    " ",
    "\x00",
    "\ud800",  # lone surrogate (SQLite cannot even encode it)
    "\udc00",  # a low one: crashed argon2 as a secret answer or current password (SEC-4)
    "Grenoble\udfff",  # a lone surrogate after valid text
    "\u202e" + "evil",  # right-to-left override
    "e\u0301" * 30,
    "🔥" * 30,
    "x" * 100_000,
    "99999999999999999999",
    "'; DROP TABLE accounts; --",
)


def nested(depth: int) -> Any:
    """A list (or object) nested ``depth`` deep: about 1000 crashed the server's JSON parser."""
    value: Any = "x"
    for level in range(depth):
        value = [value] if level % 2 else {"a": value}
    return value


def deep_values() -> st.SearchStrategy[Any]:
    """Values nested from a little to far too deep (SEC-4)."""
    return st.integers(min_value=1, max_value=1500).map(nested)


def odd(*extra: str) -> st.SearchStrategy[str]:
    """The common odd texts plus those that matter to one area (amounts, card numbers…)."""
    return st.sampled_from([*ODD_TEXT, *extra])


def anything(
    odd_texts: st.SearchStrategy[str], *more: st.SearchStrategy[Any]
) -> st.SearchStrategy[Any]:
    """Arbitrary text, the odd texts, and values of every wrong type."""
    return st.one_of(
        st.text(max_size=300),
        odd_texts,
        st.none(),
        st.integers(),
        st.booleans(),
        st.floats(),
        st.binary(max_size=20),
        st.lists(st.integers(), max_size=3),
        deep_values(),
        *more,
    )


def fuzz(max_examples: int = 40) -> Any:
    """Hypothesis settings for tests that build a fresh backend per example."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
