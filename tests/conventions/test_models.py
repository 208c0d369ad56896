import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from conventions.models import validate_siret
from tests.conventions.factories import ConventionFactory


@pytest.mark.parametrize("siret", ["21750001600019", "732 829 320 00074", "35600000000048"])
def test_valid_sirets(siret):
    assert validate_siret(siret) is None


@pytest.mark.parametrize(
    ("siret", "message"),
    [
        ("2175000160001", "Un SIRET comporte exactement 14 chiffres."),
        ("2175000160001A", "Un SIRET comporte exactement 14 chiffres."),
        ("21750001600018", "Ce SIRET n'est pas valide (clé de contrôle incorrecte)."),
    ],
)
def test_invalid_sirets(siret, message):
    with pytest.raises(ValidationError) as info:
        validate_siret(siret)
    assert info.value.messages == [message]


@pytest.mark.django_db
def test_database_refuses_a_salary_under_the_frozen_minimum():
    convention = ConventionFactory()
    convention.gross_salary = convention.minimum_salary - 1
    with pytest.raises(IntegrityError):
        convention.save()
