"""Staff screens for the reference data: list with search, create, edit, delete only when unused."""

import pytest
from django.urls import reverse

from conventions.models import DoctoralSchool, Employer, HostDepartment, Lab, ThesisDirector, Tutor
from tests.conventions.factories import (
    ConventionFactory,
    DoctoralSchoolFactory,
    EmployerFactory,
    HostDepartmentFactory,
    LabFactory,
    ThesisDirectorFactory,
    TutorFactory,
)

pytestmark = pytest.mark.django_db

REQUIRED = "Ce champ est obligatoire."
FACTORIES = {
    "employeurs": EmployerFactory,
    "directions": HostDepartmentFactory,
    "laboratoires": LabFactory,
    "ecoles-doctorales": DoctoralSchoolFactory,
    "tuteurs": TutorFactory,
    "directeurs-de-these": ThesisDirectorFactory,
}


@pytest.fixture
def staff_client(staff, client_for):
    return client_for(staff)


def post(client, kind, data, pk=None):
    if pk is None:
        return client.post(reverse("conventions:reference_create", args=[kind]), data)
    return client.post(reverse("conventions:reference_edit", args=[kind, pk]), data)


@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.parametrize("kind", FACTORIES)
def test_lists_make_the_same_queries_whatever_the_rows(kind, rows, staff_client, django_assert_num_queries):
    for _ in range(rows):
        ConventionFactory()
    with django_assert_num_queries(6):
        response = staff_client.get(reverse("conventions:reference_list", args=[kind]))
    assert len(response.context["page"].object_list) == rows


def test_employer_list_counts_and_search(staff_client):
    convention = ConventionFactory(employer=EmployerFactory(name="Ville de Paris", siret="21750001600019"))
    HostDepartmentFactory(employer=convention.employer, name="Direction des espaces verts")
    EmployerFactory(name="Paris Habitat", siret="34469282000147")
    url = reverse("conventions:reference_list", args=["employeurs"])
    response = staff_client.get(url)
    assert [cells for _obj, cells in response.context["page"]] == [
        ["Paris Habitat", "34469282000147", "Collectivité territoriale", 0, 0],
        ["Ville de Paris", "21750001600019", "Collectivité territoriale", 2, 1],
    ]
    response = staff_client.get(url, {"q": " 2175000 "})
    assert [obj.name for obj, _cells in response.context["page"]] == ["Ville de Paris"]
    response = staff_client.get(url, {"q": "habitat"})
    assert [obj.name for obj, _cells in response.context["page"]] == ["Paris Habitat"]
    response = staff_client.get(reverse("conventions:reference_list", args=["directions"]), {"q": "ville de"})
    assert sorted(obj.name for obj, _cells in response.context["page"]) == sorted(
        convention.employer.departments.values_list("name", flat=True)
    )
    response = staff_client.get(reverse("conventions:reference_list", args=["ecoles-doctorales"]), {"q": "zzz"})
    assert (response.status_code, list(response.context["page"])) == (200, [])


def test_employer_is_created_with_a_checked_siret(staff_client):
    data = {"name": "Ville de Paris", "siret": "217 500 016 00019", "kind": "local_authority", "address": "Paris"}
    response = post(staff_client, "employeurs", data)
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("conventions:reference_list", args=["employeurs"]),
    )
    assert list(Employer.objects.values_list("name", "siret")) == [("Ville de Paris", "21750001600019")]


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"siret": "21750001600018"}, {"siret": ["Ce SIRET n'est pas valide (clé de contrôle incorrecte)."]}),
        ({"siret": "2175000160"}, {"siret": ["Un SIRET comporte exactement 14 chiffres."]}),
        ({"siret": "2175000160001A"}, {"siret": ["Un SIRET comporte exactement 14 chiffres."]}),
        ({"siret": "21750001600019"}, {"siret": ["Un employeur porte déjà ce SIRET : Ville de Paris."]}),
        ({"name": "  "}, {"name": [REQUIRED]}),
        ({"kind": "bank"}, {"kind": ["Sélectionnez un choix valide. bank n’en fait pas partie."]}),
    ],
)
def test_bad_employer_input_is_refused_on_its_field(staff_client, changes, errors):
    EmployerFactory(name="Ville de Paris", siret="21750001600019")
    data = {"name": "Paris Musées", "siret": "45212345600017", "kind": "association", "address": "Paris", **changes}
    response = post(staff_client, "employeurs", data)
    assert (response.status_code, response.context["form"].errors) == (400, errors)
    assert list(Employer.objects.values_list("name", flat=True)) == ["Ville de Paris"]


def test_employer_is_edited_and_keeps_its_own_siret(staff_client):
    employer = EmployerFactory(name="Ville de Paris", siret="21750001600019")
    data = {"name": "Ville de Paris (siège)", "siret": "21750001600019", "kind": "local_authority", "address": "Paris"}
    assert post(staff_client, "employeurs", data, pk=employer.pk).status_code == 302
    employer.refresh_from_db()
    assert (employer.name, employer.address) == ("Ville de Paris (siège)", "Paris")


def test_departments_are_unique_per_employer_and_stay_with_their_conventions(staff_client):
    convention = ConventionFactory()
    department = convention.host_department
    other = EmployerFactory()
    response = post(staff_client, "directions", {"employer": department.employer_id, "name": department.name.upper()})
    assert response.context["form"].errors == {"name": ["Cette direction existe déjà pour cet employeur."]}
    response = post(staff_client, "directions", {"employer": department.employer_id, "name": ""})
    assert response.context["form"].errors == {"name": [REQUIRED]}
    assert post(staff_client, "directions", {"employer": other.pk, "name": department.name}).status_code == 302
    response = post(staff_client, "directions", {"employer": other.pk, "name": "DEVE", "acronym": ""}, department.pk)
    assert response.context["form"].errors == {
        "employer": ["Des conventions sont rattachées à cette direction : son employeur ne peut plus changer."]
    }
    response = post(
        staff_client,
        "directions",
        {"employer": department.employer_id, "name": "Direction des espaces verts", "acronym": "DEVE"},
        department.pk,
    )
    assert response.status_code == 302
    department.refresh_from_db()
    assert (str(department), HostDepartment.objects.count()) == ("Direction des espaces verts (DEVE)", 2)


def test_labs_doctoral_schools_and_people_refuse_duplicates(staff_client):
    school = DoctoralSchoolFactory(number=382, name="Économie, espace, société")
    LabFactory(name="LATTS", unit_code="UMR 8134", doctoral_school=school)
    TutorFactory(name="Camille Martin", email="camille.martin@paris.fr")
    ThesisDirectorFactory(name="Alix Bernard", email="alix.bernard@univ.example")
    cases = [
        (
            "laboratoires",
            {"name": "Autre", "unit_code": " umr  8134", "institution": "ENPC", "country": "France"},
            {"unit_code": ["Un laboratoire porte déjà ce code d'unité : LATTS."]},
        ),
        (
            "laboratoires",
            {"name": "", "unit_code": "UMR 1", "institution": "", "country": "France"},
            {
                "name": [REQUIRED],
                "institution": [REQUIRED],
            },
        ),
        (
            "ecoles-doctorales",
            {"number": "382", "name": "Doublon"},
            {"number": ["L'école doctorale n° 382 existe déjà."]},
        ),
        (
            "ecoles-doctorales",
            {"number": "0", "name": "Zéro"},
            {"number": ["Assurez-vous que cette valeur est supérieure ou égale à 1."]},
        ),
        (
            "tuteurs",
            {"name": "Autre", "email": "Camille.Martin@Paris.fr"},
            {"email": ["Un·e tuteur·rice est déjà enregistré·e avec cette adresse : Camille Martin."]},
        ),
        (
            "tuteurs",
            {"name": "Sans adresse", "email": "pas-une-adresse"},
            {"email": ["Saisissez une adresse de courriel valide."]},
        ),
        (
            "directeurs-de-these",
            {"name": "Autre", "email": "alix.bernard@univ.example"},
            {"email": ["Un·e directeur·rice de thèse est déjà enregistré·e avec cette adresse : Alix Bernard."]},
        ),
    ]
    for kind, data, errors in cases:
        response = post(staff_client, kind, data)
        assert (kind, response.status_code, response.context["form"].errors) == (kind, 400, errors)
    assert (Lab.objects.count(), DoctoralSchool.objects.count(), Tutor.objects.count()) == (1, 1, 1)
    assert ThesisDirector.objects.count() == 1
    lab_data = {"name": "LATTS", "unit_code": "UMR 8134", "institution": "ENPC", "country": "France"}
    assert (
        post(staff_client, "laboratoires", {**lab_data, "doctoral_school": school.pk}, Lab.objects.get().pk).status_code
        == 302
    )
    assert post(staff_client, "tuteurs", {"name": "Léa Petit", "email": "Lea.Petit@Paris.fr"}).status_code == 302
    assert Tutor.objects.get(email="lea.petit@paris.fr").preferred_language == "fr"
    english = {"name": "Sam Lee", "email": "sam.lee@paris.fr", "preferred_language": "en"}
    assert post(staff_client, "tuteurs", english).status_code == 302
    assert Tutor.objects.get(email="sam.lee@paris.fr").preferred_language == "en"
    assert Tutor.objects.get(name="Léa Petit").email == "lea.petit@paris.fr"


def test_only_unused_rows_are_deleted(staff_client):
    convention = ConventionFactory()
    employer = convention.employer
    url = reverse("conventions:reference_delete", args=["employeurs", employer.pk])
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url)
    assert response.status_code == 409
    assert response.context["error"] == (
        f"Impossible de supprimer « {employer.name} » : 1 convention, 1 direction d'accueil y font référence. "
        "Retirez d'abord ces références."
    )
    school = convention.lab.doctoral_school
    response = staff_client.post(reverse("conventions:reference_delete", args=["ecoles-doctorales", school.pk]))
    assert response.context["error"] == (
        f"Impossible de supprimer « {school} » : 1 laboratoire y fait référence. Retirez d'abord cette référence."
    )
    assert (Employer.objects.count(), DoctoralSchool.objects.count()) == (1, 1)
    unused = TutorFactory()
    response = staff_client.post(reverse("conventions:reference_delete", args=["tuteurs", unused.pk]))
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("conventions:reference_list", args=["tuteurs"]),
    )
    assert list(Tutor.objects.all()) == [convention.tutor]


def test_unknown_kind_is_not_found(staff_client):
    assert staff_client.get(reverse("conventions:reference_list", args=["banques"])).status_code == 404
    assert staff_client.get(reverse("conventions:reference_edit", args=["tuteurs", 999999])).status_code == 404


def test_reference_pages_are_linked_from_the_conventions_pages(staff_client):
    index = reverse("conventions:reference_index")
    for name in ["conventions:dashboard", "conventions:list", "conventions:pending_documents"]:
        assert f'href="{index}"' in staff_client.get(reverse(name)).content.decode()
    response = staff_client.get(index)
    assert [(kind.slug, n) for kind, n in response.context["kinds"]] == [(kind, 0) for kind in FACTORIES]
