"""Tariff arithmetic shared by the backend that bills and the client that simulates (issue 15).

Why its own package: the fake backend bills invoices with it and the simulator screen prices the
customer's own load curve with it, so « what would this option have cost » and « what the invoice
said » are the same code and cannot drift. It imports neither Textual nor ``fake_backend``: the
client uses it against any backend, with the price grid that backend publishes
(``Backend.price_tables``).

- ``grid``: which dated row of a price table applies to a day, and where a period is cut;
- ``billing``: the lines and totals of an invoice (INV-2), the monthly instalment (DEBIT-4);
- ``curve``: what a 30-minute load curve says (peaks, standby baseline, HP/HC split);
- ``simulate``: the yearly cost of each option and power from a year of curve.
"""
