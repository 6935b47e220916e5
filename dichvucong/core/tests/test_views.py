import pytest
from django.test import Client


@pytest.mark.django_db
def test_health(client: Client, django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        response = client.get("/healthz/")
    assert response.json() == {"status": "ok"}
    assert client.post("/healthz/").status_code == 405
