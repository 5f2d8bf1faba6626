"""The back office's dossier API: every action over HTTP with a token, refusals as 403/409/422 in
English, dossiers invisible (404) outside their agencies, keyset pages and few statements."""

import base64
import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.api.services import issue_token, revoke
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, Event
from motcua.dossiers.tests.conftest import PDF, at, person

B64 = base64.b64encode(PDF).decode()


def reception(**overrides):
    body = {
        "centre": "H42.18073.01",
        "procedure": "2.001035",
        "applicant": {
            "kind": "person",
            "name": "Nguyễn Thị Lan",
            "id_number": "042190000123",
            "address": "Số 5, đường Trần Phú, phường Thành Sen, Hà Tĩnh",
            "birth_date": "1990-05-01",
            "phone": "0912345678",
        },
        "documents": [{"name": "Dự thảo hợp đồng", "form": "original", "filename": "hd.pdf", "content_base64": B64}],
        "fees_collected": 50000,
    }
    body.update(overrides)
    return body


class Officer:
    """An HTTP client speaking as one officer through his API token."""

    def __init__(self, user):
        self.user = user
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {issue_token(user, 'tests')}"}

    def get(self, url, **params):
        return self.client.get(f"/api/v1/dossiers{url}", params, headers=self.headers)

    def post(self, url, body=None):
        data = json.dumps(body) if body is not None else ""
        return self.client.post(f"/api/v1/dossiers{url}", data, content_type="application/json", headers=self.headers)

    def act(self, ref, action, body=None, *, when):
        with time_machine.travel(when, tick=False):
            return self.post(f"/{ref}/actions/{action}", body)


@pytest.fixture
def api(officers, small_catalog):
    return {name: Officer(user) for name, user in officers.items()}


def receive_over_http(officer, when=None, **overrides):
    with time_machine.travel(when or at(2026, 1, 12, 9, 0), tick=False):
        response = officer.post("", reception(**overrides))
    assert response.status_code == 201, response.content
    return response.json()


@pytest.mark.django_db
def test_openapi_documents_every_dossier_action(client):
    spec = client.get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    assert "post" in paths["/api/v1/dossiers"]
    assert "multipart/form-data" in paths["/api/v1/dossiers"]["post"]["requestBody"]["content"]
    for path in ["/api/v1/dossiers/{ref}", "/api/v1/dossiers/{ref}/events", "/api/v1/dossiers/queues/{name}"]:
        assert path in paths, path
    for action in [
        "receive",
        "request_supplement_at_reception",
        "refuse_at_reception",
        "complete_step",
        "assign",
        "request_supplement",
        "supplement",
        "approve",
        "refuse",
        "extend",
        "withdraw",
        "notify_early_return",
        "return_result",
    ]:
        operation = paths[f"/api/v1/dossiers/{{ref}}/actions/{action}"]["post"]
        assert {"200", "403", "404", "409", "422"} <= set(operation["responses"]), action
        assert operation["tags"] == ["dossiers"]
    assert {"ApiTokenAuth", "OfficerSessionAuth"} <= set(spec["components"]["securitySchemes"])


@pytest.mark.django_db
def test_reception_gives_code_appointment_and_first_step(api, province, django_assert_max_num_queries):
    # Steady state: the token's first use is recorded once, calendars are kept for a minute.
    api["receptionist"].get("/queues/to_handle")
    services.calendar_of(province["thanh_sen"])
    # 13 statements and the savepoint around them: token, centre, role, procedure, resolving
    # agency, its working hours, counter, dossier, process steps, steps, control slip, the messages
    # to the applicant (one insert), documents; the document store adds four: the blob looked up
    # and inserted, the warehouse document and its first version.
    with time_machine.travel(at(2026, 1, 12, 9, 0), tick=False), django_assert_max_num_queries(19):
        response = api["receptionist"].post("", reception())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"] == "H42.18073-260112-0001" and body["status"] == "received"
    assert dt.datetime.fromisoformat(body["due_at"]) == at(2026, 1, 14, 9, 0)
    first_step = api["receptionist"].get(f"/{body['code']}").json()["steps"][0]
    assert (first_step["state"], first_step["role"], first_step["agency"]["identifier"]) == (
        "active",
        "receptionist",
        "H42.18073.01",
    )
    document = Dossier.objects.get(code=body["code"]).documents.get()
    assert document.content_type == "application/pdf" and document.size == len(PDF)


@pytest.mark.django_db
def test_reception_follows_the_communes_own_process_with_a_coordinating_agency(api, province):
    from motcua.catalog import services as catalog
    from motcua.catalog.models import ProcessStep, ProcessTemplate

    def step(stage, name, role, agency_role, share, coordinating=None):
        return ProcessStep(
            stage=stage,
            name=name,
            role=role,
            agency_role=agency_role,
            coordinating_agency=coordinating,
            share=Decimal(share),
        )

    catalog.save_process(
        ProcessTemplate(version=catalog.version_in_force("2.001035"), agency=province["thanh_sen"]),
        [
            step(1, "Tiếp nhận", "receptionist", "receiving_centre", "0.5"),
            step(2, "Thẩm định", "specialist", "resolving", "1"),
            step(2, "Xác minh", "specialist", "coordinating", "1", province["justice"]),
            step(3, "Ký", "leader", "resolving", "0.5"),
        ],
    )
    code = receive_over_http(api["receptionist"])["code"]
    steps = api["receptionist"].get(f"/{code}").json()["steps"]
    assert [(s["stage"], s["name"], s["agency"]["identifier"], s["state"]) for s in steps] == [
        (1, "Tiếp nhận", "H42.18073.01", "active"),
        (2, "Thẩm định", "H42.18073", "waiting"),
        (2, "Xác minh", "H42.01", "waiting"),
        (3, "Ký", "H42.18073", "waiting"),
    ]
    # Another commune follows the model process.
    other = receive_over_http(api["other_receptionist"], centre="H42.18100.01")["code"]
    assert len(api["other_receptionist"].get(f"/{other}").json()["steps"]) == 3


@pytest.mark.django_db
def test_reception_with_scans_as_multipart_files(api):
    body = reception(
        documents=[
            {"name": "Dự thảo hợp đồng", "form": "original", "file": "scan1"},
            {"name": "Bản sao CCCD", "form": "copy", "quantity": 2},
        ]
    )
    with time_machine.travel(at(2026, 1, 12, 9, 0), tick=False):
        response = api["receptionist"].client.post(
            "/api/v1/dossiers",
            {"reception": json.dumps(body), "scan1": SimpleUploadedFile("hd.pdf", PDF, "application/pdf")},
            headers=api["receptionist"].headers,
        )
    assert response.status_code == 201, response.content
    documents = Dossier.objects.get(pk=response.json()["id"]).documents.order_by("id")
    assert [(d.name, d.size, d.quantity) for d in documents] == [
        ("Dự thảo hợp đồng", len(PDF), 1),
        ("Bản sao CCCD", 0, 2),
    ]


@pytest.mark.django_db
def test_reception_can_end_with_form_02_or_form_03(api):
    asked = receive_over_http(api["receptionist"], outcome="supplement", items=["Bản sao sổ đỏ"], reasons="Thiếu")
    assert asked["status"] == "supplement_requested" and asked["code"] is None
    refused = receive_over_http(api["receptionist"], outcome="refuse", reasons="Không thuộc thẩm quyền")
    assert refused["status"] == "refused" and refused["finished_at"] is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"applicant": {**reception()["applicant"], "id_number": "12345"}}, "applicant_id_number", "12 digits"),
        ({"procedure": "9.999999"}, "procedure", "no procedure in force"),
        ({"centre": "H42.99999.01"}, "centre", "no agency"),
        ({"documents": [{"name": "x", "form": "copy", "content_base64": "@@"}]}, "documents", "base64"),
        ({"outcome": "refuse"}, "reasons", "reasons"),
        ({"return_method": "post"}, "return_address", "address"),
    ],
)
def test_bad_reception_is_422_in_english_and_saves_nothing(api, overrides, field, words):
    with time_machine.travel(at(2026, 1, 12, 9, 0), tick=False):
        response = api["receptionist"].post("", reception(**overrides))
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert words in response.json()["detail"].lower()
    assert not Dossier.objects.exists()


@pytest.mark.django_db
def test_schema_errors_are_422(api):
    assert api["receptionist"].post("", {"centre": "H42.18073.01"}).status_code == 422
    assert api["receptionist"].post("", reception(outcome="later")).status_code == 422


@pytest.mark.django_db
def test_reception_by_someone_without_the_role_is_403(api):
    with time_machine.travel(at(2026, 1, 12, 9, 0), tick=False):
        response = api["specialist"].post("", reception())
    assert response.status_code == 403
    assert "role" in response.json()["detail"]


@pytest.mark.django_db
def test_full_path_over_http_and_the_control_slip(api, officers):
    dossier = receive_over_http(api["receptionist"])
    code = dossier["code"]
    steps = [
        ("receptionist", "complete_step", None, at(2026, 1, 12, 10, 0)),
        ("leader", "assign", {"specialist": officers["specialist"].username}, at(2026, 1, 12, 11, 0)),
        ("specialist", "complete_step", {"note": "Hồ sơ hợp lệ"}, at(2026, 1, 13, 10, 0)),
        ("leader", "approve", {"note": "Đồng ý"}, at(2026, 1, 13, 15, 0)),
        ("receptionist", "notify_early_return", None, at(2026, 1, 13, 15, 30)),
        ("receptionist", "return_result", {}, at(2026, 1, 14, 8, 0)),
    ]
    revision = dossier["revision"]
    for who, action, body, when in steps:
        response = api[who].act(code, action, {**(body or {}), "revision": revision}, when=when)
        assert response.status_code == 200, (action, response.content)
        assert response.json()["revision"] == revision + 1
        revision += 1
    assert response.json()["status"] == "returned"
    events = api["specialist"].get(f"/{code}/events").json()
    assert [(e["action"], e["timing"], e["agency"]) for e in events] == [
        ("receive", "", "H42.18073.01"),
        ("complete_step", "on_time", "H42.18073.01"),
        ("assign", "", "H42.18073"),
        ("complete_step", "on_time", "H42.18073"),
        ("approve", "early", "H42.18073"),
        ("notify_early_return", "", "H42.18073.01"),
        ("return_result", "on_time", "H42.18073.01"),
    ]
    assert events[3]["note"] == "Hồ sơ hợp lệ" and events[3]["actor"] == "Chuyenvien"
    detail = api["leader"].get(f"/{code}").json()
    assert detail["status"] == "returned" and detail["actions"] == []
    assert detail["applicant"]["name"] == "Nguyễn Thị Lan"
    assert [s["state"] for s in detail["steps"]] == ["done", "done", "done"]


@pytest.mark.django_db
def test_supplement_extension_and_withdrawal_over_http(api):
    code = receive_over_http(api["receptionist"], when=at(2026, 1, 12, 9, 0))["code"]
    asked = api["specialist"].act(
        code, "request_supplement", {"items": ["Bản sao sổ đỏ"], "reasons": "Thiếu"}, when=at(2026, 1, 12, 10, 0)
    )
    assert asked.json()["status"] == "supplement_requested"
    detail = api["specialist"].get(f"/{code}").json()
    assert detail["open_suspension"]["items"] == ["Bản sao sổ đỏ"]
    supplemented = api["receptionist"].act(
        code,
        "supplement",
        {"documents": [{"name": "Bản sao sổ đỏ", "form": "copy", "content_base64": B64}], "note": "Đã nộp"},
        when=at(2026, 1, 14, 9, 0),
    )
    assert supplemented.status_code == 200 and supplemented.json()["status"] == "supplemented"
    # Law: the full 2 working days again from Wednesday 14/01 09:00.
    assert dt.datetime.fromisoformat(supplemented.json()["due_at"]) == at(2026, 1, 16, 9, 0)
    extended = api["leader"].act(
        code,
        "extend",
        {"new_due_at": "2026-01-23T17:00:00+07:00", "reason": "Chờ xác minh"},
        when=at(2026, 1, 14, 10, 0),
    )
    assert extended.status_code == 200
    assert dt.datetime.fromisoformat(extended.json()["due_at"]) == at(2026, 1, 23, 17, 0)
    again = api["leader"].act(
        code, "extend", {"new_due_at": "2026-01-30T17:00:00+07:00", "reason": "Lần hai"}, when=at(2026, 1, 15, 10, 0)
    )
    assert again.status_code == 409 and "only once" in again.json()["detail"]
    withdrawn = api["receptionist"].act(code, "withdraw", {"reasons": "Công dân xin rút"}, when=at(2026, 1, 15, 11, 0))
    assert withdrawn.json()["status"] == "withdrawn" and withdrawn.json()["active_steps"] == []


@pytest.mark.django_db
def test_reception_queue_actions_over_http(api, province, small_catalog):
    with time_machine.travel(at(2026, 1, 12, 9, 0), tick=False):
        first = services.submit_online("1.001193", province["thanh_sen_centre"], person())
        second = services.submit_online("1.001193", province["thanh_sen_centre"], person(name="Trần Văn Hùng"))
    asked = api["receptionist"].act(
        first.pk,
        "request_supplement_at_reception",
        {"items": ["Tờ khai"], "reasons": "Thiếu tờ khai"},
        when=at(2026, 1, 12, 10, 0),
    )
    assert asked.status_code == 200 and asked.json()["status"] == "supplement_requested"
    supplemented = api["receptionist"].act(first.pk, "supplement", None, when=at(2026, 1, 13, 9, 0))
    assert supplemented.json()["status"] == "supplemented"
    received = api["receptionist"].act(first.pk, "receive", None, when=at(2026, 1, 13, 9, 30))
    assert received.status_code == 200 and received.json()["code"] == "H42.18073-260113-0001"
    refused = api["receptionist"].act(
        second.pk, "refuse_at_reception", {"reasons": "Sai thẩm quyền"}, when=at(2026, 1, 12, 10, 0)
    )
    assert refused.json()["status"] == "refused"


@pytest.mark.django_db
def test_refusal_after_appraisal_over_http(api):
    code = receive_over_http(api["receptionist"])["code"]
    response = api["leader"].act(code, "refuse", {"reasons": "Không đủ điều kiện"}, when=at(2026, 1, 12, 10, 0))
    assert response.status_code == 200 and response.json()["status"] == "refused"


@pytest.mark.django_db
def test_refusals_are_403_409_422_with_english_messages(api):
    dossier = receive_over_http(api["receptionist"])
    code, when = dossier["code"], at(2026, 1, 12, 10, 0)
    # 403: a receptionist may not refuse after appraisal.
    forbidden = api["receptionist"].act(code, "refuse", {"reasons": "x"}, when=when)
    assert forbidden.status_code == 403 and "role" in forbidden.json()["detail"]
    # 409: no result to return yet; and a stale revision.
    early = api["receptionist"].act(code, "return_result", None, when=when)
    assert early.status_code == 409 and "Received" in early.json()["detail"]
    api["receptionist"].act(code, "complete_step", {"revision": dossier["revision"]}, when=when)
    stale = api["receptionist"].act(code, "withdraw", {"revision": dossier["revision"]}, when=when)
    assert stale.status_code == 409 and "changed" in stale.json()["detail"]
    # 422: bad input, named.
    no_reasons = api["leader"].act(code, "refuse", {"reasons": " "}, when=when)
    assert no_reasons.status_code == 422 and no_reasons.json() == {"detail": "Write the reasons.", "field": "reasons"}
    nobody = api["leader"].act(code, "assign", {"specialist": "nobody"}, when=when)
    assert nobody.status_code == 422 and nobody.json()["field"] == "specialist"
    assert api["leader"].act(code, "refuse", {}, when=when).status_code == 422  # reasons missing from the body
    assert Dossier.objects.get(code=code).status == "in_progress"


@pytest.mark.django_db
def test_dossiers_outside_my_agencies_do_not_exist_for_me(api, province):
    code = receive_over_http(api["receptionist"])["code"]
    citizen = Officer(get_user_model().objects.create_user("congdan"))
    stranger = api["other_receptionist"]  # a receptionist of another commune
    for caller in (citizen, stranger):
        assert caller.get(f"/{code}").status_code == 404
        assert caller.get(f"/{code}/events").status_code == 404
        assert caller.act(code, "withdraw", None, when=at(2026, 1, 12, 10, 0)).status_code == 404
    assert citizen.get("/queues/to_handle").json() == {"items": [], "next_after": None}
    assert api["receptionist"].get(f"/{code.lower()}").status_code == 200
    assert api["receptionist"].get("/H42.18073-260112-9999").status_code == 404


@pytest.mark.django_db
def test_tokens_and_sessions(api, officers):
    code = receive_over_http(api["receptionist"])["code"]
    url = f"/api/v1/dossiers/{code}"
    anonymous = Client()
    assert anonymous.get(url).status_code == 401
    assert anonymous.get(url, headers={"Authorization": "Bearer motcua_wrong"}).status_code == 401
    token = issue_token(officers["receptionist"], "revoked later")
    assert anonymous.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    revoke(officers["receptionist"].api_tokens.get(name="revoked later"))
    assert anonymous.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert officers["receptionist"].api_tokens.get(name="revoked later").last_used_at is not None
    # The back office's own pages use the session; changes need the CSRF token.
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officers["receptionist"])
    assert browser.get(url).status_code == 200
    action = f"{url}/actions/complete_step"
    assert browser.post(action, "{}", content_type="application/json").status_code == 403
    browser.get("/can-bo/dang-nhap/")  # sets the CSRF cookie
    csrf = browser.cookies["csrftoken"].value
    with time_machine.travel(at(2026, 1, 12, 10, 0), tick=False):
        done = browser.post(action, "{}", content_type="application/json", headers={"X-CSRFToken": csrf})
    assert done.status_code == 200 and done.json()["status"] == "in_progress"


@pytest.mark.django_db
def test_issue_api_token_command_prints_the_secret_once(officers, capsys):
    from django.core.management import call_command

    call_command("issue_api_token", "tiepnhan", "Phần mềm một cửa")
    secret = capsys.readouterr().out.strip()
    token = officers["receptionist"].api_tokens.get()
    assert secret.startswith("motcua_") and token.prefix == secret[:14] and secret not in token.key_hash
    response = Client().get("/api/v1/dossiers/queues", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200


@pytest.mark.django_db
def test_queue_pages_walk_the_queue_once(api, django_assert_max_num_queries):
    made = [receive_over_http(api["receptionist"], when=at(2026, 1, 12, 8, m))["id"] for m in range(0, 50, 7)]
    seen, after = [], None
    with time_machine.travel(at(2026, 1, 12, 9, 0), tick=False):
        api["receptionist"].get("/queues/to_handle")  # the token's first use is recorded once
        while True:
            params = {"limit": 3, **({"after": after} if after else {})}
            with django_assert_max_num_queries(3):  # token, the officer's agencies, the page
                page = api["receptionist"].get("/queues/to_handle", **params).json()
            seen += [row["dossier_id"] for row in page["items"]]
            after = page["next_after"]
            if after is None:
                break
        assert page["items"][-1]["step_role"] == "receptionist"
        counts = api["receptionist"].get("/queues").json()
    assert sorted(seen) == sorted(made) and len(seen) == len(set(seen))
    assert counts["to_handle"] == len(made) and counts["to_sign"] == 0
    assert api["receptionist"].get("/queues/to_handle", after="garbage").status_code == 422
    assert api["receptionist"].get("/queues/nothing").status_code == 404


@pytest.mark.django_db
def test_waiting_queue_pages_include_dossiers_never_received(api):
    # Form 02 at reception leaves no received_at: such rows sort last and are still paged through.
    made = [
        receive_over_http(api["receptionist"], outcome="supplement", items=["Tờ khai"], reasons="Thiếu")["id"]
        for _ in range(3)
    ]
    for minute in (0, 10):
        code = receive_over_http(api["receptionist"], when=at(2026, 1, 12, 8, minute))["code"]
        api["specialist"].act(code, "request_supplement", {"items": ["Bản sao"]}, when=at(2026, 1, 12, 9, 0))
        made.append(Dossier.objects.get(code=code).pk)
    seen, after = [], None
    while True:
        page = api["receptionist"].get("/queues/waiting_applicant", limit=2, **({"after": after} if after else {}))
        seen += [row["dossier_id"] for row in page.json()["items"]]
        after = page.json()["next_after"]
        if after is None:
            break
    assert seen[:2] == made[3:] and sorted(seen) == sorted(made) and len(seen) == len(set(seen))


@pytest.mark.django_db
def test_every_event_of_an_api_action_names_the_officer(api, officers):
    code = receive_over_http(api["receptionist"])["code"]
    api["receptionist"].act(code, "complete_step", None, when=at(2026, 1, 12, 10, 0))
    assert Event.objects.filter(dossier__code=code, action="complete_step").get().actor == officers["receptionist"]


@pytest.mark.django_db
def test_a_token_issued_in_admin_is_shown_once_and_only_its_hash_kept(client, officers):
    from motcua.api.models import ApiToken

    admin = get_user_model().objects.create_superuser("quantri", password="x")
    client.force_login(admin)
    response = client.post(
        "/quan-tri/api/apitoken/add/", {"officer": officers["receptionist"].pk, "name": "Kiosk"}, follow=True
    )
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    secret = next(word for message in shown for word in message.split() if word.startswith("motcua_"))
    token = ApiToken.objects.get(name="Kiosk")
    assert secret not in token.key_hash and token.prefix == secret[:14]
    listing = client.get("/quan-tri/api/apitoken/").content.decode()
    assert "Kiosk" in listing and secret not in listing
    assert Client().get("/api/v1/dossiers/queues", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
