"""The invoice PDF: INV-3 (5 years, own invoices only) and INV-4 (what it shows).

Text extraction. ``pdftotext`` is not installed here and no new dependency may be added (pypdf is
not one of ours), so the test reads the PDF with the small standard-library reader below:
it inflates the FlateDecode content streams and maps each font's 2-byte glyph codes back to
Unicode through the font's ``/ToUnicode`` CMap — exactly what a PDF viewer does when one copies
text. It does not use fpdf, so a bug in how fpdf2 is driven cannot hide itself, and it
only understands what fpdf2 writes (literal or hex strings shown with ``Tj``/``TJ``).
"""

from __future__ import annotations

import logging
import re
import subprocess
import sys
import zlib
from datetime import timedelta

import pytest

from geg_tui.api.errors import NotFound
from geg_tui.api.models import InvoiceStatus
from geg_tui.fake_backend import pdf
from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.fake_backend.dates import five_years_before
from geg_tui.formatting import NBSP, format_date, format_money
from geg_tui.labels import french_label

# --- a minimal PDF text reader ---------------------------------------------------------------

_OBJ = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)


def _objects(data: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Object number → (dictionary text, decoded stream or None)."""
    out: dict[int, tuple[bytes, bytes | None]] = {}
    for match in _OBJ.finditer(data):
        body = match.group(2)
        stream = _STREAM.search(body)
        head = body[: stream.start()] if stream else body
        content = None
        if stream:
            content = stream.group(1)
            if b"/FlateDecode" in head:
                content = zlib.decompress(content)
        out[int(match.group(1))] = (head, content)
    return out


def _cmap(text: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, dst in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            start = int(dst, 16)
            for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                mapping[code] = chr(start + offset)
    return mapping


def _literal(raw: bytes) -> bytes:
    """Undo PDF literal-string escapes."""
    out = bytearray()
    i = 0
    escapes = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
    while i < len(raw):
        ch = raw[i : i + 1]
        if ch != b"\\":
            out += ch
            i += 1
            continue
        nxt = raw[i + 1 : i + 2]
        if nxt in escapes:
            out += escapes[nxt]
            i += 2
        elif nxt.isdigit():
            octal = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
            assert octal is not None
            out.append(int(octal.group(0), 8) & 0xFF)
            i += 1 + len(octal.group(0))
        else:
            out += nxt
            i += 2
    return bytes(out)


_TOKENS = re.compile(rb"/(\w+)\s+[\d.]+\s+Tf|\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>|\bET\b", re.S)


def pdf_text(data: bytes) -> str:
    """The text of every page, one line per text object (BT … ET)."""
    assert data.startswith(b"%PDF-")
    objects = _objects(data)
    fonts: dict[bytes, dict[int, str]] = {}
    for head, _ in objects.values():
        for name, ref in re.findall(rb"/(F\d+) (\d+) 0 R", head):
            font_head = objects[int(ref)][0]
            to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", font_head)
            if to_unicode:
                fonts[name] = _cmap(objects[int(to_unicode.group(1))][1] or b"")
    lines: list[str] = []
    for head, content in objects.values():
        if content is None or b"/Length1" in head or b"BT" not in content:
            continue
        current: dict[int, str] = {}
        line = ""
        for token in _TOKENS.finditer(content):
            tok = token.group(0)
            if token.group(1):
                current = fonts.get(token.group(1), {})
            elif tok == b"ET":
                if line:
                    lines.append(line)
                line = ""
            else:
                raw = (
                    bytes.fromhex(re.sub(rb"\s", b"", tok[1:-1]).decode())
                    if tok.startswith(b"<")
                    else _literal(tok[1:-1])
                )
                codes = [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)]
                line += "".join(current.get(code, "\ufffd") for code in codes)
    return "\n".join(lines)


# --- helpers ------------------------------------------------------------------------------------


def flat(text: str) -> str:
    """Whitespace collapsed: a long label wraps over two lines of its table cell."""
    return " ".join(text.replace(NBSP, " ").split())


async def login(backend: FakeBackend, demo_credentials: dict[str, str]) -> str:
    return (await backend.login(demo_credentials["email"], demo_credentials["password"])).token


def old_invoice_ref(backend: FakeBackend, email: str) -> str:
    limit = five_years_before(backend.clock.today()).isoformat()
    with backend.store.transaction() as db:
        row = db.one(
            "SELECT i.ref FROM invoices i JOIN contracts c ON c.id = i.contract_id "
            "JOIN accounts a ON a.customer_id = c.customer_id WHERE a.email = ? "
            "AND i.issue_date < ? ORDER BY i.issue_date DESC LIMIT 1",
            (email, limit),
        )
    assert row is not None, "the demo history goes back 6 years (SIM-3)"
    return row["ref"]


# --- INV-4 --------------------------------------------------------------------------------------


async def test_inv_4_pdf_shows_reference_contract_and_total_as_in_the_app(
    backend: FakeBackend, demo_credentials
) -> None:
    """Must-show: the PDF of a demo invoice contains its reference, the contract reference and
    the total as printed in the app (the text is extracted from the PDF)."""
    token = await login(backend, demo_credentials)
    summary = (await backend.list_invoices(token, status=InvoiceStatus.OVERDUE)).invoices[0]
    invoice = await backend.get_invoice(token, summary.ref)
    account = await backend.account(token)
    contract = next(c for c in account.contracts if c.ref == invoice.contract_ref)

    data = await backend.invoice_pdf(token, invoice.ref)
    text = pdf_text(data)

    assert invoice.ref in text
    assert contract.ref in text
    assert format_money(invoice.total) in text  # « 1 234,56 € » with its no-break spaces
    # The customer, the contract and its delivery point.
    assert account.identity.display in text
    assert contract.delivery_point in text
    assert contract.address.street in text or contract.address.one_line in text
    # The invoice: kind, period, issue and due dates, payment mode.
    assert french_label(invoice.kind) in text
    assert format_date(invoice.period_start) in text and format_date(invoice.period_end) in text
    assert format_date(invoice.issue_date) in text and format_date(invoice.due_date) in text
    assert french_label(contract.payment_mode) in text
    # Every line and the totals. In table cells fpdf2's line breaker draws a no-break space as
    # an ordinary space glyph (it still never breaks there) and long labels wrap, hence ``flat``.
    assert invoice.lines
    for line in invoice.lines:
        assert flat(line.label) in flat(text)
        assert flat(format_money(line.amount)) in flat(text)
    for label, amount in (
        ("Total HT", invoice.amount_excl_tax),
        ("TVA", invoice.vat),
        ("Total TTC", invoice.total),
    ):
        assert label in text and format_money(amount) in text
    # The readings used.
    assert invoice.readings
    for reading in invoice.readings:
        assert french_label(reading.register) in text
        assert french_label(reading.kind) in text
        assert format_date(reading.current_date) in text
    # French characters and the euro sign came out as themselves, not as replacement glyphs.
    assert "€" in text and "é" in text and NBSP in text and "\ufffd" not in text


async def test_inv_4_pdf_of_a_direct_debit_invoice_shows_debit_date_and_lines(
    backend: FakeBackend, demo_credentials
) -> None:
    token = await login(backend, demo_credentials)
    summary = (await backend.list_invoices(token, status=InvoiceStatus.DEBIT_SCHEDULED)).invoices[0]
    invoice = await backend.get_invoice(token, summary.ref)
    text = pdf_text(await backend.invoice_pdf(token, invoice.ref))
    assert invoice.debit_date is not None
    assert f"Prélèvement le {format_date(invoice.debit_date)}" in text
    assert "mensuel" in text.lower()
    for line in invoice.lines:
        assert flat(line.label) in flat(text)


async def test_inv_4_pdf_of_a_paid_invoice_asks_for_nothing(
    backend: FakeBackend, demo_credentials
) -> None:
    """A copy of a paid invoice downloaded later says it is paid, never « À régler avant »."""
    token = await login(backend, demo_credentials)
    paid = (await backend.list_invoices(token, status=InvoiceStatus.PAID)).invoices[0]
    text = pdf_text(await backend.invoice_pdf(token, paid.ref))
    assert "À régler" not in text
    assert f"Payée : rien à régler (échéance du {format_date(paid.due_date)})." in text
    unpaid = (await backend.list_invoices(token, status=InvoiceStatus.OVERDUE)).invoices[0]
    text = pdf_text(await backend.invoice_pdf(token, unpaid.ref))
    assert f"À régler avant le {format_date(unpaid.due_date)}" in text


async def test_inv_4_pdf_is_deterministic(backend: FakeBackend, demo_credentials) -> None:
    token = await login(backend, demo_credentials)
    ref = (await backend.list_invoices(token)).invoices[0].ref
    assert await backend.invoice_pdf(token, ref) == await backend.invoice_pdf(token, ref)


def test_inv_4_pdf_module_does_not_import_fpdf_until_used() -> None:
    code = "import sys, geg_tui.fake_backend.pdf; print('fpdf' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_inv_4_font_and_licence_bundled() -> None:
    names = {p.name for p in pdf.FONT_DIR.iterdir()}
    assert set(pdf.FONT_FILES.values()) <= names
    licence = (pdf.FONT_DIR / "LICENSE-DejaVu.txt").read_text()
    assert "Bitstream" in licence and "DejaVu" in licence
    # How the subsets were made, so that anyone can regenerate them.
    assert "pyftsubset" in (pdf.FONT_DIR / "README.md").read_text()


# What French invoices print: accents, ligature, guillemets, apostrophe, ellipsis, bullet, euro,
# digits and the two no-break spaces (U+00A0 in amounts, U+202F before « ; : ! ? »).
FRENCH = "é è à ç ô œ Œ É « » € ’ … • – 0123456789 \u00a0\u202f"


def test_inv_4_bundled_fonts_are_the_small_subsets_and_cover_french() -> None:
    """The shipped fonts are the pre-made subsets (the full 700 kB fonts made the first PDF of a
    process take over a second), and they still have every glyph a French invoice needs."""
    from fontTools.ttLib import TTFont

    wanted = {ord(ch) for ch in FRENCH if ch != " "} | {0x20}
    wanted |= {lo for lo, _ in pdf.GLYPH_RANGES} | {0x0219, 0x1EC5}  # ș, ễ
    for filename in pdf.FONT_FILES.values():
        path = pdf.FONT_DIR / filename
        assert path.stat().st_size < 200_000, f"{filename} is not the subset"
        font = TTFont(path, lazy=True)
        cmap = font.getBestCmap()
        assert not wanted - set(cmap), f"{filename} lacks {sorted(wanted - set(cmap))}"
        assert font["name"].getDebugName(1) == "DejaVu Sans"
        assert all(
            "Bitstream" not in name and "Vera" not in name
            for name in (font["name"].getDebugName(i) for i in (1, 3, 4, 6, 16))
            if name
        )


async def test_inv_4_french_text_renders_without_missing_glyphs(
    backend: FakeBackend, demo_credentials, caplog: pytest.LogCaptureFixture
) -> None:
    token = await login(backend, demo_credentials)
    ref = (await backend.list_invoices(token)).invoices[0].ref
    street = f"« Cœur » l’Île… • ç ô è à {format_money(123456)} 1\u202f234 Ștefan Nguyễn"
    with backend.store.transaction() as db:
        db.execute(
            "UPDATE customers SET street = ? WHERE id = "
            "(SELECT customer_id FROM accounts WHERE email = ?)",
            (street, demo_credentials["email"]),
        )
    with caplog.at_level(logging.WARNING):
        text = pdf_text(await backend.invoice_pdf(token, ref))
    assert "1\u00a0234,56\u00a0€" in street
    assert street in text.splitlines()
    assert "\ufffd" not in text
    assert not [r for r in caplog.records if "missing" in r.getMessage().lower()]


# --- INV-3 --------------------------------------------------------------------------------------


async def test_inv_3_invoice_older_than_5_years_neither_listed_nor_downloadable(
    backend: FakeBackend, demo_credentials
) -> None:
    token = await login(backend, demo_credentials)
    old = old_invoice_ref(backend, demo_credentials["email"])
    listed = await backend.list_invoices(token)
    assert old not in {i.ref for i in listed.invoices}
    limit = five_years_before(backend.clock.today())
    assert all(i.issue_date >= limit for i in listed.invoices)
    for ask in (backend.invoice_pdf, backend.get_invoice):
        with pytest.raises(NotFound) as err:
            await ask(token, old)
        # Her own invoice: she is told why it is gone, and where a copy can be had.
        assert err.value.code == "facture_trop_ancienne"
        assert "plus de 5 ans" in err.value.message and "service client" in err.value.message
    # The oldest listed invoice is still downloadable.
    oldest = min(listed.invoices, key=lambda i: i.issue_date)
    assert oldest.ref in pdf_text(await backend.invoice_pdf(token, oldest.ref))


async def test_inv_3_auth_6_another_customers_or_unknown_invoice_not_found(
    backend: FakeBackend, demo_credentials
) -> None:
    token = await login(backend, demo_credentials)
    with backend.store.transaction() as db:
        other = db.scalar(
            "SELECT i.ref FROM invoices i JOIN contracts c ON c.id = i.contract_id "
            "WHERE c.customer_id NOT IN (SELECT customer_id FROM accounts WHERE email = ?) "
            "AND i.issue_date <= ? ORDER BY i.issue_date DESC LIMIT 1",
            (demo_credentials["email"], backend.clock.today().isoformat()),
        )
    for ref in (other, "000000000000", "", None, 12, "x" * 10_000, "\x00"):
        for ask in (backend.invoice_pdf, backend.get_invoice):
            with pytest.raises(NotFound) as err:
                await ask(token, ref)  # type: ignore[arg-type]
            # Someone else's invoice reads exactly like one that does not exist: « introuvable »,
            # never the 5-year reason (which would be false, and would tell it exists).
            assert err.value.code == "invoice_not_found", ref
            assert err.value.message.startswith("Facture introuvable"), ref
            assert "5 ans" not in err.value.message and "5 dernières" not in err.value.message


async def test_inv_3_invoice_issued_in_the_future_not_downloadable(
    backend: FakeBackend, demo_credentials
) -> None:
    token = await login(backend, demo_credentials)
    ref = (await backend.list_invoices(token)).invoices[0].ref
    tomorrow = backend.clock.today() + timedelta(days=1)
    with backend.store.transaction() as db:
        db.execute("UPDATE invoices SET issue_date = ? WHERE ref = ?", (tomorrow.isoformat(), ref))
    with pytest.raises(NotFound):
        await backend.invoice_pdf(token, ref)
