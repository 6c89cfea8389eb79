"""The pages and API of random-check campaigns: the agency creates and draws; the justice bureau and the
public replay; a changed seed is shown not to match; results are public after the window; other roles are
refused; the lists answer in a fixed number of queries."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import AgencyFactory, JusticeBureauFactory, JusticeUserFactory, OfficerFactory
from credit.models import CreditProfile
from enterprises.tests.factories import EnterpriseFactory, enterprise_user
from plans import draw
from plans.campaigns import campaign_create, campaign_draw, campaign_file_plans
from plans.models import RandomCheckCampaign
from yantai_inspect.errors import DomainError

from .conftest import SHANGHAI, days, freeze

pytestmark = pytest.mark.django_db


def population(n, grade="D"):
    # Grade D is drawn at 100 %: whatever the seed. Grade C (30 %) makes the draw depend on the seed.
    enterprises = EnterpriseFactory.create_batch(n, division="370613")
    CreditProfile.objects.bulk_create([CreditProfile(enterprise=e, grade=grade) for e in enterprises])
    return enterprises


def campaign(city, drawn=True):
    c = campaign_create(actor=city.market_officer, name="甲批次测试", matters=[city.market_matter],
                        window_start=days(10), window_end=days(30), division="370613")
    return campaign_draw(actor=city.market_officer, campaign=c) if drawn else c


def test_the_agency_creates_and_draws_through_the_pages(client, city, frozen):
    population(3)
    client.force_login(city.market_officer)
    assert client.get("/agency/random-checks/new/").status_code == 200
    response = client.post("/agency/random-checks/new/", {
        "name": "2026年第一批", "matters": [city.market_matter.code], "division": "370613",
        "window_start": days(10).isoformat(), "window_end": days(30).isoformat()})
    assert response.status_code == 302, response.content.decode()[:2000]
    c = RandomCheckCampaign.objects.get()
    page = client.get(f"/agency/random-checks/{c.code}/").content.decode()
    assert c.seed_sha256 in page and c.snapshot_sha256 in page and c.seed not in page
    assert client.post(f"/agency/random-checks/{c.code}/draw/").status_code == 302
    c.refresh_from_db()
    assert c.is_drawn and c.drawn_count == 3
    page = client.get(f"/agency/random-checks/{c.code}/").content.decode()
    assert c.seed in page and 'id="draw-check" class' not in page
    assert client.get("/agency/random-checks/").status_code == 200


def test_the_form_says_why_a_campaign_is_refused(client, city, frozen):
    client.force_login(city.market_officer)
    response = client.post("/agency/random-checks/new/", {
        "name": "x", "matters": [city.market_matter.code], "division": "370614",
        "window_start": days(10).isoformat(), "window_end": days(30).isoformat()})
    assert response.status_code == 200 and not RandomCheckCampaign.objects.exists()


def test_anyone_replays_and_a_changed_seed_does_not_match(client, city, frozen):
    population(40, grade="C")
    c = campaign(city)
    listing = client.get("/public/random-checks/").content.decode()
    assert c.name in listing
    page = client.get(f"/public/random-checks/{c.code}/").content.decode()
    assert "The seed matches the commitment" in page or "种子与抽取前公布的承诺一致" in page
    assert 'class="ok" id="draw-check"' in page
    other = "0" * 64
    page = client.get(f"/public/random-checks/{c.code}/?seed={other}").content.decode()
    assert 'class="bad" id="seed-check"' in page and 'class="bad" id="draw-check"' in page
    assert client.get(f"/public/random-checks/{c.code}/?seed=xyz").status_code == 200  # said on the page
    assert client.get(f"/public/random-checks/{c.code}/?seed=xyz%00").status_code == 400  # yantai_inspect.inputs
    snapshot = client.get(f"/public/random-checks/{c.code}/snapshot.json").content.decode()
    assert draw.sha256_hex(snapshot) == c.snapshot_sha256
    assert client.get("/public/random-checks/ffffffffffff/").status_code == 404


def test_the_seed_is_secret_until_the_draw(client, city, frozen):
    population(2)
    c = campaign(city, drawn=False)
    page = client.get(f"/public/random-checks/{c.code}/").content.decode()
    assert c.seed_sha256 in page and c.seed not in page
    body = client.get(f"/api/v1/public/random-checks/{c.code}/replay/").json()
    assert body["campaign"]["seed"] is None and body["seed"] is None and body["drawn"] == []


def test_results_are_public_after_the_window(client, city, frozen):
    enterprises = population(2)
    c = campaign(city)
    campaign_file_plans(campaign=c, today=frozen)
    page = client.get(f"/public/random-checks/{c.code}/").content.decode()
    assert enterprises[0].uscc in page  # the draw is public (anyone can replay it) ...
    assert "<th>Outcome</th>" not in page and "<th>结果</th>" not in page  # ... the outcome after the window
    with freeze(dt.datetime.combine(days(31), dt.time(10), tzinfo=SHANGHAI)):
        page = client.get(f"/public/random-checks/{c.code}/").content.decode()
    assert 'id="draws"' in page and ("Outcome" in page or "结果" in page)


def test_the_justice_bureau_replays_the_campaigns_it_supervises(client, city, frozen):
    population(2)
    c = campaign(city)
    client.force_login(JusticeUserFactory(agency=city.justice_bureau))
    assert c.name in client.get("/justice/random-checks/").content.decode()
    assert 'class="ok" id="draw-check"' in client.get(f"/justice/random-checks/{c.code}/").content.decode()
    district = JusticeUserFactory(agency=JusticeBureauFactory(code="fs-justice", division="370611",
                                                              name="福山区司法局"))
    client.force_login(district)
    assert c.name not in client.get("/justice/random-checks/").content.decode()
    assert client.get(f"/justice/random-checks/{c.code}/").status_code == 404


def test_other_roles_are_refused(client, city, frozen):
    population(2)
    c = campaign(city, drawn=False)
    client.force_login(enterprise_user(city.enterprise))
    for url in ("/agency/random-checks/", f"/agency/random-checks/{c.code}/", "/justice/random-checks/"):
        assert client.get(url).status_code == 403
    assert client.post(f"/agency/random-checks/{c.code}/draw/").status_code == 403
    client.force_login(city.ecology_officer)  # another agency
    assert client.get(f"/agency/random-checks/{c.code}/").status_code == 404
    assert client.post(f"/agency/random-checks/{c.code}/draw/").status_code == 404
    assert client.post(f"/api/v1/random-checks/{c.code}/draw/").status_code == 404
    client.force_login(JusticeUserFactory(agency=city.justice_bureau))
    assert client.post(f"/agency/random-checks/{c.code}/draw/").status_code == 403
    assert client.post(f"/api/v1/random-checks/{c.code}/draw/").status_code == 403
    assert client.post("/api/v1/random-checks/", {}, content_type="application/json").status_code == 403
    c.refresh_from_db()
    assert not c.is_drawn
    client.logout()
    assert client.get("/api/v1/random-checks/").status_code in (401, 403)


def test_the_api_creates_draws_lists_and_replays(client, city, frozen):
    population(40, grade="C")
    client.force_login(city.market_officer)
    response = client.post("/api/v1/random-checks/", {
        "name": "API批次", "matters": [city.market_matter.code], "division": "370613",
        "window_start": days(10).isoformat(), "window_end": days(30).isoformat()}, content_type="application/json")
    assert response.status_code == 201, response.content
    code = response.json()["code"]
    assert response.json()["seed"] is None
    assert client.post("/api/v1/random-checks/", {"name": "x", "matters": ["nope"], "window_start": "2026-06-11",
                       "window_end": "2026-06-20"}, content_type="application/json").status_code == 400
    drawn = client.post(f"/api/v1/random-checks/{code}/draw/").json()
    assert drawn["status"] == "drawn" and len(drawn["seed"]) == 64
    rows = client.get(f"/api/v1/random-checks/{code}/").json()["results"]
    assert len(rows) == drawn["drawn_count"] > 0 and all(len(r["officers"]) == 2 for r in rows)
    assert client.get("/api/v1/random-checks/").json()["results"][0]["code"] == code
    client.logout()
    body = client.get(f"/api/v1/public/random-checks/{code}/replay/").json()
    assert body["seed_matches"] and body["snapshot_matches"] and body["matches_stored"]
    assert [d["code"] for d in body["drawn"]] == [r["enterprise"] for r in rows]
    body = client.get(f"/api/v1/public/random-checks/{code}/replay/?seed={'1' * 64}").json()
    assert body["seed_matches"] is False and body["matches_stored"] is False
    assert client.get(f"/api/v1/public/random-checks/{code}/replay/?seed=zz").status_code == 400


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_the_lists_answer_in_a_fixed_number_of_queries(client, city, frozen):
    officer = city.market_officer
    justice = JusticeUserFactory(agency=city.justice_bureau)

    def counts():
        client.force_login(officer)
        c = RandomCheckCampaign.objects.order_by("-id").first()
        agency = (queries(client, "/agency/random-checks/"), queries(client, f"/agency/random-checks/{c.code}/"),
                  queries(client, f"/api/v1/random-checks/{c.code}/"), queries(client, "/api/v1/random-checks/"))
        client.force_login(justice)
        j = queries(client, "/justice/random-checks/")
        client.logout()
        return agency, j, queries(client, "/public/random-checks/"), queries(client, f"/public/random-checks/{c.code}/")

    population(1)
    campaign(city)
    small = counts()
    population(20)
    for _ in range(5):
        campaign(city)
    assert counts() == small


def test_a_district_agency_draws_only_in_its_district(city, frozen):
    population(2)
    district = AgencyFactory(level="district", division="370611", department=city.market_dept)
    officer = OfficerFactory(agency=district)
    OfficerFactory(agency=district)
    own = EnterpriseFactory(division="370611")
    c = campaign_create(actor=officer, name="区级", matters=[city.market_matter], window_start=days(10),
                        window_end=days(30))
    codes = {code for code, _grade in json.loads(c.snapshot)["enterprises"]}
    assert codes == {own.uscc, city.enterprise.uscc}
    with pytest.raises(DomainError):
        campaign_create(actor=officer, name="区外", matters=[city.market_matter], window_start=days(10),
                        window_end=days(30), division="370613")


def test_over_a_large_population_a_wrong_seed_is_not_replayed(client, city, frozen, monkeypatch):
    from plans import campaigns as module

    population(2)
    c = campaign(city)
    monkeypatch.setattr(module, "REPLAY_ANY_SEED_MAX", 1)
    page = client.get(f"/public/random-checks/{c.code}/?seed={'2' * 64}").content.decode()
    assert 'class="bad" id="seed-check"' in page and 'class="bad" id="draw-check"' in page
    body = client.get(f"/api/v1/public/random-checks/{c.code}/replay/?seed={'2' * 64}").json()
    assert body["seed_matches"] is False and body["matches_stored"] is None and body["drawn"] == []
    body = client.get(f"/api/v1/public/random-checks/{c.code}/replay/").json()  # the committed seed: replayed
    assert body["matches_stored"] is True


def test_the_city_justice_bureau_sets_the_rates_on_its_page_and_agencies_read_them(client, city, frozen):
    client.force_login(JusticeUserFactory(agency=city.justice_bureau))
    assert client.post("/justice/random-checks/rates/", {"grade": "C", "rate": "0.4"}).status_code == 302
    assert client.post("/justice/random-checks/rates/", {"grade": "C", "rate": "1.4"}).status_code == 200
    client.force_login(city.market_officer)
    assert "0.4" in client.get("/agency/random-checks/rates/").content.decode()
    assert client.post("/justice/random-checks/rates/", {"grade": "C", "rate": "0.9"}).status_code == 403
    client.force_login(enterprise_user(city.enterprise))
    assert client.get("/agency/random-checks/rates/").status_code == 403
    assert client.get("/justice/random-checks/rates/").status_code == 403
    from credit.sampling import sampling_rates

    assert sampling_rates()["C"] == Decimal("0.4")
