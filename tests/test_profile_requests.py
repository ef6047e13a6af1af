"""Personal details and customer service: PROFILE-1…3, REQ-1…5."""

from __future__ import annotations

import re

import pytest

from geg_tui.api.errors import AuthError, Conflict, NotFound, ValidationError
from geg_tui.api.models import ContactForm, RequestCategory, RequestStatus
from geg_tui.fake_backend import admin
from geg_tui.fake_backend.backend import FakeBackend
from tests.conftest import signup_request, unregistered_customer


async def login_demo(backend: FakeBackend, demo: dict[str, str]) -> str:
    return (await backend.login(demo["email"], demo["password"])).token


def code_in(body: str) -> str:
    match = re.search(r"\b([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})\b", body)
    assert match, body
    return match.group(1)


async def test_profile_1_editable_fields_and_name_not(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    token = await login_demo(backend, demo_credentials)
    before = await backend.profile(token)
    assert before.identity.last_name == "Martin" and before.secret_question.id == 2
    after = await backend.update_contact_details(
        token,
        phone="04 76 00 11 22",
        mobile="+33 7 11 22 33 44",
        street="3 rue Lesdiguières",
        postcode="38000",
        city="Grenoble",
    )
    assert after.phone == "04 76 00 11 22" and after.mobile == "07 11 22 33 44"
    assert after.postal_address.one_line == "3 rue Lesdiguières, 38000 Grenoble"
    assert after.identity == before.identity and after.birth_date == before.birth_date
    import inspect

    params = inspect.signature(backend.update_contact_details).parameters
    assert not {"first_name", "last_name", "birth_date"} & set(params)  # only via customer service
    removed = await backend.update_contact_details(token, phone="")
    assert removed.phone is None and removed.mobile == "07 11 22 33 44"


async def test_profile_2_email_change_needs_password_and_confirmation(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    token = await login_demo(backend, demo_credentials)
    old = demo_credentials["email"]
    with pytest.raises(ValidationError) as err:
        await backend.request_email_change(token, "claire.nouvelle@exemple.fr", "faux")
    assert "password" in err.value.fields
    await backend.request_email_change(
        token, "Claire.Nouvelle@exemple.fr", demo_credentials["password"]
    )
    profile = await backend.profile(token)
    assert profile.email == old and profile.pending_email == "claire.nouvelle@exemple.fr"
    with pytest.raises(AuthError):
        await backend.login("claire.nouvelle@exemple.fr", demo_credentials["password"])  # not yet
    with pytest.raises(ValidationError):
        await backend.confirm_email_change(token, "AAAA-BBBB-CCCC")
    code = code_in(admin.read_outbox(backend, "claire.nouvelle@exemple.fr")[-1].body)
    profile = await backend.confirm_email_change(token, code)
    assert profile.email == "claire.nouvelle@exemple.fr" and profile.pending_email is None
    assert (await backend.login("claire.nouvelle@exemple.fr", demo_credentials["password"])).token
    assert any("identifiant" in m.subject for m in admin.read_outbox(backend, old))


async def test_profile_2_email_taken_and_secret_question(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    customer = unregistered_customer(backend)
    other = signup_request(customer)
    await backend.signup_confirm(other)
    token = await login_demo(backend, demo_credentials)
    with pytest.raises(ValidationError) as err:
        await backend.request_email_change(token, other.email, demo_credentials["password"])
    assert "new_email" in err.value.fields
    with pytest.raises(ValidationError) as err:
        await backend.change_secret_question(token, "faux", 1, "Rex")
    assert "password" in err.value.fields
    await backend.change_secret_question(token, demo_credentials["password"], 1, "Rex le chien")
    assert (await backend.profile(token)).secret_question.id == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"phone": "123"}, "phone"),
        ({"mobile": "04 76 11 22 33"}, "mobile"),
        ({"postcode": "3800"}, "postcode"),
        ({"postcode": "38 0000"}, "postcode"),
        ({"street": ""}, "street"),
        ({"city": "x" * 81}, "city"),
    ],
)
async def test_profile_3_phones_and_address_checked(
    backend: FakeBackend, demo_credentials: dict[str, str], kwargs: dict[str, str], field: str
) -> None:
    token = await login_demo(backend, demo_credentials)
    before = await backend.profile(token)
    with pytest.raises(ValidationError) as err:
        await backend.update_contact_details(token, **{"street": "1 rue Neuve", **kwargs})
    assert field in err.value.fields
    assert await backend.profile(token) == before  # nothing partial


async def test_req_1_form_rules(backend: FakeBackend, demo_credentials: dict[str, str]) -> None:
    token = await login_demo(backend, demo_credentials)
    with pytest.raises(ValidationError) as err:
        await backend.create_request(token, ContactForm(RequestCategory.BILL, "x" * 101, "court"))
    assert {"subject", "message"} <= set(err.value.fields)
    with pytest.raises(ValidationError) as err:
        await backend.create_request(
            token, ContactForm("inconnue", "Objet", "Un message assez long.")
        )  # type: ignore[arg-type]
    assert "category" in err.value.fields
    request = await backend.create_request(
        token,
        ContactForm(
            RequestCategory.MOVING, "Déménagement", "Je déménage le mois prochain à Voiron.\nMerci."
        ),
    )
    assert request.category is RequestCategory.MOVING
    with pytest.raises(ValidationError) as err:
        await backend.contact_logged_out(
            ContactForm(
                RequestCategory.ACCOUNT_ACCESS,
                "Accès",
                "Mon compte est bloqué.",
                name="",
                email="pas-un-mail",
            )
        )
    assert {"name", "email"} <= set(err.value.fields)


async def test_req_2_reference_status_and_history(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    token = await login_demo(backend, demo_credentials)
    first = await backend.create_request(
        token, ContactForm(RequestCategory.BILL, "Facture", "Question sur ma facture de gaz.")
    )
    second = await backend.create_request(
        token, ContactForm(RequestCategory.OTHER, "Autre", "Une autre question, merci.")
    )
    assert re.fullmatch(r"DEM-2026-\d{6}", first.ref)
    assert int(second.ref[-6:]) == int(first.ref[-6:]) + 1
    assert first.status is RequestStatus.RECEIVED and len(first.events) == 1
    admin.reply(backend, first.ref, "Bonjour, votre facture est correcte.")
    admin.set_status(backend, first.ref, "cloturee")
    request = await backend.get_request(token, first.ref)
    assert request.status is RequestStatus.CLOSED
    statuses = [e.status for e in request.events if e.status]
    assert statuses == [RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS, RequestStatus.CLOSED]
    assert all(e.at for e in request.events)


async def test_req_3_customer_reads_replies_and_writes_while_open(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    token = await login_demo(backend, demo_credentials)
    request = await backend.create_request(
        token, ContactForm(RequestCategory.METER, "Relevé", "Mon compteur affiche 12345.")
    )
    admin.reply(backend, request.ref, "Merci, pouvez-vous envoyer une photo ?")
    updated = await backend.add_request_message(
        token, request.ref, "Voici la photo demandée, en pièce jointe."
    )
    texts = [e.text for e in updated.events]
    assert "Merci, pouvez-vous envoyer une photo ?" in texts and texts[-1].startswith("Voici")
    assert [r.ref for r in await backend.list_requests(token)] == [request.ref]
    admin.resolve(backend, request.ref)
    with pytest.raises(Conflict):
        await backend.add_request_message(token, request.ref, "Encore une question, merci.")


async def test_req_3_another_customers_request_is_invisible(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    customer = unregistered_customer(backend)
    other = signup_request(customer)
    await backend.signup_confirm(other)
    theirs = await backend.login(other.email, other.password)
    request = await backend.create_request(
        theirs.token, ContactForm(RequestCategory.OTHER, "Privé", "Une question privée.")
    )
    token = await login_demo(backend, demo_credentials)
    with pytest.raises(NotFound):
        await backend.get_request(token, request.ref)
    with pytest.raises(NotFound):
        await backend.add_request_message(
            token, request.ref, "Je ne devrais pas pouvoir écrire ici."
        )


async def test_req_4_customer_service_status_and_resolution(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    token = await login_demo(backend, demo_credentials)
    request = await backend.create_request(
        token, ContactForm(RequestCategory.COMPLAINT, "Réclamation", "Ma facture est trop élevée.")
    )
    admin.set_status(backend, request.ref, "en_cours")
    with pytest.raises(ValidationError):
        admin.set_status(backend, request.ref, "perdue")
    assert admin.resolve(backend, request.ref) == "aucun"
    assert (await backend.get_request(token, request.ref)).status is RequestStatus.RESOLVED
    assert any(
        request.ref in m.subject for m in admin.read_outbox(backend, demo_credentials["email"])
    )


async def test_req_5_acknowledgement_mail_with_reference(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    token = await login_demo(backend, demo_credentials)
    request = await backend.create_request(
        token, ContactForm(RequestCategory.CONTRACT, "Contrat", "Je voudrais changer de puissance.")
    )
    acks = [
        m
        for m in admin.read_outbox(backend, demo_credentials["email"])
        if "bien été reçue" in m.subject
    ]
    assert len(acks) == 1 and request.ref in acks[0].subject and request.ref in acks[0].body


async def test_req_3_a_version_3_data_file_keeps_its_old_replies_read(
    backend: FakeBackend, demo_credentials: dict[str, str], tmp_path
) -> None:
    """The upgrade to version 4 marks what was answered before it as read (those replies were
    mailed long ago); what customer service writes afterwards is unread."""
    import sqlite3

    from geg_tui.fake_backend.store import DB_FILENAME, Store
    from tests.schema_history import downgrade_to_v3

    token = await login_demo(backend, demo_credentials)
    request = await backend.create_request(
        token, ContactForm(RequestCategory.BILL, "Facture", "Pourquoi ce montant, merci ?")
    )
    admin.reply(backend, request.ref, "Bonjour, c'est la régularisation annuelle.")
    Store.in_dir(tmp_path).close()
    target = sqlite3.connect(tmp_path / DB_FILENAME)
    backend.store._conn.backup(target)
    target.close()
    old = Store.in_dir(tmp_path)
    with old.transaction() as db:
        downgrade_to_v3(db)
    old.close()
    upgraded = FakeBackend(Store.in_dir(tmp_path), hasher=backend.hasher)
    token = await login_demo(upgraded, demo_credentials)
    assert [r.unread for r in await upgraded.list_requests(token)] == [False]
    admin.reply(upgraded, request.ref, "Et la prochaine facture sera plus basse.")
    assert [r.unread for r in await upgraded.list_requests(token)] == [True]
    upgraded.store.close()
