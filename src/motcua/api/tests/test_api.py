import pytest


@pytest.mark.django_db
def test_openapi_document_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.1")
    for path in [
        "/api/v1/procedures",
        "/api/v1/procedures/{code}",
        "/api/v1/procedures/{code}/expected-return",
        "/api/v1/agencies",
        "/api/v1/agencies/{identifier}",
    ]:
        assert path in spec["paths"], path


@pytest.mark.django_db
def test_search_endpoint_is_accent_insensitive_and_paginates(client, small_catalog, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        body = client.get("/api/v1/procedures", {"q": "dang ky khai sinh"}).json()
    assert [p["code"] for p in body["items"]] == ["1.001193"]
    assert body["items"][0]["name"] == "Thủ tục đăng ký khai sinh"
    first = client.get("/api/v1/procedures", {"limit": 2}).json()
    assert first["next_after"] == "1.013225"
    rest = client.get("/api/v1/procedures", {"limit": 2, "after": first["next_after"]}).json()
    assert [p["code"] for p in rest["items"]] == ["2.001035"] and rest["next_after"] is None


@pytest.mark.django_db
def test_search_rejects_bad_filters_clearly(client, small_catalog):
    assert client.get("/api/v1/procedures", {"level": "district"}).status_code == 422
    assert client.get("/api/v1/procedures", {"limit": 0}).status_code == 422
    assert client.get("/api/v1/procedures", {"q": "x" * 201}).status_code == 422


@pytest.mark.django_db
def test_procedure_detail_publishes_what_the_law_requires(client, small_catalog):
    body = client.get("/api/v1/procedures/2.001035").json()
    assert body["time_limit_amount"] == "2.00" or float(body["time_limit_amount"]) == 2
    assert body["time_limit_unit"] == "working_days"
    assert {f["channel"]: f["amount"] for f in body["fees"]} == {"any": 50000, "online": 25000}
    assert body["documents"][0]["form"] == "original"
    assert body["resolving_agencies"] == ["H42.18073", "H42.18100"]
    assert [s["stage"] for s in body["process"]] == [1, 2, 3]
    assert client.get("/api/v1/procedures/9.999999").status_code == 404


@pytest.mark.django_db
def test_expected_return_endpoint(client, small_catalog):
    response = client.get("/api/v1/procedures/2.001035/expected-return", {"received_at": "2026-02-12T10:00:00+07:00"})
    assert response.status_code == 200
    assert response.json()["due_at"] in ("2026-02-23T10:00:00+07:00", "2026-02-23T03:00:00Z")
    bad = client.get("/api/v1/procedures/2.001035/expected-return", {"agency": "H42.77777"})
    assert bad.status_code == 422
    assert client.get("/api/v1/procedures/2.001035/expected-return", {"channel": "fax"}).status_code == 422


@pytest.mark.django_db
def test_agencies_endpoints(client, province, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        rows = client.get("/api/v1/agencies", {"parent": "H42"}).json()
    assert [a["identifier"] for a in rows] == ["H42.01", "H42.18073", "H42.18100", "H42.30"]
    one = client.get("/api/v1/agencies/H42.18073.01").json()
    assert one["level"] == "commune" and one["parent"] == "H42.18073"
    assert client.get("/api/v1/agencies/H42.00000").status_code == 404
