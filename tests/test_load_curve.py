"""What a load curve says (issue 15): peaks and standby baseline on generated curves whose
answers are known, and the baseline's yearly cost — no terminal, no backend."""

from __future__ import annotations

import random
from datetime import date

from geg_tui.api.models import Energy, Register, Tariff
from geg_tui.fake_backend import prices
from geg_tui.tariffs import curve

FIRST = date(2026, 3, 2)


def generated(days: int, seed: int = 7) -> tuple[list[int], list[tuple[int, int]], list[int]]:
    """A noisy curve with, each day, one known peak (its slot and W) and one known night floor.

    Every value is drawn between the day's floor + 1 and its peak - 1, then the floor is put in
    one night half-hour and the peak in one half-hour of the day.
    """
    rng = random.Random(seed)
    watts: list[int] = []
    peaks: list[tuple[int, int]] = []
    floors: list[int] = []
    for _ in range(days):
        floor = rng.randint(150, 400)
        top = rng.randint(3_000, 8_000)
        values = [rng.randint(floor + 1, top - 1) for _ in range(48)]
        values[rng.randrange(0, 12)] = floor
        peak_slot = rng.randrange(12, 48)
        values[peak_slot] = top
        watts.extend(values)
        peaks.append((peak_slot, top))
        floors.append(floor)
    return watts, peaks, floors


def test_conso_1_peak_of_each_day_and_of_the_period() -> None:
    watts, known, _ = generated(7)
    peaks = curve.day_peaks(FIRST, watts)
    assert [(p.slot, p.watts) for p in peaks] == known
    assert [p.day for p in peaks] == [date(2026, 3, d) for d in range(2, 9)]
    best = curve.period_peak(FIRST, watts)
    top = max(w for _, w in known)
    assert best is not None and best.watts == top
    assert best.day == peaks[[w for _, w in known].index(top)].day  # the first of a tie
    assert curve.Peak(FIRST, 39, 1).time == "19:30" and curve.Peak(FIRST, 0, 1).time == "00:00"
    assert curve.period_peak(FIRST, []) is None


def test_conso_1_baseline_is_the_median_night_floor() -> None:
    watts, _, floors = generated(7)
    assert curve.baseline_watts(watts) == sorted(floors)[3]
    # One night away (a lower floor) or one night of heating (higher) does not move it much:
    # the median of an odd count is one of the floors, never pulled by an extreme one.
    away = list(watts)
    away[0:12] = [5] * 12
    assert curve.baseline_watts(away) in floors
    # Only the night counts: a low value in the afternoon is not the standby baseline.
    flat = [500] * 48
    flat[30] = 10
    assert curve.baseline_watts(flat) == 500
    assert curve.baseline_watts([]) is None


def test_conso_1_power_needed_and_off_peak_hours() -> None:
    assert curve.kva_needed(5_999, (6, 9, 12)) == 6
    assert curve.kva_needed(6_001, (12, 6, 9)) == 9
    assert curve.kva_needed(12_500, (6, 9, 12)) is None
    assert [s for s in range(48) if curve.is_off_peak(s)] == list(curve.HC_SLOTS)
    assert len(curve.HC_SLOTS) == 16  # 8 hours: 22:00–06:00


def test_conso_1_baseline_yearly_cost_by_hand() -> None:
    """100 W for 8 760 h = 876 kWh, priced as an invoice line would be: energy and accise each
    rounded to the cent, then VAT 20 % on their sum."""
    row = prices.price_at(Tariff.BLUE_BASE, date(2026, 9, 1))  # 0,1317 €/kWh; 29,98 €/MWh
    energy, accise = round(876 * 13.17), round(0.876 * 2998)  # cents: 11 537 and 2 626
    assert curve.baseline_yearly_cost(100, Tariff.BLUE_BASE, row) == 14_163 + 2_833
    assert (energy, accise) == (11_537, 2_626)
    hphc = prices.price_at(Tariff.BLUE_HPHC, date(2026, 9, 1))  # 0,14329 and 0,10668 €/kWh
    hp, hc = round(584 * 14.329), round(292 * 10.668)  # 16 h and 8 h a day
    excl = hp + hc + round(0.876 * 2998)
    assert curve.baseline_yearly_cost(100, Tariff.BLUE_HPHC, hphc) == excl + round(excl * 0.2)


def test_conso_1_daily_registers_of_a_curve() -> None:
    watts, _, _ = generated(3)
    daily = curve.daily_wh(watts, Tariff.BLUE_HPHC)
    base = curve.daily_wh(watts, Tariff.BLUE_BASE)[Register.BASE]
    for day in range(3):
        assert daily[Register.HP][day] + daily[Register.HC][day] in (base[day], base[day] - 1)
    assert (
        prices.published(Energy.ELECTRICITY).rows(Tariff.BLUE_BASE)
        == prices.PRICE_TABLES[Tariff.BLUE_BASE]
    )
