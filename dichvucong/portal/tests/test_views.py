from __future__ import annotations

import pytest
from django.test import Client

from dichvucong.catalogue.models import Procedure
from dichvucong.catalogue.services import form_template_attach_file

JUSTICE = "1.001776.000.00.00.H10"
PERMIT = "1.008891.000.00.00.H10"


def text(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
def test_home_shows_search_figures_and_agencies(client: Client, procedures) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = text(response)
    assert 'lang="vi"' in html
    assert "Tra cứu thủ tục hành chính" in html
    assert "Sở Tư pháp" in html
    assert "Cấp giấy phép xây dựng nhà ở riêng lẻ" in html


@pytest.mark.django_db
def test_search_without_diacritics(client: Client, procedures) -> None:
    html = text(client.get("/thu-tuc/", {"search": "giay phep xay dung"}))
    assert "Cấp giấy phép xây dựng nhà ở riêng lẻ" in html
    assert "Cấp Phiếu lý lịch tư pháp" not in html


@pytest.mark.django_db
def test_search_page_reports_bad_filters(client: Client, procedures) -> None:
    response = client.get("/thu-tuc/", {"tier": "moon", "page": "zzz"})
    assert response.status_code == 400
    assert "moon không phải là một giá trị hợp lệ" in text(response)


@pytest.mark.django_db
def test_search_page_paginates_leniently(client: Client, procedures) -> None:
    assert client.get("/thu-tuc/", {"page": "999"}).status_code == 200


@pytest.mark.django_db
def test_search_page_query_count(client: Client, procedures, django_assert_max_num_queries) -> None:
    with django_assert_max_num_queries(8):
        client.get("/thu-tuc/", {"search": "cap"})


@pytest.mark.django_db
def test_procedure_detail_shows_level_1_items(client: Client, procedures) -> None:
    html = text(client.get(f"/thu-tuc/{JUSTICE}/"))
    for expected in [
        "Trình tự thực hiện",
        "Bước 2: Nộp hồ sơ",
        "Trực tiếp",
        "10 ngày làm việc",
        "Phí: 200.000 đồng",
        "Bản chụp chứng minh nhân dân hoặc hộ chiếu",
        "Công dân Việt Nam; Người nước ngoài",
        "Sở Tư pháp",
        "Phiếu lý lịch tư pháp",
        "28/2009/QH12",
        "215/QĐ-UBND",
        "Trường hợp ủy quyền",
        "Dữ liệu minh họa",
    ]:
        assert expected in html, expected
    assert Procedure.objects.get(code=JUSTICE).view_count == 1


@pytest.mark.django_db
def test_procedure_detail_links_the_form_download(client: Client, procedures) -> None:
    form = procedures[0].forms.get()
    form_template_attach_file(form=form, filename="to-khai-03.docx", content=b"PK docx bytes")
    html = text(client.get(f"/thu-tuc/{JUSTICE}/"))
    assert f"/bieu-mau/{form.pk}/tai-ve/" in html
    response = client.get(f"/bieu-mau/{form.pk}/tai-ve/")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert content == b"PK docx bytes"
    assert "attachment" in response["Content-Disposition"]
    assert "to-khai-03" in response["Content-Disposition"]


@pytest.mark.django_db
def test_form_without_file_or_unknown_gives_404(client: Client, procedures) -> None:
    form = procedures[0].forms.get()
    assert client.get(f"/bieu-mau/{form.pk}/tai-ve/").status_code == 404
    assert client.get("/bieu-mau/999999/tai-ve/").status_code == 404


@pytest.mark.django_db
def test_old_versions_stay_readable(client: Client, procedures) -> None:
    from conftest import publish
    from dichvucong.catalogue.tests.records import make_record

    publish(make_record(1, TENTTHC="Cấp giấy phép xây dựng (sửa đổi 2016)"))
    assert "sửa đổi 2016" in text(client.get(f"/thu-tuc/{PERMIT}/"))
    old = text(client.get(f"/thu-tuc/{PERMIT}/phien-ban/1/"))
    assert "Cấp giấy phép xây dựng nhà ở riêng lẻ" in old
    assert "không còn hiệu lực" in old
    assert client.get(f"/thu-tuc/{PERMIT}/phien-ban/9/").status_code == 404


@pytest.mark.django_db
def test_unknown_procedure_gives_404(client: Client, procedures) -> None:
    response = client.get("/thu-tuc/1.999999.000.00.00.H10/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in text(response)


@pytest.mark.django_db
def test_agency_pages(client: Client, procedures) -> None:
    index = text(client.get("/co-quan/"))
    assert "Sở Tư pháp" in index and "Ủy ban nhân dân phường Tân Phú" in index
    assert "Bộ phận tiếp nhận" not in index
    detail = client.get("/co-quan/000.00.01.H10/")
    html = text(detail)
    assert "Cấp Phiếu lý lịch tư pháp" in html
    assert "Cấp giấy phép xây dựng" not in html
    assert "/co-quan/000.00.01.H10/nhung/" in html  # the embed snippet
    assert "Bộ phận tiếp nhận và trả kết quả - Sở Tư pháp" in html
    assert detail["X-Frame-Options"] == "DENY"
    assert client.get("/co-quan/000.00.99.H10/").status_code == 404


@pytest.mark.django_db
def test_agency_embed_can_be_framed(client: Client, procedures) -> None:
    response = client.get("/co-quan/000.00.20.H10/nhung/", {"search": "xay dung"})
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert response["Content-Security-Policy"] == "frame-ancestors *"
    html = text(response)
    assert "Cấp giấy phép xây dựng nhà ở riêng lẻ" in html
    assert 'target="_blank"' in html
    assert "site-header" not in html


@pytest.mark.django_db
def test_vietnamese_by_default_whatever_the_browser(client: Client, procedures) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "vi"
    assert "Tra cứu thủ tục hành chính" in text(response)


@pytest.mark.django_db
def test_english_switch(client: Client, procedures) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    english = client.get("/")
    assert english["Content-Language"] == "en"
    html = text(english)
    assert 'lang="en"' in html
    assert "Find administrative procedures and online public services" in html
    assert "Tiếng Việt" in html  # the way back


@pytest.mark.django_db
def test_agency_filter_is_grouped_by_tier_and_keeps_the_choice(client: Client, procedures) -> None:
    html = text(client.get("/thu-tuc/", {"agency": "000.00.01.H10"}))
    assert '<optgroup label="Cấp tỉnh">' in html
    assert '<optgroup label="Cấp xã">' in html
    assert '<option value="000.00.01.H10" selected>Sở Tư pháp</option>' in html
    assert "Cấp Phiếu lý lịch tư pháp" in html
    assert "Cấp giấy phép xây dựng" not in html
