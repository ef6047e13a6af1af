"""What the customer's own figures say, computed on the client from ``Backend`` operations only:
why an invoice differs from an earlier one (``explain``), what the yearly settlement of a
monthly direct debit is heading for (``forecast``). No Textual here: the arithmetic is tested
without a terminal, and a screen only lays out its results."""
