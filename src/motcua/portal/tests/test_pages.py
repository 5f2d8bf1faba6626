import pytest
from django.utils import translation


@pytest.mark.django_db
def test_home_lists_fields(client, small_catalog):
    page = client.get("/").content.decode()
    assert "Tìm thủ tục hành chính" in page
    assert "Hộ tịch" in page and "Chứng thực" in page


@pytest.mark.django_db
def test_catalogue_filters_and_htmx_partial(client, small_catalog):
    page = client.get("/thu-tuc/", {"q": "giay phep", "online": "partial"}).content.decode()
    assert "Cấp giấy phép xây dựng mới" in page and "Thủ tục đăng ký khai sinh" not in page
    partial = client.get("/thu-tuc/", {"q": "khai sinh"}, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and "Thủ tục đăng ký khai sinh" in partial
    empty = client.get("/thu-tuc/", {"q": "%%%"}).content.decode()
    assert "Không tìm thấy thủ tục phù hợp" in empty


@pytest.mark.django_db
def test_catalogue_ignores_unknown_filter_values(client, small_catalog):
    response = client.get("/thu-tuc/", {"level": "district'--", "online": "<x>", "q": "a" * 5000})
    assert response.status_code == 200


@pytest.mark.django_db
def test_procedure_page_shows_everything_published(client, small_catalog, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        page = client.get("/thu-tuc/1.013225/").content.decode()
    for expected in [
        "1.013225",
        "Hoạt động xây dựng",
        "Ủy ban nhân dân cấp xã",
        "Phòng Kinh tế, Hạ tầng và Đô thị; Công an xã",
        "Đơn đề nghị cấp giấy phép xây dựng",
        "Bản chính",
        "75.000 đ",
        "15 ngày làm việc",
        "Cá nhân, tổ chức",
        "Giấy phép xây dựng",
        "Luật Xây dựng 2014",
        "Trực tuyến một phần",
        "Nộp được ở bất kỳ đâu trong tỉnh",
        "Dự kiến có kết quả khi nộp trực tiếp",
        "Lấy ý kiến công an",
    ]:
        assert expected in page, expected
    assert client.get("/thu-tuc/9.999999/").status_code == 404


@pytest.mark.django_db
def test_online_fee_shown_beside_counter_fee(client, small_catalog, settings):
    page = client.get("/thu-tuc/2.001035/").content.decode()
    assert "50.000 đ" in page


def test_english_is_available():
    with translation.override("en"):
        assert translation.gettext("Larger text") == "Larger text"
    with translation.override("vi"):
        assert translation.gettext("Larger text") == "Chữ lớn"
        assert translation.gettext("Procedure catalogue") == "Danh mục thủ tục hành chính"


@pytest.mark.django_db
def test_vietnamese_first_whatever_the_browser_asks(client, small_catalog):
    english_phone = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).content.decode()
    assert "Tìm thủ tục hành chính" in english_phone
    client.cookies["django_language"] = "en"
    assert "Find an administrative procedure" in client.get("/").content.decode()
