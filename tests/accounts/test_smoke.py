import pytest

pytestmark = pytest.mark.django_db


def test_home_page_is_french_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "fr"
    assert '<html lang="fr">' in response.content.decode()


def test_roles_exist_after_migrations():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {
        "candidate",
        "doctoral_student",
        "evaluator",
        "staff",
        "admin",
    }
