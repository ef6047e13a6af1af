"""French formatting helpers: amounts, energy, dates and times as a Grenoble customer reads them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from geg_tui.formatting import (
    format_date,
    format_datetime,
    format_kwh,
    format_long_date,
    format_money,
    format_time,
)

NB = "\u00a0"


@pytest.mark.parametrize(
    ("cents", "text"),
    [
        (0, "0,00 €"),
        (5, "0,05 €"),
        (12345, "123,45 €"),
        (123456, "1 234,56 €"),
        (123456789, "1 234 567,89 €"),
        (-1230, "-12,30 €"),
    ],
)
def test_money(cents: int, text: str) -> None:
    assert format_money(cents) == text.replace(" ", NB)


def test_money_without_symbol() -> None:
    assert format_money(123456, symbol=False) == f"1{NB}234,56"


@pytest.mark.parametrize(
    ("wh", "decimals", "text"),
    [
        (0, 0, "0 kWh"),
        (499, 0, "0 kWh"),
        (500, 0, "1 kWh"),
        (1_234_400, 0, "1 234 kWh"),
        (1_250, 1, "1,3 kWh"),
        (-2_000, 0, "-2 kWh"),
    ],
)
def test_kwh(wh: int, decimals: int, text: str) -> None:
    assert format_kwh(wh, decimals=decimals) == text.replace(" ", NB)


def test_dates_and_times_in_paris() -> None:
    winter = datetime(2026, 11, 27, 13, 5, tzinfo=UTC)  # UTC+1
    summer = datetime(2026, 7, 14, 22, 30, tzinfo=UTC)  # UTC+2, next day in Paris
    assert format_date(date(2026, 1, 2)) == "02/01/2026"
    assert format_time(winter) == "14h05"
    assert format_datetime(winter) == "27/11/2026 à 14h05"
    assert format_datetime(summer) == "15/07/2026 à 00h30"
    assert format_long_date(date(2026, 8, 1)) == "1 août 2026"
