from sqlalchemy import select

from eventsapp.catalogue.models import Programme
from eventsapp.people.models import Organisation


def test_create_a_programme_with_sections_partners_and_a_region_override(staff_client, db, make):
    idea = make.organisation(
        "International IDEA", kind="international_organisation", acronym="IDEA", country=None
    )
    response = staff_client.post(
        "/manage/programmes/new",
        data={
            "name": "Protecting and Promoting the Integrity of the Electoral Process",
            "acronym": "PPIEP",
            "owner_id": str(idea.id),
            "first_year": "2011",
            "last_year": "2013",
            "languages": ["en"],
            "description": "",
        },
        follow_redirects=True,
    )
    assert b"Saved Protecting and Promoting" in response.data
    programme = db.session.scalar(select(Programme))
    url = f"/manage/programmes/{programme.id}"
    response = staff_client.post(
        f"{url}/sections",
        data={"section-code": "A", "section-title": "Global Commission"},
        follow_redirects=True,
    )
    assert b"Added section A." in response.data
    response = staff_client.post(
        f"{url}/sections", data={"section-code": "a", "section-title": "Again"}
    )
    assert response.status_code == 400
    assert b"already has a section" in response.data
    response = staff_client.post(
        f"{url}/partners",
        data={"partner-organisation_id": str(idea.id), "partner-role": "founder"},
        follow_redirects=True,
    )
    assert b"Added the partner." in response.data
    response = staff_client.post(
        f"{url}/regions",
        data={"override-country_code": "GE", "override-region": "Europe"},
        follow_redirects=True,
    )
    assert b"Georgia is counted in Europe" in response.data
    page = staff_client.get("/manage/programmes/").data.decode()
    assert "2011–2013" in page and "International IDEA" not in page  # owner shown by acronym
    assert "IDEA" in page


def test_programme_years_must_be_in_order(staff_client, db):
    response = staff_client.post(
        "/manage/programmes/new",
        data={"name": "Backwards", "first_year": "2013", "last_year": "2011"},
    )
    assert b"The last year is before the first year." in response.data
    assert db.session.scalar(select(Programme)) is None


def test_deleting_a_programme_keeps_its_events(staff_client, db, make):
    programme = make.programme("Old programme")
    event = make.event(programme_id=programme.id)
    response = staff_client.post(f"/manage/programmes/{programme.id}/delete", follow_redirects=True)
    assert b"Its events are kept" in response.data
    db.session.refresh(event)
    assert event.programme_id is None


def test_organisations_crud_and_validation(staff_client, db):
    response = staff_client.post(
        "/manage/organisations/new",
        data={
            "name": "Independent Electoral Commission",
            "acronym": "IEC",
            "kind": "electoral_management_body",
            "country_code": "ZA",
        },
        follow_redirects=True,
    )
    assert b"Saved Independent Electoral Commission." in response.data
    response = staff_client.post(
        "/manage/organisations/new",
        data={
            "name": "independent electoral commission",
            "kind": "electoral_management_body",
            "country_code": "",
        },
    )
    assert b"There is already an organisation with this name." in response.data
    response = staff_client.post(
        "/manage/organisations/new",
        data={"name": "Somewhere", "kind": "electoral_management_body", "country_code": "ZZ"},
    )
    assert b"Not a valid choice" in response.data
    assert db.session.scalar(select(Organisation.name)) == "Independent Electoral Commission"
    page = staff_client.get("/manage/organisations/?q=iec").data.decode()
    assert "Independent Electoral Commission" in page and "South Africa" in page


def test_the_programme_page_runs_a_fixed_number_of_queries(staff_client, make, count_queries):
    from eventsapp.catalogue.services import add_partner, add_section, set_region_override

    programme = make.programme("CICIE")

    def grow(codes):
        for code in codes:
            set_region_override(programme, code, "Europe")
            add_section(programme, code, f"Section {code}")
            add_partner(programme, make.organisation(f"Partner {code}").id, "associate_partner")
        make.db.session.commit()

    def queries():
        with count_queries() as statements:
            assert staff_client.get(f"/manage/programmes/{programme.id}").status_code == 200
        return len(statements)

    grow(["GE"])
    small = queries()
    grow(["AM", "AZ", "CY", "TR", "KZ", "RU", "UA"])
    assert queries() == small


def test_merging_an_organisation_entered_twice(staff_client, db, make):
    from eventsapp.catalogue.models import ProgrammePartner
    from eventsapp.catalogue.services import add_partner
    from eventsapp.registration.models import Registration
    from tests.test_registration_http import post_registration

    kept = make.organisation(
        "Independent Electoral and Boundaries Commission", acronym="IEBC", country="KE"
    )
    twice = make.organisation("IEBC Kenya", country="KE")
    programme = make.programme("CICIE")
    add_partner(programme, kept.id, "associate_partner")
    add_partner(programme, twice.id, "associate_partner")
    add_partner(programme, twice.id, "co_organiser")
    event = make.open_event(capacity=5, quota_per_organisation=1, approval_required=False)
    post_registration(
        staff_client,
        event,
        email="a@iebc.example",
        name="Amina",
        organisation_id=str(kept.id),
        new_organisation="",
    )
    post_registration(
        staff_client,
        event,
        email="b@iebc.example",
        name="Brian",
        organisation_id=str(twice.id),
        new_organisation="",
    )
    assert sorted(r.funding for r in db.session.scalars(select(Registration))) == [
        "funded",
        "funded",
    ]  # each "organisation" had its own funded place

    twice_id = twice.id
    response = staff_client.post(
        f"/manage/organisations/{twice_id}/merge",
        data={"merge-target_id": str(kept.id)},
        follow_redirects=True,
    )
    assert "Merged IEBC Kenya into Independent Electoral and Boundaries Commission." in (
        response.data.decode()
    )
    assert db.session.get(Organisation, twice_id) is None
    registrations = db.session.scalars(select(Registration).order_by(Registration.id)).all()
    assert {r.organisation_id for r in registrations} == {kept.id}
    assert [r.funding for r in registrations] == ["funded", "self_funded"]  # one quota now
    roles = sorted(p.role for p in db.session.scalars(select(ProgrammePartner)))
    assert roles == ["associate_partner", "co_organiser"]  # no duplicate partnership


def test_an_organisation_cannot_be_merged_into_itself(staff_client, make):
    kept = make.organisation("INE", country="MX")
    response = staff_client.post(
        f"/manage/organisations/{kept.id}/merge",
        data={"merge-target_id": str(kept.id)},
        follow_redirects=True,
    )
    assert "Choose the organisation to keep." in response.data.decode()


def test_removing_a_section_keeps_its_events_and_a_partner_goes(staff_client, db, make):
    from eventsapp.catalogue.models import Event, ProgrammePartner
    from eventsapp.catalogue.services import add_partner, add_section

    programme = make.programme("PPIEP")
    section = add_section(programme, "B", "Institutional development")
    idea = make.organisation("International IDEA", kind="international_organisation")
    add_partner(programme, idea.id, "founder")
    db.session.commit()
    event = make.event(title="Pilot training", programme_id=programme.id, section_id=section.id)
    partner_id = db.session.scalar(select(ProgrammePartner.id))
    url = f"/manage/programmes/{programme.id}"
    response = staff_client.post(f"{url}/sections/{section.id}/delete", follow_redirects=True)
    assert "Removed." in response.data.decode()
    assert "No sections." in response.data.decode()
    event = db.session.get(Event, event.id)
    assert (event.programme_id, event.section_id) == (programme.id, None)
    staff_client.post(f"{url}/partners/{partner_id}/delete")
    assert db.session.scalar(select(ProgrammePartner)) is None
    assert staff_client.post(f"{url}/venues/1/delete").status_code == 404


def test_deleting_an_organisation_keeps_the_programmes_and_events(staff_client, db, make):
    from eventsapp.catalogue.models import Event

    ine = make.organisation("Instituto Nacional Electoral", acronym="INE")
    programme = make.programme("CICIE", owner_id=ine.id)
    event = make.event(title="Workshop", requesting_authority_id=ine.id, partner_ids=[ine.id])
    ine_id = ine.id
    response = staff_client.post(f"/manage/organisations/{ine_id}/delete", follow_redirects=True)
    assert "Deleted Instituto Nacional Electoral." in response.data.decode()
    assert db.session.get(Organisation, ine_id) is None
    assert db.session.get(Programme, programme.id).owner_id is None
    event = db.session.get(Event, event.id)
    assert (event.requesting_authority_id, event.partners) == (None, [])
