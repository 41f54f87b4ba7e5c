"""Finding people and gathering their timeline: matching, scoping and who sees whom."""

import pytest

from portal.accounts.models import CarerType, Role
from portal.people import services
from tests.people.helpers import (
    applicant_history,
    carer_history,
    complaint,
    young_person_history,
)
from tests.visits.helpers import make_enquiry


@pytest.fixture(autouse=True)
def request_context(app):
    """Timeline words and dates are formatted in the reader's language."""
    with app.test_request_context():
        yield


@pytest.fixture
def staff(leicestershire, make_user):
    def make(role: Role):
        return make_user(leicestershire, role, name=f"Staff {role.value}")

    return make


def _names(found) -> list[str]:
    return [result.name for result in found.results]


def test_people_are_found_by_part_of_their_name_or_email_whatever_the_case(
    leicestershire, make_user, staff
):
    make_user(leicestershire, Role.PROSPECTIVE_CARER, name="Alex Okafor", email="alex@example.org")
    make_user(leicestershire, Role.APPROVED_CARER, name="Priya Shah", email="p.shah@example.org")
    recruiter = staff(Role.RECRUITMENT)

    assert _names(services.search_people(leicestershire, recruiter, "okaf")) == ["Alex Okafor"]
    assert _names(services.search_people(leicestershire, recruiter, "P.SHAH@")) == ["Priya Shah"]
    assert _names(services.search_people(leicestershire, recruiter, "nobody")) == []


def test_wildcards_typed_in_a_search_are_taken_literally(leicestershire, make_user, staff):
    make_user(leicestershire, Role.PROSPECTIVE_CARER, name="Alex Okafor")
    assert services.search_people(leicestershire, staff(Role.RECRUITMENT), "%_").total == 0


def test_an_enquiry_reference_finds_its_person_however_it_is_typed(
    leicestershire, make_user, staff
):
    person = make_user(leicestershire, Role.PROSPECTIVE_CARER, name="Alex Okafor")
    make_enquiry(leicestershire, "t1", reference="E-7KQ2MX", user_id=person.id, name="Alex O")
    recruiter = staff(Role.RECRUITMENT)
    for typed in ("E-7KQ2MX", "e 7kq2mx", "e7kq2mx"):
        found = services.search_people(leicestershire, recruiter, typed)
        assert [r.id for r in found.results] == [person.id], typed


def test_a_household_name_finds_its_carers(leicestershire, make_user, staff):
    carer = make_user(leicestershire, Role.APPROVED_CARER, name="Sam Jones")
    carer_history(leicestershire, carer, staff(Role.SUPERVISING_SOCIAL_WORKER), size=0)
    found = services.search_people(
        leicestershire, staff(Role.TRAINING_COORDINATOR), "sam jones household"
    )
    assert [(r.name, r.household) for r in found.results] == [
        ("Sam Jones", "The Sam Jones household")
    ]
    assert found.results[0].carer_type == CarerType.MAINSTREAM


def test_enquiries_without_an_account_are_found_and_those_with_one_are_not_repeated(
    leicestershire, make_user, staff
):
    make_enquiry(leicestershire, "t1", name="Robin Newcomer", email="robin@example.org")
    person = make_user(
        leicestershire, Role.PROSPECTIVE_CARER, name="Robin Member", email="member@example.org"
    )
    make_enquiry(leicestershire, "t2", name="Robin Member", email="member@example.org")

    found = services.search_people(leicestershire, staff(Role.INITIAL_VISITOR), "robin")

    assert [(r.kind, r.name) for r in found.results] == [
        ("person", "Robin Member"),
        ("enquiry", "Robin Newcomer"),
    ]
    assert found.results[0].id == person.id
    assert found.results[1].reference.startswith("ENQ")


def test_search_stays_inside_the_service(leicestershire, lancashire, make_user, staff):
    make_user(lancashire, Role.APPROVED_CARER, name="Alex Elsewhere")
    make_enquiry(lancashire, "t1", name="Alex Enquirer")
    assert services.search_people(leicestershire, staff(Role.SERVICE_MANAGER), "alex").total == 0


def test_staff_are_not_people_and_young_people_are_only_for_officers_and_managers(
    leicestershire, make_user, staff
):
    make_user(leicestershire, Role.YOUNG_PERSON, name="Jordan Young")
    make_user(leicestershire, Role.RECRUITMENT, name="Jordan Colleague")
    make_user(leicestershire, Role.APPROVED_CARER, name="Jordan Carer")
    make_user(leicestershire, Role.YOUNG_PERSON, Role.APPROVED_CARER, name="Jordan Both")

    for role in services.YOUNG_PEOPLE_READERS:
        assert _names(services.search_people(leicestershire, staff(role), "jordan")) == [
            "Jordan Both",
            "Jordan Carer",
            "Jordan Young",
        ]
    for role in (
        Role.RECRUITMENT,
        Role.INITIAL_VISITOR,
        Role.ASSESSING_SOCIAL_WORKER,
        Role.SUPERVISING_SOCIAL_WORKER,
        Role.TRAINING_COORDINATOR,
        Role.COMPLAINTS_MANAGER,
    ):
        assert _names(services.search_people(leicestershire, staff(role), "jordan")) == [
            "Jordan Carer"
        ], role


def test_complaint_and_childrens_rights_references_only_search_for_their_teams(
    leicestershire, make_user, staff
):
    carer = make_user(leicestershire, Role.APPROVED_CARER, name="Casey Carer")
    complaint(leicestershire, carer, reference="CP-ABC234")
    young = make_user(leicestershire, Role.YOUNG_PERSON, name="Jordan Young")
    young_person_history(leicestershire, young, 1, reference="CR-XYZ789")

    def found(role, typed):
        return _names(services.search_people(leicestershire, staff(role), typed))

    assert found(Role.COMPLAINTS_MANAGER, "cp abc234") == ["Casey Carer"]
    assert found(Role.RECRUITMENT, "CP-ABC234") == []
    assert found(Role.CHILDRENS_RIGHTS_OFFICER, "CR-XYZ789") == ["Jordan Young"]
    assert found(Role.COMPLAINTS_MANAGER, "CR-XYZ789") == []


def test_results_come_a_page_at_a_time_in_name_order(leicestershire, make_user, staff):
    for n in range(30):
        make_user(leicestershire, Role.PROSPECTIVE_CARER, name=f"Taylor {n:02d}")
    recruiter = staff(Role.RECRUITMENT)

    first = services.search_people(leicestershire, recruiter, "taylor")
    second = services.search_people(leicestershire, recruiter, "taylor", page=2)
    beyond = services.search_people(leicestershire, recruiter, "taylor", page=9)

    assert (first.total, first.pages, len(first.results)) == (30, 2, 25)
    assert _names(first)[:2] == ["Taylor 00", "Taylor 01"]
    assert _names(second) == [f"Taylor {n}" for n in range(25, 30)]
    assert (second.first, second.last) == (26, 30)
    assert beyond.page == 2


def test_a_person_is_only_opened_in_their_own_service_and_by_those_allowed(
    leicestershire, lancashire, make_user, staff
):
    carer = make_user(leicestershire, Role.APPROVED_CARER)
    young = make_user(leicestershire, Role.YOUNG_PERSON)
    colleague = make_user(leicestershire, Role.TRAINING_COORDINATOR)
    recruiter, officer = staff(Role.RECRUITMENT), staff(Role.CHILDRENS_RIGHTS_OFFICER)

    assert services.person_for(leicestershire, recruiter, carer.id) == carer
    assert services.person_for(lancashire, recruiter, carer.id) is None
    assert services.person_for(leicestershire, recruiter, colleague.id) is None
    assert services.person_for(leicestershire, recruiter, young.id) is None
    assert services.person_for(leicestershire, officer, young.id) == young


def test_an_applicants_timeline_gathers_every_step_newest_first(leicestershire, make_user, staff):
    applicant = make_user(leicestershire, Role.PROSPECTIVE_CARER, name="Alex Applicant")
    visitor = staff(Role.INITIAL_VISITOR)
    applicant_history(leicestershire, applicant, visitor, size=2)

    timeline = services.timeline_of(leicestershire, staff(Role.RECRUITMENT), applicant)
    titles = [entry.title for entry in timeline.entries]

    assert sum(t.startswith("Enquiry ") for t in titles) == 2
    assert sum(t.startswith("Booked an information event") for t in titles) == 2
    for expected in (
        "Booked an initial visit",
        "Initial visit record written",
        "Decision to progress: Progress to assessment",
        "Application moved to Assessment",
        "Assessment started",
        "Assessment completed",
        "Booked for the fostering panel",
        "Panel recommendation",
    ):
        assert expected in titles
    assert sum(t.startswith("Sent paperwork") for t in titles) == 2
    moments = [entry.at for entry in timeline.entries]
    assert moments == sorted(moments, reverse=True)
    assert not timeline.is_cut_short


def test_a_carers_timeline_shows_complaints_only_to_the_complaints_team_and_never_their_words(
    leicestershire, make_user, staff
):
    carer = make_user(leicestershire, Role.APPROVED_CARER, name="Casey Carer")
    carer_history(leicestershire, carer, staff(Role.SUPERVISING_SOCIAL_WORKER), size=2)

    for_trainer = services.timeline_of(leicestershire, staff(Role.TRAINING_COORDINATOR), carer)
    for_complaints = services.timeline_of(leicestershire, staff(Role.COMPLAINTS_MANAGER), carer)

    trainer_titles = [e.title for e in for_trainer.entries]
    assert "Approved as foster carers" in trainer_titles
    assert sum(t.startswith("Booked training") for t in trainer_titles) == 2
    assert sum(t.startswith("Completed an online module") for t in trainer_titles) == 2
    assert sum(t.startswith("TSDS evidence for outcome 1.") for t in trainer_titles) == 2
    assert not any(t.startswith("Complaint") for t in trainer_titles)
    assert not any(t.startswith("Asked to care") for t in trainer_titles)
    complaints = [e for e in for_complaints.entries if e.title.startswith("Complaint")]
    assert len(complaints) == 2
    assert complaints[0].details == ("Stage 1: local resolution",)
    assert "SECRET" not in repr(for_complaints)


def test_a_young_persons_timeline_shows_conversations_without_their_words(
    leicestershire, make_user, staff
):
    young = make_user(leicestershire, Role.YOUNG_PERSON, name="Jordan Young")
    young_person_history(leicestershire, young, 2)

    timeline = services.timeline_of(leicestershire, staff(Role.CHILDRENS_RIGHTS_OFFICER), young)

    conversations = [e for e in timeline.entries if e.title.startswith("Children's Rights")]
    assert len(conversations) == 2
    assert any("Marked urgent" in e.details for e in conversations)
    assert all(e.endpoint == "childrens_rights.staff_conversation" for e in conversations)
    assert (
        sum(e.title.startswith("Asked for an independent visitor") for e in timeline.entries) == 2
    )
    assert "SECRET" not in repr(timeline)


def test_each_source_is_capped_and_the_timeline_says_so(
    leicestershire, make_user, staff, monkeypatch
):
    applicant = make_user(leicestershire, Role.PROSPECTIVE_CARER)
    applicant_history(leicestershire, applicant, staff(Role.INITIAL_VISITOR), size=3)
    monkeypatch.setattr(services, "SOURCE_LIMIT", 2)

    timeline = services.timeline_of(leicestershire, staff(Role.RECRUITMENT), applicant)

    assert timeline.is_cut_short
    assert sum(e.title.startswith("Enquiry ") for e in timeline.entries) == 2
