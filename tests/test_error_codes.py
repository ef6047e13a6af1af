"""Errors by code (issue 12, item 3): one test per family of codes, over both backends.

Each family is raised through the ``api`` fixture — the in-process ``FakeBackend`` and
``HttpBackend`` over ASGI — and read the way a screen reads it: ``message`` and ``fields`` in
French, then in English, rendered from the code and its params. The raw HTTP answer is read
too (``http_error``): it carries the code, the params, the fields as a list and the French
texts as fallbacks. The last tests check the table itself: every code the fake backend can
raise has a template whose placeholders are exactly the params it is raised with, and a code
the client does not know shows the French text the server sent.
"""

from __future__ import annotations

import ast
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from geg_tui import i18n
from geg_tui.api import http as http_module
from geg_tui.api import problems
from geg_tui.api.errors import (
    AccountLocked,
    AuthError,
    BackendError,
    BackendUnavailable,
    Conflict,
    Forbidden,
    NotFound,
    OutcomeUnknown,
    RateLimited,
    SessionExpired,
    ValidationError,
    from_payload,
)
from geg_tui.api.http import HttpBackend
from geg_tui.api.models import InvoiceStatus, PaymentMode, Tariff
from geg_tui.api.problems import TEMPLATES, Problem
from geg_tui.api.routes import API_PREFIX
from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.fake_backend.cards import TEST_CARDS, Outcome
from geg_tui.fake_backend.demo_account import DEMO_EMAIL, DEMO_PASSWORD
from geg_tui.fake_backend.server import create_app

from .conftest import unregistered_customer
from .contract.conftest import Api, Recording, http_backend, inject_fault
from .payment_helpers import card

FAKE_BACKEND = Path(__file__).parent.parent / "geg_tui" / "fake_backend"


def both(error: BackendError) -> tuple[str, dict[str, str], str, dict[str, str]]:
    """The message and fields of ``error`` in French, then in English."""
    i18n.set_language("fr")
    french = (error.message, error.fields)
    i18n.set_language("en")
    try:
        english = (error.message, error.fields)
    finally:
        i18n.set_language("fr")
    return (*french, *english)


def http_error(fake: FakeBackend, verb: str, path: str, token: str | None = None, **kw: Any):
    """The raw JSON error body the server answers (status, payload)."""
    client = TestClient(create_app(fake), raise_server_exceptions=False)
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = client.request(verb, API_PREFIX + path, headers=headers, **kw)
    payload = response.json()
    assert {"kind", "code", "params", "message", "fields"} <= set(payload), payload
    assert isinstance(payload["fields"], list)
    return response.status_code, payload


@pytest.fixture(autouse=True)
def _catalogue() -> None:
    assert i18n.catalogue_found("en"), "no English catalogue: run make catalogues"


@pytest.fixture(params=["fake", "http"])
async def api(request: pytest.FixtureRequest, backend: FakeBackend) -> AsyncIterator[Api]:
    """The contract suite's two backends (tests/contract/conftest.py) on the same world."""
    if request.param == "fake":
        yield Api("fake", Recording(backend), backend)  # type: ignore[arg-type]
        return
    client = http_backend(backend)
    yield Api("http", Recording(client), backend)  # type: ignore[arg-type]
    await client.close()


async def _demo_token(api: Api) -> str:
    return (await api.backend.login(DEMO_EMAIL, DEMO_PASSWORD)).token


# --- one test per family ------------------------------------------------------------------------


async def test_signup_1_2_validation_fields_carry_codes_and_params(api: Api) -> None:
    """SIGNUP-1, SIGNUP-2: each wrong field a code with its params, rendered per language."""
    with pytest.raises(ValidationError) as err:
        await api.backend.signup_check_credentials("pas-une-adresse", "court", "autre")
    codes = {p.field: (p.code, p.params) for p in err.value.problems}
    assert codes["email"] == ("email_invalid", {})
    assert codes["password"] == ("password_too_short", {"min": 8})
    assert codes["password_confirm"] == ("passwords_differ", {})
    fr_message, fr_fields, en_message, en_fields = both(err.value)
    assert fr_fields["password"] == "Le mot de passe doit contenir au moins 8 caractères."
    assert en_fields["password"] == "The password must have at least 8 characters."
    assert en_fields["email"].startswith("Invalid e-mail address")
    assert fr_message.startswith("Certaines informations") and en_message.startswith("Some details")
    status, payload = http_error(
        api.fake,
        "POST",
        "/signup/credentials",
        json={"email": "x", "password": "court", "password_confirm": "court"},
    )
    assert status == 422 and payload["kind"] == "validation"
    sent = {f["field"]: f for f in payload["fields"]}
    assert sent["password"]["code"] == "password_too_short"
    assert sent["password"]["params"] == {"min": 8}
    assert sent["password"]["message"] == "Le mot de passe doit contenir au moins 8 caractères."


async def test_auth_2_wrong_password_code(api: Api) -> None:
    """AUTH-2: one code for a wrong e-mail or password, in both languages."""
    with pytest.raises(AuthError) as err:
        await api.backend.login(DEMO_EMAIL, "Mauvais-Mot2Passe")
    assert err.value.code == "identifiants_invalides"
    fr_message, _, en_message, _ = both(err.value)
    assert fr_message == "Identifiant ou mot de passe incorrect."
    assert en_message == "Incorrect login or password."
    status, payload = http_error(
        api.fake, "POST", "/sessions", json={"email": DEMO_EMAIL, "password": "Faux-Mot2Passe"}
    )
    assert status == 401 and payload["code"] == "identifiants_invalides"


async def test_lock_1_locked_account_carries_until(api: Api) -> None:
    """LOCK-1, LOCK-2: ``until`` is a param, written as each language writes a date-time."""
    for _ in range(2):
        with pytest.raises(AuthError):
            await api.backend.login(DEMO_EMAIL, "Mauvais-Mot2Passe")
    with pytest.raises(AccountLocked) as err:
        await api.backend.login(DEMO_EMAIL, "Mauvais-Mot2Passe")
    until = datetime.fromisoformat(err.value.params["until"])
    assert err.value.code == "compte_bloque" and until == err.value.until
    fr_message, _, en_message, _ = both(err.value)
    from geg_tui import formats, formatting

    assert f"débloqué le {formatting.format_datetime(until)}" in fr_message
    i18n.set_language("en")
    english_until = formats.format_datetime(until)
    i18n.set_language("fr")
    assert f"unlocked on {english_until}" in en_message and "bloqué" not in en_message
    status, payload = http_error(
        api.fake, "POST", "/sessions", json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD}
    )
    assert status == 423 and payload["params"]["until"] == until.isoformat()
    assert payload["message"] == fr_message


async def test_signup_5_rate_limit_code_and_params(api: Api) -> None:
    """SIGNUP-5: the fifth failure closes signup; ``until`` and the phone are params."""
    contract = unregistered_customer(api.fake)["contract"]
    proof = (contract["contract_ref"], contract["last_invoice_ref"])
    for _ in range(5):
        with pytest.raises(ValidationError) as failed:
            await api.backend.signup_check_contract(*proof, "1,00")
        assert failed.value.code == "verification_contrat"
    with pytest.raises(RateLimited) as err:
        await api.backend.signup_check_contract(*proof, "1,00")
    assert err.value.code == "inscription_bloquee" and set(err.value.params) == {"until", "phone"}
    fr_message, _, en_message, _ = both(err.value)
    assert fr_message.startswith("Trop de tentatives pour ce contrat")
    assert en_message.startswith("Too many attempts for this contract")
    assert err.value.params["phone"] in en_message
    status, payload = http_error(
        api.fake,
        "POST",
        "/signup/contract",
        json={"contract_ref": proof[0], "invoice_ref": proof[1], "invoice_amount": "1,00"},
    )
    assert status == 429 and payload["code"] == "inscription_bloquee"


async def test_auth_3_session_expired_code(api: Api) -> None:
    """AUTH-3: an unknown token is ``session_expiree``, in both languages."""
    with pytest.raises(SessionExpired) as err:
        await api.backend.account("jeton-inconnu")
    fr_message, _, en_message, _ = both(err.value)
    assert fr_message.startswith("Votre session a expiré")
    assert en_message == "Your session has expired. Please log in again."
    status, payload = http_error(api.fake, "GET", "/account", "jeton-inconnu")
    assert status == 401 and payload["code"] == "session_expiree" and payload["params"] == {}


async def test_auth_6_forbidden_code_round_trip() -> None:
    """AUTH-6: no rule of the fake backend says « forbidden » (someone else's things read as
    not found), but the code is part of the API: its body is rebuilt and rendered."""
    error = Forbidden()
    rebuilt = from_payload(error.to_payload(), 403)
    assert isinstance(rebuilt, Forbidden) and rebuilt.code == "interdit"
    fr_message, _, en_message, _ = both(rebuilt)
    assert fr_message == "Vous n'avez pas accès à cet élément."
    assert en_message == "You do not have access to this item."


async def test_inv_3_not_found_code(api: Api) -> None:
    """An unknown invoice: ``invoice_not_found``, 404 over HTTP."""
    token = await _demo_token(api)
    with pytest.raises(NotFound) as err:
        await api.backend.get_invoice(token, "000000000000")
    assert err.value.code == "invoice_not_found"
    fr_message, _, en_message, _ = both(err.value)
    assert fr_message.startswith("Facture introuvable") and en_message.startswith(
        "Invoice not found"
    )
    status, payload = http_error(api.fake, "GET", "/invoices/000000000000", token)
    assert status == 404 and payload["code"] == "invoice_not_found"


async def test_pay_1_conflict_codes(api: Api) -> None:
    """PAY-1: a paid invoice cannot be paid again; a contract not on monthly debit has no
    schedule (DEBIT-4)."""
    token = await _demo_token(api)
    paid = (await api.backend.list_invoices(token, status=InvoiceStatus.PAID)).invoices[0]
    with pytest.raises(Conflict) as err:
        await api.backend.pay_invoice(token, card(paid.ref))
    assert err.value.code == "deja_payee"
    fr_message, _, en_message, _ = both(err.value)
    assert "déjà payée" in fr_message and "already paid" in en_message
    account = await api.backend.account(token)
    other = next(c for c in account.contracts if c.payment_mode is not PaymentMode.MONTHLY_DEBIT)
    with pytest.raises(Conflict) as err:
        await api.backend.debit_schedule(token, other.ref)
    assert err.value.code == "pas_d_echeancier"
    assert "no payment schedule" in both(err.value)[2]
    status, payload = http_error(api.fake, "GET", f"/contracts/{other.ref}/schedule", token)
    assert status == 409 and payload["code"] == "pas_d_echeancier"


async def test_sim_5_unavailable_code(api: Api) -> None:
    """SIM-5: an injected fault is ``panne_simulee`` (kind ``service_indisponible``)."""
    inject_fault(api.fake, "home", error_rate=1.0)
    token = await _demo_token(api)
    with pytest.raises(BackendUnavailable) as err:
        await api.backend.home(token)
    assert err.value.code == "panne_simulee"
    fr_message, _, en_message, _ = both(err.value)
    assert "panne simulée" in fr_message and "simulated fault" in en_message


async def test_pay_4_client_side_codes_render_in_both_languages() -> None:
    """PAY-4: the client's own errors (server unreachable, outcome unknown) have codes too."""

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    def cut(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadError("cut", request=request)

    down = HttpBackend("http://test", transport=httpx.MockTransport(refuse), retries=0)
    with pytest.raises(BackendUnavailable) as err:
        await down.home("jeton")
    await down.close()
    assert err.value.code == "serveur_injoignable"
    fr_message, _, en_message, _ = both(err.value)
    assert fr_message.startswith("Le serveur GEG ne répond pas")
    assert en_message.startswith("The GEG server is not answering")
    lossy = HttpBackend("http://test", transport=httpx.MockTransport(cut), retries=0)
    with pytest.raises(OutcomeUnknown) as err:
        await lossy.pay_invoice("jeton", card("123456789012"))
    with pytest.raises(OutcomeUnknown) as unkeyed:
        await lossy.change_password("jeton", "a", "b", "b")
    await lossy.close()
    assert err.value.code == "issue_inconnue" and "safely send it again" in both(err.value)[2]
    assert unkeyed.value.code == "issue_inconnue_mot_de_passe"
    assert "password may have been changed" in both(unkeyed.value)[2]


async def test_pay_5_card_refusal_codes(api: Api) -> None:
    """PAY-2, PAY-5: card field codes, and a declined card's code, in both languages."""
    token = await _demo_token(api)
    payable = (InvoiceStatus.TO_PAY, InvoiceStatus.OVERDUE)
    invoices = (await api.backend.list_invoices(token)).invoices
    invoice = next(i for i in invoices if i.status in payable)
    declined = next(c.number for c in TEST_CARDS if c.outcome is Outcome.DECLINED)
    with pytest.raises(ValidationError) as err:
        await api.backend.pay_invoice(token, card(invoice.ref, declined))
    assert err.value.code == "carte_refusee"
    assert err.value.field_problem("card_number").code == "carte_refusee"
    fr_message, _, en_message, en_fields = both(err.value)
    assert "Aucun montant n'a été débité" in fr_message and "Nothing was charged" in en_message
    assert en_fields["card_number"] == en_message
    with pytest.raises(ValidationError) as err:
        await api.backend.pay_invoice(token, card(invoice.ref, "4242 4242 4242 4241"))
    assert err.value.field_problem("card_number").code == "card_number_checksum"
    assert both(err.value)[3]["card_number"].startswith("Invalid card number")


async def test_meter_refusal_codes(api: Api, demo_credentials: dict[str, str]) -> None:
    """METER-1, METER-7: a Linky meter refuses readings; an index too long names its
    register and its limit as params (no French word glued into the sentence)."""
    token = await _demo_token(api)
    account = await api.backend.account(token)
    linky = next(c for c in account.contracts if c.tariff is Tariff.BLUE_HPHC)
    with pytest.raises(ValidationError) as err:
        await api.backend.submit_reading(token, linky.ref, {"hp": 1, "hc": 1})
    assert err.value.code == "compteur_communicant"
    assert "read automatically every day" in both(err.value)[2]
    gas = next(c for c in account.contracts if c.tariff is Tariff.GAS)
    with pytest.raises(ValidationError) as err:
        await api.backend.submit_reading(token, gas.ref, {"gaz": 100_000})
    problem = err.value.field_problem("gaz")
    assert problem is not None and problem.code == "index_too_many_digits"
    assert problem.params == {"label": "index_gas", "digits": 5, "max_index": 99_999, "unit": "m³"}
    _, fr_fields, _, en_fields = both(err.value)
    assert fr_fields["gaz"] == (
        "L'index gaz a au plus 5 chiffres sur ce compteur (au plus 99\u202f999 m³)."
        if "\u202f" in fr_fields["gaz"]
        else "L'index gaz a au plus 5 chiffres sur ce compteur (au plus 99\xa0999 m³)."
    )
    assert (
        en_fields["gaz"]
        == "The gas reading has at most 5 digits on this meter (at most 99,999 m³)."
    )


# --- the table ----------------------------------------------------------------------------------


def _raised_problems() -> list[tuple[str, str, set[str]]]:
    """Every ``Problem("code", **params)`` written in the fake backend and the HTTP client:
    (where, code, param names)."""
    found = []
    for path in [*sorted(FAKE_BACKEND.glob("*.py")), Path(http_module.__file__)]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "Problem"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                names = {k.arg for k in node.keywords if k.arg}
                variant = next((k.value.value for k in node.keywords if k.arg == "variant"), None)
                code = node.args[0].value
                key = f"{code}/{variant}" if variant else code
                found.append((f"{path.name}:{node.lineno}", key, names - {"variant"}))
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                # a code chosen in a branch: ``code = "security_code_amex"``
                targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
                if targets == ["code"] and isinstance(node.value.value, str):
                    found.append((f"{path.name}:{node.lineno}", node.value.value, set()))
    return found


def test_every_code_raised_has_a_template_with_matching_placeholders() -> None:
    raised = _raised_problems()
    assert len(raised) > 150  # the AST walk does find the raise sites
    for where, code, names in raised:
        assert code in TEMPLATES, f"{where}: no template for {code!r}"
        # ``until`` is added by the errors that last (AccountLocked, RateLimited) themselves
        assert problems.placeholders(code) - {"until"} == names, (where, code, names)
    for code in http_module.MAYBE_DONE_BY_ROUTE.values():
        assert code in TEMPLATES


LABELLED = {"text_value", "_bounded", "_name", "_day", "_whole_number", "digits"}


def _label_args() -> list[tuple[str, str]]:
    """Every field label the fake backend passes to a check (``text_value(v, "f", "iban")``,
    ``errors.check("f", _name, v, "f", "first_name")``, ``label="index_gas"``)."""
    found = []
    for path in sorted(FAKE_BACKEND.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            args = node.args
            if name == "check" and len(args) > 4 and getattr(args[1], "id", None) in LABELLED:
                args = args[2:]
            elif name not in LABELLED:
                args = []
            label = args[2] if len(args) > 2 else None
            if isinstance(label, ast.Constant) and isinstance(label.value, str):
                found.append((f"{path.name}:{node.lineno}", label.value))
            for keyword in node.keywords:
                if keyword.arg == "label" and isinstance(keyword.value, ast.Constant):
                    found.append((f"{path.name}:{node.lineno}", keyword.value.value))
    return found


def test_every_field_label_is_a_code_of_the_labels_table() -> None:
    """No French word is passed where a message names its field: a code of ``LABELS``."""
    labels = _label_args()
    assert len(labels) > 20
    for where, label in labels:
        assert label in problems.LABELS, (where, label)


def test_every_error_class_and_label_has_a_template() -> None:
    from geg_tui.api.errors import ERROR_TYPES

    for kind, cls in ERROR_TYPES.items():
        assert kind in TEMPLATES and cls.default_message == TEMPLATES[kind]
    for code in problems.placeholders("index_required"):
        assert code == "label"


def test_every_template_translated_to_english() -> None:
    """Each template and label has its English (the catalogue compiled from the JSON)."""
    i18n.set_language("en")
    try:
        untranslated = [
            code
            for code, text in [*TEMPLATES.items(), *problems.LABELS.items()]
            if str(text) == text.msgid and text.msgid not in ("IBAN", "BIC")
        ]
    finally:
        i18n.set_language("fr")
    assert not untranslated


def test_unknown_code_falls_back_to_the_french_text_sent(english: None) -> None:
    """A newer server's code: the client shows the French it was sent, field by field too."""
    payload = {
        "kind": "validation",
        "code": "code_de_demain",
        "params": {"x": 1},
        "message": "Un message que ce client ne connaît pas.",
        "fields": [
            {
                "field": "email",
                "code": "autre_code_de_demain",
                "params": {},
                "message": "Adresse ?",
            },
            {
                "field": "password",
                "code": "password_too_short",
                "params": {"min": 8},
                "message": "",
            },
        ],
    }
    error = from_payload(payload, 422)
    assert isinstance(error, ValidationError)
    assert error.message == "Un message que ce client ne connaît pas."
    assert error.fields == {
        "email": "Adresse ?",
        "password": "The password must have at least 8 characters.",
    }
    old_server = from_payload(
        {"kind": "conflit", "message": "Ancien texte.", "fields": {"a": "b"}}, 409
    )
    assert old_server.message == "Ancien texte." and old_server.fields == {"a": "b"}
    wrong_params = ValidationError(Problem("password_too_short"))  # {min} missing
    assert wrong_params.message == "Une erreur est survenue. Veuillez réessayer."  # not the code


def test_a_busy_store_and_an_internal_error_have_their_words_in_english(english: None) -> None:
    """SIM-4: a store locked too long answers 503 with its own code; an internal error (a
    bug) is said in the reader's language too, never as a raw code."""
    from geg_tui.fake_backend.store import StoreBusy

    busy = from_payload(StoreBusy().to_payload(), 503)
    assert busy.code == "base_occupee"
    assert busy.message.startswith("The service is") and "not been recorded" in busy.message
    internal = from_payload(BackendError(Problem("erreur_interne")).to_payload(), 500)
    assert "GEG" in internal.message and "Erreur" not in internal.message


def test_locked_until_param_rendered_when_rebuilt(english: None) -> None:
    until = datetime(2026, 11, 27, 15, 30, tzinfo=UTC)
    rebuilt = from_payload(AccountLocked(until).to_payload(), 423)
    assert isinstance(rebuilt, AccountLocked) and rebuilt.until == until
    assert "unlocked on 27 Nov 2026" in rebuilt.message


# --- other backend texts that reach a screen (item 5) ------------------------------------------


async def test_inv_2_every_line_label_has_a_code_rendered_back_to_its_french(
    api: Api, english: None
) -> None:
    """INV-2: each line of the demo world's invoices carries a code; rendered in French it is
    the stored label (what the PDF prints), in English another text."""
    from geg_tui.api import texts

    token = await _demo_token(api)
    page = await api.backend.list_invoices(token)
    seen = set()
    for summary in page.invoices[:12]:
        invoice = await api.backend.get_invoice(token, summary.ref)
        for line in invoice.lines:
            assert line.label_code is not None, line.label
            seen.add(line.label_code)
            assert texts.line_label_french(line.label_code, line.label_params) == line.label
            assert texts.line_label(line) != line.label or line.label_code == "cta", line
    assert {"energy_base", "excise_electricity"} & seen or {"energy_hp", "energy_gas"} & seen
    i18n.set_language("fr")
    assert all(
        texts.line_label(line) == line.label
        for line in (await api.backend.get_invoice(token, page.invoices[0].ref)).lines
    )


async def test_meter_7_refusal_and_meter_3_warning_by_code(api: Api) -> None:
    """METER-7: the Linky refusal is a code; METER-3: the warning is codes with params."""
    from geg_tui.api import texts
    from geg_tui.api.models import ReadingResult

    token = await _demo_token(api)
    account = await api.backend.account(token)
    linky = next(c for c in account.contracts if c.tariff is Tariff.BLUE_HPHC)
    status = await api.backend.meter_status(token, linky.ref)
    assert status.refusal_code == "compteur_communicant"
    assert texts.refusal_text(status) == status.refusal_reason  # French
    i18n.set_language("en")
    try:
        assert texts.refusal_text(status).startswith("Your Linky meter is a smart meter")
    finally:
        i18n.set_language("fr")
    parts = (
        {
            "code": "reading_implausible",
            "params": {
                "register_label": "index_gas",
                "index": 12_345,
                "unit": "m³",
                "day": "2026-10-01",
                "last_index": 12_000,
                "implied_wh": 123_456.0,
                "usual_wh": 10_000.0,
            },
        },
        {"code": "reading_implausible_advice", "params": {"factor": 3}},
    )
    french = " ".join(Problem(p["code"], **p["params"]).french() for p in parts)
    result = ReadingResult(None, True, french, parts)
    assert texts.warning_text(result) == french
    assert french.startswith("Index gaz 12") and "123,5 kWh par jour" in french
    i18n.set_language("en")
    try:
        english_text = texts.warning_text(result)
    finally:
        i18n.set_language("fr")
    assert english_text.startswith("Gas reading 12,345 m³: since the reading of 1 Oct 2026")
    assert "123.5 kWh a day" in english_text and english_text.endswith("to record it.")
    unknown = ReadingResult(None, True, "Texte ancien.", ({"code": "demain", "params": {}},))
    assert texts.warning_text(unknown) == "Texte ancien."


async def test_signup_8_questions_and_support_hours_in_the_readers_language(api: Api) -> None:
    """SIGNUP-8, RESET-6: the questions and the hours are sent in French and shown in the
    reader's language; a wording this client does not know is shown as sent."""
    from geg_tui.api import texts
    from geg_tui.api.models import SecretQuestion

    questions = await api.backend.secret_questions()
    hours = (await api.backend.support_info()).hours
    assert [texts.question_text(q) for q in questions] == [q.text for q in questions]
    i18n.set_language("en")
    try:
        english = [texts.question_text(q) for q in questions]
        assert english[0] == "What was the name of your first pet?"
        assert texts.support_hours(hours).startswith("Monday to Friday")
        assert texts.question_text(SecretQuestion(1, "Autre question ?")) == "Autre question ?"
    finally:
        i18n.set_language("fr")
    assert all("?" in text for text in english)


@pytest.mark.parametrize("status", [423, 429])
def test_a_blocked_answer_without_its_time_is_still_an_error_not_a_crash(status: int) -> None:
    """LOCK-1 / SIGNUP-5 answers carry ``until``; one without it (another server, a proxy)
    is rebuilt as a plain error with the text sent."""
    error = from_payload({"message": "Bloqué."}, status)
    assert isinstance(error, BackendError)
    assert error.message in ("Bloqué.", "Trop de tentatives. Réessayez plus tard.")
