"""Shared pieces of the SEC-4 property tests: odd inputs, value strategies, hypothesis settings."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Text that has broken parsers before: empty, NUL, a lone surrogate, bidi override, combining
# marks, emoji, a huge string, an injection attempt.
ODD_TEXT = (
    "",
    " ",
    "\x00",
    "\ud800",  # lone surrogate (SQLite cannot even encode it)
    "\u202e" + "evil",  # right-to-left override
    "e\u0301" * 30,
    "🔥" * 30,
    "x" * 100_000,
    "99999999999999999999",
    "'; DROP TABLE accounts; --",
)


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
        *more,
    )


def fuzz(max_examples: int = 40) -> Any:
    """Hypothesis settings for tests that build a fresh backend per example."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
