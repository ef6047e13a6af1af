"""What a 30-minute load curve says (issue 15): peaks, standby baseline, HP/HC split.

Plain functions over the tuple of watts of a ``LoadCurve`` (48 values a day, average W of each
half-hour, slot 0 = 00:00–00:30 Paris), so the screens only draw and the tests check the numbers
on generated curves without any terminal.

- Peak: the highest half-hour average of a day (or of the period), against the subscribed power.
  A meter trips on the instantaneous power, which a 30-minute average smooths: the screen says the
  peak is an average, and ``kva_needed`` takes kVA as kW (a power factor of 1, what a home with
  resistive heating is close to).
- Standby baseline (« talon »): what the home draws when nobody uses anything — fridge, boxes,
  standby. Measured as the median, over the days, of each night's lowest half-hour between 00:00
  and 06:00; the median so that one night away from home (or one night of heating) does not make
  it. Its yearly energy is that power around the clock.
- HP/HC: off-peak hours are 22:00–06:00 (``HC_SLOTS``), the hours the fake backend bills as
  « heures creuses »; the same constant splits a curve for the simulator.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median_low

from geg_tui.api.models import PriceRow, Register, Tariff
from geg_tui.tariffs import billing

SLOTS_PER_DAY = 48
HC_SLOTS = (*range(0, 12), *range(44, 48))  # 22:00–06:00 Paris
HP_FIRST, HP_END = 12, 44  # slots 12..43: 06:00–22:00
NIGHT_SLOTS = range(0, 12)  # 00:00–06:00: where the baseline is looked for
HOURS_PER_YEAR = 24 * 365


@dataclass(frozen=True, slots=True)
class Peak:
    """The highest half-hour average power of a span: ``watts`` W on ``day`` at ``slot``."""

    day: date
    slot: int
    watts: int

    @property
    def time(self) -> str:
        """The half-hour's start, « HH:MM »."""
        return f"{self.slot // 2:02d}:{30 * (self.slot % 2):02d}"


def is_off_peak(slot: int) -> bool:
    """Whether half-hour ``slot`` is in the off-peak hours (22:00–06:00)."""
    return slot < HP_FIRST or slot >= HP_END


def day_values(watts: Sequence[int], index: int) -> Sequence[int]:
    """The 48 values of day ``index`` of a flat curve."""
    return watts[SLOTS_PER_DAY * index : SLOTS_PER_DAY * (index + 1)]


def day_peaks(start: date, watts: Sequence[int]) -> list[Peak]:
    """The peak of each whole day of the curve (the first half-hour when several tie)."""
    peaks = []
    for index in range(len(watts) // SLOTS_PER_DAY):
        values = day_values(watts, index)
        top = max(values)
        peaks.append(Peak(start + timedelta(days=index), values.index(top), top))
    return peaks


def period_peak(start: date, watts: Sequence[int]) -> Peak | None:
    """The highest of the day peaks (the earliest when several tie); ``None`` for no day."""
    peaks = day_peaks(start, watts)
    return max(peaks, key=lambda p: p.watts) if peaks else None  # max keeps the first


def baseline_watts(watts: Sequence[int]) -> int | None:
    """The standby baseline: the median of each night's lowest half-hour (00:00–06:00)."""
    days = len(watts) // SLOTS_PER_DAY
    if not days:
        return None
    floors = [min(day_values(watts, i)[NIGHT_SLOTS.start : NIGHT_SLOTS.stop]) for i in range(days)]
    return median_low(floors)


def kva_needed(peak_watts: int, offered: Sequence[int]) -> int | None:
    """The smallest offered power (kVA, taken as kW) above ``peak_watts``; ``None`` if none is."""
    fitting = [kva for kva in sorted(offered) if kva * 1000 >= peak_watts]
    return fitting[0] if fitting else None


def register_wh(values: Sequence[int], tariff: Tariff) -> dict[Register, int]:
    """One day's energy per register of ``tariff`` from its 48 half-hour averages (W × ½ h)."""
    hp2 = sum(values[HP_FIRST:HP_END])
    total2 = sum(values)
    if tariff is Tariff.BLUE_HPHC:
        return {Register.HP: hp2 // 2, Register.HC: (total2 - hp2) // 2}
    return {Register.BASE: total2 // 2}


def daily_wh(watts: Sequence[int], tariff: Tariff) -> dict[Register, list[int]]:
    """Per register of ``tariff``, the Wh of each whole day of a flat curve."""
    out: dict[Register, list[int]] = {}
    for index in range(len(watts) // SLOTS_PER_DAY):
        for register, wh in register_wh(day_values(watts, index), tariff).items():
            out.setdefault(register, []).append(wh)
    return out


def baseline_yearly_cost(watts: int, tariff: Tariff, row: PriceRow) -> int:
    """What ``watts`` around the clock for a year costs in energy and accise, VAT included, at
    ``row``'s prices, rounded as an invoice would (cents; HP/HC: the 16 peak hours of each day
    at the peak price, the 8 off-peak ones at the off-peak price)."""
    yearly_wh = watts * HOURS_PER_YEAR
    if tariff is Tariff.BLUE_HPHC:
        off_peak = watts * len(HC_SLOTS) // 2 * 365
        shares = {Register.HP: yearly_wh - off_peak, Register.HC: off_peak}
    else:
        shares = {Register.BASE: yearly_wh}
    return billing.energy_cost(tariff, row, shares)
