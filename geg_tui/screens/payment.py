"""Paying an invoice by card (PAY-1…PAY-5), then the receipt.

The form: the card number grouped by 4 and masked as typed but for its last 4 digits, the brand
recognised as it is typed, the expiry (MM/AA), the security code hidden, the holder. Every field
is checked here first (PAY-2); nothing is sent while one is wrong.

PAY-4: one idempotency key (uuid4) per payment attempt. The key is kept while the form holds the
same card and invoice, so sending again after a timeout or an unavailable service replays the same
request and the backend never charges twice; changing the card starts a new attempt (new key).
A request already sent is sent again as it was, even if the card has expired since (the backend
returns its first outcome).

PAY-4: never say something that may be false. When the answer of a payment is lost
(``OutcomeUnknown``: a timeout, the connection cut after the server may have charged), the screen
says that the outcome is unknown and that sending again is safe, then checks, with a backoff:

- it sends the same request again, with the same key (the backend returns the first outcome and
  never charges twice). The server's answer to it is final: a payment is the receipt; a refusal
  is shown in the server's own words (only a refusal may say that nothing was charged);
- if that answer is lost too, it reads the invoice: paid by a payment of this card (brand, last 4
  digits, expiry: known here without keeping the number), that payment's receipt; settled
  otherwise, it says so (another payment is never shown as this one); not paid yet, it says the
  outcome is still unknown — the request may still be on its way — and checks again.

An unpaid invoice never makes the screen say « not paid »: a request in flight would prove it
wrong a moment later. If the session ends during the check, the login screen says the outcome
is not known and where to look; logged in again, the check goes on.

SEC-3: the card number and the code live only in the inputs and in the request (the check holds
the request it replays while it runs); they are never logged, written, or put in a message. The
attempt is recognised by a hash kept in memory.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import uuid
from datetime import date
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Static

from geg_tui.api.errors import BackendError, BackendUnavailable, OutcomeUnknown, SessionExpired
from geg_tui.api.limits import CARD_HOLDER_MAX
from geg_tui.api.models import CardBrand, CardPayment, Invoice, InvoiceStatus, Payment
from geg_tui.formats import PARIS, format_datetime, format_money
from geg_tui.i18n import _, _l
from geg_tui.labels import label_of
from geg_tui.screens.base import BaseScreen
from geg_tui.widgets.card import CardForm, CardNumberField, check, detect_brand, format_expiry
from geg_tui.widgets.fields import Field, FormError
from geg_tui.widgets.form import Form
from geg_tui.widgets.keybar import KeyBar
from geg_tui.widgets.titlebar import TitleBar

UNAVAILABLE = _l(
    "Le service de paiement ne répond pas pour le moment. Vos saisies sont conservées : "
    "réessayez (Entrée ou « Payer ») ; un même paiement n'est jamais débité deux fois."
)
UNKNOWN = _l(
    "Nous ne savons pas encore si le paiement a abouti : la réponse du service GEG ne nous est "
    "pas parvenue. Vous pouvez le renvoyer sans risque (Entrée ou « Payer ») : le même paiement "
    "n'est jamais débité deux fois. Nous vérifions l'état de la facture dès que le service "
    "répond."
)
STILL_UNKNOWN = _l(
    "Nous ne savons toujours pas si le paiement a abouti : la facture n'apparaît pas encore "
    "payée, mais il peut être en cours de traitement. Vous pouvez le renvoyer sans risque "
    "(Entrée ou « Payer ») ; nous continuons de vérifier."
)
SETTLED = _l(
    "Le service GEG répond à nouveau : cette facture est déjà réglée, mais pas par ce "
    "paiement-ci. Aucun paiement n'est nécessaire."
)
SESSION_ENDED = _l(
    "Votre session a expiré : nous ne savons pas encore si le paiement de la facture n° {ref} "
    "a abouti. Après vous être reconnecté·e, consultez « Mes factures » avant de le renvoyer."
)
# PAY-4: statuses that need no payment any more (settled, or a credit in the customer's favour).
NOTHING_TO_PAY = (
    InvoiceStatus.PAID,
    InvoiceStatus.DEBITED,
    InvoiceStatus.REFUND_DUE,
    InvoiceStatus.REFUNDED,
)
# What identifies this attempt's card in a payment (PAY-3): brand, last 4 digits, expiry MM/YY.
CardIdentity = tuple[CardBrand | None, str, str]


class PaymentScreen(BaseScreen):
    HELP = _l(
        "Payez la facture par carte bancaire (Visa, Mastercard, American Express, CB). Le numéro "
        "est masqué à la saisie, sauf ses 4 derniers chiffres ; le cryptogramme est caché. "
        "Si le service ne répond pas, vos saisies sont conservées : renvoyez le paiement, il ne "
        "sera jamais encaissé deux fois. Si sa réponse se perd, l'écran le dit et vérifie "
        "l'issue (en renvoyant le même paiement, jamais encaissé deux fois) jusqu'à la "
        "connaître : le reçu, ou la réponse du service."
    )
    # PAY-4: seconds between two checks of the invoice after a lost answer (the last repeats).
    CHECK_AFTER: ClassVar[tuple[float, ...]] = (1.0, 2.0, 5.0, 10.0)
    BINDINGS = [
        Binding("f9", "pay", _l("Payer"), tooltip=_l("Envoyer le paiement (ou Entrée)"), id="pay"),
    ]
    CSS_PATH = "payment.tcss"

    def __init__(self, invoice: Invoice) -> None:
        super().__init__()
        self.invoice = invoice
        self.payment: Payment | None = None
        self._attempt: tuple[str, str] | None = None  # (hash of the request, idempotency key)
        self.unknown = False  # PAY-4: the current attempt may have been charged, answer lost
        self.check_halted = False  # PAY-4: the check stopped when the session expired
        self.sent = 0  # requests sent by the person (tests; the check's replays not counted)
        self.backend_day: date | None = None  # today as the backend sees it (card expiry)

    def compose(self) -> ComposeResult:
        invoice = self.invoice
        yield TitleBar()
        with VerticalScroll(id="payment"):
            yield Static(_("Payer une facture par carte"), classes="screen-title")
            yield Static(
                _("Facture n° {ref} — {energy} — [b]{amount}[/b]").format(
                    ref=invoice.ref,
                    energy=label_of(invoice.energy),
                    amount=format_money(invoice.balance),
                ),
                id="invoice-line",
            )
            with Form(id="form"):
                with Horizontal(id="card-row"):
                    yield CardNumberField(_("Numéro de carte"))
                    yield Static("", id="brand")
                with Horizontal(id="expiry-row"):
                    yield Field(
                        _("Expiration (MM/AA)"),
                        "expiry",
                        placeholder=_("MM/AA"),
                        max_length=5,
                        restrict=r"[0-9/]*",
                        also=("expiry_month", "expiry_year"),  # the backend's names
                    )
                    yield Field(
                        _("Cryptogramme"),
                        "security_code",
                        password=True,
                        placeholder="123",
                        max_length=4,
                        restrict=r"[0-9]*",
                    )
                yield Field(_("Titulaire de la carte"), "holder", max_length=CARD_HOLDER_MAX)
                yield FormError(id="form-error")
                with Horizontal(classes="buttons"):
                    yield Button(
                        _("Payer {amount}").format(amount=format_money(invoice.balance)),
                        id="pay",
                        variant="primary",
                        compact=True,
                    )
                    yield Button(_("Annuler"), id="cancel", compact=True)
            with Vertical(id="receipt"):
                yield Static(_("Paiement accepté — reçu"), classes="screen-title")
                yield Static("", id="receipt-text", classes="card")
                with Horizontal(classes="buttons"):
                    yield Button(
                        _("Retour aux factures"), id="done", variant="primary", compact=True
                    )
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(CardNumberField).input.focus()
        self.read_backend_day()

    @work(exclusive=True, exit_on_error=False, group="clock")
    async def read_backend_day(self) -> None:
        """Today as the backend sees it, for the card's expiry (PAY-2): the computer's date may
        not be the backend's (a tester's clock, a server abroad). Unread (the service down), the
        expiry is left to the backend, which checks it anyway."""
        try:
            backend = await self.geg.get_backend()
            now = await backend.server_time()
        except BackendError:
            return
        self.backend_day = now.astimezone(PARIS).date()

    # --- live formatting -------------------------------------------------------------------
    @on(Input.Changed)
    def _edited(self, event: Input.Changed) -> None:
        """A field being corrected loses its error message."""
        field = event.input.parent
        if isinstance(field, Field) and field.invalid:
            field.set_error(None)

    @on(Input.Changed, "#card_number")
    def _number_changed(self, event: Input.Changed) -> None:
        brand = detect_brand(event.value)
        self.query_one("#brand", Static).update(label_of(brand) if brand else "")

    @on(Input.Changed, "#expiry")
    def _expiry_changed(self, event: Input.Changed) -> None:
        formatted = format_expiry(event.value)
        if formatted != event.value:
            event.input.value = formatted
            event.input.cursor_position = len(formatted)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_pay()

    @on(Button.Pressed, "#pay")
    def _pay_pressed(self) -> None:
        self.action_pay()

    @on(Button.Pressed, "#cancel")
    def _leave(self) -> None:
        self.action_back()

    @on(Button.Pressed, "#done")
    def _to_invoices(self) -> None:
        """« Retour aux factures »: the list, also when the payment was opened from an invoice."""
        from geg_tui.screens.invoices import InvoicesScreen

        self.geg.back_to(InvoicesScreen)

    # --- sending ---------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action == "pay" and self.payment is not None)

    def form(self) -> CardForm:
        return CardForm(
            number=self.query_one(CardNumberField).value,
            expiry=self.query_one("#field-expiry", Field).value,
            code=self.query_one("#field-security_code", Field).value,
            holder=self.query_one("#field-holder", Field).value,
        )

    def _digest(self, form: CardForm) -> str:
        """The request, recognised in memory only (SEC-3: a hash, never the card itself)."""
        return hashlib.sha256(
            "\x00".join(
                (self.invoice.ref, form.digits, form.expiry, form.code, form.holder.strip())
            ).encode()
        ).hexdigest()

    def idempotency_key(self, form: CardForm) -> str:
        """PAY-4: the same key for as long as the same request is being sent again."""
        digest = self._digest(form)
        if self._attempt is None or self._attempt[0] != digest:
            self._attempt = (digest, str(uuid.uuid4()))
            self.unknown = False  # a new attempt: what the last one did is the backend's to say
        return self._attempt[1]

    def already_sent(self, form: CardForm) -> bool:
        """This very request was sent before (its key is kept)."""
        return self._attempt is not None and self._attempt[0] == self._digest(form)

    def action_pay(self) -> None:
        if self.payment is not None:
            return
        form = self.form()
        # PAY-4: a request sent again is the same request: its first outcome stands, even if
        # the card's expiry month has ended since (the backend answers it, not this check).
        errors = check(form, self.backend_day, resend=self.already_sent(form))
        self.clear_errors()
        if errors:
            self.show_field_errors(errors)
            return
        self.pay(form)

    def show_field_errors(self, errors: dict[str, str]) -> None:
        """The form's own checks (PAY-2), placed by the form like the backend's."""
        self.query_one(Form).show_error(
            errors, general=_("Vérifiez les champs signalés : rien n'a été envoyé.")
        )

    def request_of(self, form: CardForm) -> CardPayment:
        """The request of this attempt (PAY-4: its key kept as long as the form is the same)."""
        month, year = form.expiry_parts()
        return CardPayment(
            invoice_ref=self.invoice.ref,
            card_number=form.digits,
            expiry_month=month,
            expiry_year=year,
            security_code=form.code,
            holder=form.holder.strip(),
            idempotency_key=self.idempotency_key(form),
        )

    @staticmethod
    def identity_of(form: CardForm) -> CardIdentity:
        """What a payment keeps of this card (PAY-3), to recognise it without the number."""
        month, year = form.expiry_parts()
        return form.brand, form.digits[-4:], f"{month}/{year}"

    @work(exclusive=True, exit_on_error=False, group="pay")
    async def pay(self, form: CardForm) -> None:
        request = self.request_of(form)
        identity = self.identity_of(form)
        token = self.geg.token if self.geg.session is not None else ""
        self.sent += 1
        try:
            payment = await self.backend_call(
                lambda b: b.pay_invoice(token, request),
                label=_("Envoi du paiement…"),
                widget=self.query_one("#form"),
                propagate=(BackendUnavailable,),
            )
        except OutcomeUnknown:
            self.unknown = True
            self.outcome_unknown(request, identity)
            return
        except BackendUnavailable:
            if self.unknown:  # an earlier send of this request may still have been charged
                self.outcome_unknown(request, identity)
            else:
                self.query_one(FormError).show(str(UNAVAILABLE))
                self.call_after_refresh(self.query_one("#pay", Button).focus)
            return
        if payment is not None:
            self.workers.cancel_group(self, "outcome")  # no need to check the invoice any more
            self.show_receipt(payment)
            return
        # The loading indicator took the focus away: give it to the first field to correct.
        first = self.query_one(Form).first_error()
        target = first.control if first is not None else self.query_one("#pay", Button)
        self.call_after_refresh(target.focus)

    # --- PAY-4: a lost answer ----------------------------------------------------------------
    def outcome_unknown(self, request: CardPayment, identity: CardIdentity) -> None:
        """Say so, never « nothing was charged », and check until the server answers."""
        self.check_halted = False
        self.query_one(FormError).show(str(UNKNOWN))
        self.call_after_refresh(self.query_one("#pay", Button).focus)
        self.check_outcome(request, identity)

    def on_screen_resume(self) -> None:
        """Logged in again after the session expired during the check: it goes on."""
        if not self.check_halted or self.payment is not None or self.geg.session is None:
            return
        form = self.form()
        if self.already_sent(form):  # the form still holds the request whose answer was lost
            self.outcome_unknown(self.request_of(form), self.identity_of(form))

    @work(exclusive=True, exit_on_error=False, group="outcome")
    async def check_outcome(self, request: CardPayment, identity: CardIdentity) -> None:
        """Send the same request again (same key: never charged twice) until the server answers
        it; while its answers are lost, read the invoice (a read: safe to repeat)."""
        for attempt in itertools.count():
            await asyncio.sleep(self.CHECK_AFTER[min(attempt, len(self.CHECK_AFTER) - 1)])
            if self.payment is not None:
                return
            try:
                if await self.replay(request) or await self.read_outcome(identity):
                    return
            except BackendUnavailable:
                continue  # neither the payment nor the invoice answered: ask again later
            except SessionExpired:
                self.check_halted = True
                message = SESSION_ENDED.format(ref=self.invoice.ref)
                self.query_one(FormError).show(message)  # no check promised any more
                self.geg.session_expired(message)
                return
            except BackendError as exc:  # a read refused (a refused replay is handled there)
                self.report_error(exc)
                return

    async def replay(self, request: CardPayment) -> bool:
        """The same request again. True when the server answered it: its answer is final."""
        backend = await self.geg.get_backend()
        try:
            payment = await backend.pay_invoice(self.geg.token, request)
        except (OutcomeUnknown, BackendUnavailable):
            return False  # no answer again: what the invoice says will tell
        except SessionExpired:
            raise
        except BackendError as exc:  # the server refused it: its own words
            if self.payment is None:
                self.unknown = False
                self.report_error(exc)  # a card refused: under its field, which gets the focus
                if not exc.fields:
                    self.call_after_refresh(self.query_one("#pay", Button).focus)
            return True
        if self.payment is None:
            self.show_receipt(payment)
        return True

    async def read_outcome(self, identity: CardIdentity) -> bool:
        """The invoice as the backend has it now. True when that settles the question: paid by
        this card (its receipt) or needing no payment; False while it is unpaid (the request may
        still be on its way)."""
        backend = await self.geg.get_backend()
        token = self.geg.token
        invoice = await backend.get_invoice(token, self.invoice.ref)
        if invoice.status not in NOTHING_TO_PAY:
            if self.payment is None:
                self.query_one(FormError).show(str(STILL_UNKNOWN))
            return False
        mine = None
        if invoice.status is InvoiceStatus.PAID:
            payments = await backend.list_payments(token)  # newest first
            mine = next(
                (p for p in payments if p.invoice_ref == invoice.ref and _same_card(p, identity)),
                None,
            )
        if self.payment is not None:
            return True
        if mine is not None:
            self.show_receipt(mine)
        else:
            self.unknown = False
            self.query_one(FormError).show(str(SETTLED), info=True)
        return True

    def show_receipt(self, payment: Payment) -> None:
        self.payment = payment
        self.unknown = False
        self.query_one(FormError).show(None)
        for name in ("card_number", "security_code"):  # nothing of the card stays on screen
            self.query_one(f"#field-{name}", Field).value = ""
        self.add_class("-paid")
        self.refresh_bindings()
        self.query_one("#receipt-text", Static).update(
            "\n".join(
                (
                    _("Facture n° {ref} : [b]Payée[/b]").format(ref=payment.invoice_ref),
                    _("Montant débité : [b]{amount}[/b]").format(
                        amount=format_money(payment.amount)
                    ),
                    _("Carte : {brand} se terminant par {last4} (exp. {expiry})").format(
                        brand=label_of(payment.brand), last4=payment.last4, expiry=payment.expiry
                    ),
                    _("Le {when}").format(when=format_datetime(payment.paid_at)),
                    _("Référence de la transaction : [b]{tx}[/b]").format(
                        tx=payment.transaction_ref
                    ),
                    "",
                    _("Un reçu vous a été envoyé par e-mail."),
                )
            )
        )
        self.query_one("#done", Button).focus()
        self.notify(_("Paiement accepté."), timeout=4)


def _same_card(payment: Payment, identity: CardIdentity) -> bool:
    """PAY-4: a payment made with this attempt's card (brand, last 4 digits, expiry)."""
    brand, last4, expiry = identity
    return (payment.brand, payment.last4, payment.expiry) == (brand, last4, expiry)
