import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from motcua.agencies.identifiers import is_valid_identifier
from motcua.agencies.models import Agency, Assignment, Counter, Role
from motcua.agencies.services import agencies_where, save_agency, subtree


@pytest.mark.parametrize("value", ["H42", "H42.01", "H42.18073.01", "G14.000.01", "A00.9Z"])
def test_valid_identifiers(value):
    assert is_valid_identifier(value)


@pytest.mark.parametrize(
    "value", ["", "h42", "H4", "Z42", "H42.", "H42..01", "H42.a1", "H42-01", "000.00.00.H30", "H42." + "1" * 32]
)
def test_invalid_identifiers(value):
    assert not is_valid_identifier(value)


@pytest.mark.django_db
def test_wrong_identifier_is_refused_with_a_clear_error_and_nothing_saved():
    with pytest.raises(ValidationError) as error:
        save_agency(Agency(identifier="H42-01", name="Sở Tư pháp", kind=Agency.Kind.DEPARTMENT))
    assert "“H42-01” không phải mã định danh điện tử" in str(error.value)
    assert not Agency.objects.exists()


@pytest.mark.django_db
def test_paths_follow_the_tree_and_moves_carry_the_subtree(province):
    commune, centre = province["thanh_sen"], province["thanh_sen_centre"]
    assert centre.path == f"{province['root'].path}{commune.pk}/{centre.pk}/"
    assert set(subtree(commune).values_list("identifier", flat=True)) == {"H42.18073", "H42.18073.01"}
    commune.parent = province["justice"]
    save_agency(commune)
    centre.refresh_from_db()
    assert centre.path == f"{province['justice'].path}{commune.pk}/{centre.pk}/"


@pytest.mark.django_db
def test_an_agency_cannot_move_under_its_own_unit(province):
    commune = province["thanh_sen"]
    commune.parent = province["thanh_sen_centre"]
    with pytest.raises(ValidationError, match="Không thể đặt một cơ quan dưới chính nó"):
        save_agency(commune)


@pytest.mark.django_db
def test_counters_belong_to_service_centres_only(province):
    Counter(centre=province["thanh_sen_centre"], number=1, name="Quầy 1").full_clean()
    with pytest.raises(ValidationError, match="phải thuộc một Trung tâm Phục vụ hành chính công"):
        Counter(centre=province["justice"], number=1, name="Quầy 1").full_clean()


@pytest.mark.django_db
def test_officer_acts_only_inside_assigned_agencies_and_their_units(province, django_assert_num_queries):
    officer = get_user_model().objects.create_user("chuyenvien")
    Assignment.objects.create(officer=officer, agency=province["thanh_sen"], role=Role.SPECIALIST)
    Assignment.objects.create(officer=officer, agency=province["justice"], role=Role.RECEPTIONIST)
    with django_assert_num_queries(1):
        specialist = set(agencies_where(officer, [Role.SPECIALIST]).values_list("identifier", flat=True))
    assert specialist == {"H42.18073", "H42.18073.01"}
    assert set(agencies_where(officer, [Role.RECEPTIONIST, Role.SPECIALIST]).values_list("identifier", flat=True)) == {
        "H42.18073",
        "H42.18073.01",
        "H42.01",
    }
    assert not agencies_where(officer, [Role.LEADER]).exists()


@pytest.mark.django_db
def test_inactive_agency_grants_nothing(province):
    officer = get_user_model().objects.create_user("lanhdao")
    Assignment.objects.create(officer=officer, agency=province["tran_phu"], role=Role.LEADER)
    province["tran_phu"].is_active = False
    save_agency(province["tran_phu"])
    assert not agencies_where(officer, [Role.LEADER]).exists()
