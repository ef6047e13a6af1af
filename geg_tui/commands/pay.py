"""``geg-tui payer REF``: pay an invoice by card, the card typed at the keyboard only.

The card is never read from an argument, a file or a pipe (it would stay in the shell's
history, ``ps`` or a file): the command refuses to run without a terminal. The number and the
security code are typed with no echo (getpass); the same checks as the TUI's form run first
(``widgets/card.check``, PAY-2), and a wrong field is asked again, the others kept.

PAY-4 as in the TUI (``screens/payment.py``): one idempotency key for the run. When the
answer is lost (``OutcomeUnknown``), the same request is sent again (same key: never charged
twice); while those answers are lost too, the invoice is read: paid by this card, its receipt;
settled otherwise, said so; still to pay, the outcome is unknown (status 3), never « not paid ».
SEC-3: the card lives in this process's memory only, never printed, logged or kept.
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from typing import TYPE_CHECKING

from geg_tui.commands import login
from geg_tui.commands.common import (
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_UNAVAILABLE,
    Context,
    UsageError,
    day,
    money,
    print_json,
)
from geg_tui.i18n import _

if TYPE_CHECKING:
    from datetime import date

    from geg_tui.api.models import CardPayment, Invoice, Payment
    from geg_tui.widgets.card import CardForm

#: Seconds before each new send of a payment whose answer was lost (PAY-4), then the invoice is
#: read; a test shortens them.
RESEND_AFTER: tuple[float, ...] = (1.0, 2.0, 5.0)
ROUNDS = 3  # a wrong field is asked again at most this many times in all
FIELDS = ("card_number", "expiry", "security_code", "holder")


async def pay(ctx: Context) -> int:
    if not login.interactive():
        raise UsageError(
            _(
                "le paiement par carte se saisit au clavier, dans un terminal : la carte n'est "
                "jamais lue d'un argument, d'un fichier ou d'un tube."
            )
        )
    token = await ctx.token()
    invoice = await ctx.backend.get_invoice(token, ctx.args.ref.strip())
    # PAY-1 as the invoice list says it (its words: a debit to come, a credit, already paid),
    # before a card is asked for nothing.
    from geg_tui.screens.invoices import PAYABLE, why_not_payable

    if invoice.status not in PAYABLE:
        message = why_not_payable(invoice)
        print(_("Refusé : {message}").format(message=message), file=sys.stderr)
        return EXIT_REFUSED
    print(
        _("Facture n° {ref} : {amount} à payer avant le {due}.").format(
            ref=invoice.ref, amount=money(invoice.balance), due=day(invoice.due_date)
        ),
        file=sys.stderr,
    )
    from geg_tui.formats import PARIS

    today = (await ctx.backend.server_time()).astimezone(PARIS).date()  # GEG's day, not ours
    form = ask_card(today)
    if not confirmed(invoice, form):
        print(_("Paiement annulé : rien n'a été envoyé."), file=sys.stderr)
        return EXIT_OK
    request = _request(invoice, form)
    del form  # SEC-3: the request alone holds the card, for the time of the sends
    return await send(ctx, token, request)


def ask_card(today: date) -> CardForm:
    """The card, asked field by field; a wrong one asked again with its message (PAY-2)."""
    from geg_tui.widgets.card import CardForm, check, format_expiry

    values = dict.fromkeys(FIELDS, "")
    wrong: dict[str, str] = dict.fromkeys(FIELDS, "")
    for _round in range(ROUNDS):
        for name in FIELDS:
            if name not in wrong:
                continue
            if wrong[name]:
                print(f"✗ {wrong[name]}", file=sys.stderr)
            values[name] = _ask_field(name)
        values["expiry"] = format_expiry(values["expiry"])
        form = CardForm(
            number=values["card_number"],
            expiry=values["expiry"],
            code=values["security_code"].strip(),
            holder=values["holder"],
        )
        wrong = check(form, today)
        if not wrong:
            return form
    for message in wrong.values():
        print(f"✗ {message}", file=sys.stderr)
    raise UsageError(_("carte refusée par les vérifications : rien n'a été envoyé."))


def _ask_field(name: str) -> str:
    """One field: the number and the code with no echo, the others visible."""
    prompts = {
        "card_number": _("Numéro de carte (masqué) : "),
        "expiry": _("Date d'expiration (MM/AA) : "),
        "security_code": _("Cryptogramme (masqué) : "),
        "holder": _("Titulaire de la carte : "),
    }
    ask = login.ask_secret if name in ("card_number", "security_code") else login.ask_text
    return login.asked(ask, prompts[name])


def confirmed(invoice: Invoice, form: CardForm) -> bool:
    """The last word before anything is sent: amount, invoice and card (last 4 digits only)."""
    from geg_tui.labels import label_of

    brand = label_of(form.brand) if form.brand is not None else "?"
    answer = login.asked(
        login.ask_text,
        _("Payer {amount} (facture n° {ref}) avec la carte {brand} •••• {last4} ? [o/N] ").format(
            amount=money(invoice.balance), ref=invoice.ref, brand=brand, last4=form.digits[-4:]
        ),
    )
    return answer.strip().lower() in ("o", "oui", "y", "yes")


def _request(invoice: Invoice, form: CardForm) -> CardPayment:
    from geg_tui.api.models import CardPayment

    month, year = form.expiry_parts()
    return CardPayment(
        invoice_ref=invoice.ref,
        card_number=form.digits,
        expiry_month=month,
        expiry_year=year,
        security_code=form.code,
        holder=form.holder.strip(),
        idempotency_key=str(uuid.uuid4()),  # PAY-4: one key for every send of this request
    )


async def send(ctx: Context, token: str, request: CardPayment) -> int:
    """Send, and on a lost answer send the same request again, then read the invoice."""
    from geg_tui.api.errors import BackendUnavailable, OutcomeUnknown

    try:
        payment = await ctx.backend.pay_invoice(token, request)
    except OutcomeUnknown:  # a service that never got it (BackendUnavailable) is status 3 as is
        payment = None
    if payment is None:
        print(_("La réponse du service s'est perdue : vérification…"), file=sys.stderr)
        for pause in RESEND_AFTER:
            await asyncio.sleep(pause)
            try:
                payment = await ctx.backend.pay_invoice(token, request)
            except BackendUnavailable:  # lost again, or not sent: the first may still count
                continue
            break
    if payment is None:
        return await read_outcome(ctx, token, request)
    receipt(ctx, payment)
    return EXIT_OK


async def read_outcome(ctx: Context, token: str, request: CardPayment) -> int:
    """Every answer was lost: the invoice says what it can (PAY-4), never « not paid »."""
    from geg_tui.api.errors import BackendUnavailable
    from geg_tui.api.models import InvoiceStatus

    unknown = _(
        "Nous ne savons pas si le paiement de la facture n° {ref} a abouti : la réponse du "
        "service GEG ne nous est pas parvenue, et la facture n'apparaît pas encore payée (il "
        "peut être en cours de traitement). Consultez « geg-tui factures » dans quelques "
        "minutes avant de payer à nouveau."
    ).format(ref=request.invoice_ref)
    try:
        invoice = await ctx.backend.get_invoice(token, request.invoice_ref)
        if invoice.status is InvoiceStatus.PAID:
            last4, expiry = (
                request.card_number[-4:],
                f"{request.expiry_month}/{request.expiry_year}",
            )
            for payment in await ctx.backend.list_payments(token):
                if (payment.invoice_ref, payment.last4, payment.expiry) == (
                    invoice.ref,
                    last4,
                    expiry,
                ):
                    receipt(ctx, payment)
                    return EXIT_OK
    except BackendUnavailable:
        print(unknown, file=sys.stderr)
        return EXIT_UNAVAILABLE
    if invoice.status in (
        InvoiceStatus.PAID,
        InvoiceStatus.DEBITED,
        InvoiceStatus.REFUND_DUE,
        InvoiceStatus.REFUNDED,
    ):
        print(
            _(
                "Le service GEG répond à nouveau : cette facture est déjà réglée, mais pas par "
                "ce paiement-ci. Aucun paiement n'est nécessaire."
            ),
            file=sys.stderr,
        )
        return EXIT_OK
    print(unknown, file=sys.stderr)
    return EXIT_UNAVAILABLE


def receipt(ctx: Context, payment: Payment) -> None:
    from geg_tui.formats import format_datetime
    from geg_tui.labels import label_of

    if ctx.as_json:
        print_json(payment)
        return
    print(_("Paiement accepté."))
    print(_("Facture n° {ref} : payée").format(ref=payment.invoice_ref))
    print(_("Montant débité : {amount}").format(amount=money(payment.amount)))
    print(
        _("Carte : {brand} se terminant par {last4} (exp. {expiry})").format(
            brand=label_of(payment.brand), last4=payment.last4, expiry=payment.expiry
        )
    )
    print(_("Le {when}").format(when=format_datetime(payment.paid_at)))
    print(_("Référence de la transaction : {tx}").format(tx=payment.transaction_ref))
