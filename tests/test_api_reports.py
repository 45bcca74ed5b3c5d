"""The results summary's JSON is the API's: in its OpenAPI document, for staff only, and an answer
with every part filled keeps exactly to the document's model."""

from eventsapp.api.views.reports import Results
from eventsapp.demo.services import load_demo
from tests.test_reports import evaluated, register


def test_the_document_describes_the_results_for_staff(client, db):
    document = client.get("/api/v1/openapi.json").get_json()
    results = document["paths"]["/api/v1/reports/results"]["get"]
    assert {p["name"] for p in results["parameters"]} == {"from", "to", "programme", "kind"}
    assert set(results["responses"]) == {"200", "400", "401", "403"}
    assert client.get("/api/v1/reports/results").status_code == 401


def test_an_answer_with_every_part_keeps_to_the_model(staff_client, make, db):
    load_demo()
    programme = make.programme(first_year=2004, last_year=2016)
    held = make.event(
        title="Seminar",
        status="held",
        programme_id=programme.id,
        theme="Voting from abroad",
        block="IV",
    )
    for country, gender in (("KE", "female"), ("MX", "male"), ("GT", "female")):
        register(db, held, country=country, gender=gender)
    evaluated(db, held, 5, 4)
    answer = staff_client.get("/api/v1/reports/results?from=2004&to=2016").get_json()
    assert answer["participants"]["by_gender"] and answer["satisfaction"]["by_event"]
    assert answer["topics"]["blocks"] and answer["countries"] and answer["by_kind"]
    assert answer["participants"]["reported_without_details"]  # the demo's past events
    # Every key is described (an undescribed one would be dropped) and has the described type.
    assert Results.model_validate(answer).model_dump(mode="json", by_alias=True) == answer
