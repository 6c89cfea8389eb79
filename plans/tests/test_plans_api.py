import pytest
from django.utils import translation
from rest_framework.test import APIClient

from accounts.tests.factories import AgencyFactory, JusticeUserFactory, OfficerFactory
from enterprises.tests.factories import EnterpriseFactory, enterprise_user
from plans.models import JointTask, Plan

from .conftest import TODAY, days

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def body(city, officer, start, end=None, **extra):
    return {
        "enterprise": city.enterprise.uscc,
        "matters": [city.matter_of(officer).code],
        "window_start": start.isoformat(),
        "window_end": (end or start).isoformat(),
        **extra,
    }


def test_an_officer_files_a_plan_and_gets_its_visit(api, city, frozen):
    api.force_authenticate(city.market_officer)
    response = api.post("/api/v1/plans/", body(city, city.market_officer, days(8), days(12)), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "filed"
    assert data["joint_task"] == Plan.objects.get(pk=data["id"]).joint_task_id
    assert data["earlier_records"] == []


def test_earlier_records_pop_up_when_another_agency_files(api, city):
    import datetime as dt

    from .conftest import SHANGHAI, freeze

    with freeze(dt.datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI)):
        api.force_authenticate(city.market_officer)
        api.post("/api/v1/plans/", body(city, city.market_officer, days(8), days(8)), format="json")
    with freeze(dt.datetime(2026, 6, 20, 10, 0, tzinfo=SHANGHAI)):
        api.force_authenticate(city.ecology_officer)
        response = api.post("/api/v1/plans/", body(city, city.ecology_officer, days(30), days(35)), format="json")
        assert response.status_code == 201, response.json()
    records = response.json()["earlier_records"]
    assert len(records) == 1
    assert records[0]["agencies"] == [city.market.name]
    assert records[0]["matters"][0]["code"] == city.market_matter.code


def test_a_six_day_window_gets_a_field_error(api, city, frozen):
    api.force_authenticate(city.market_officer)
    response = api.post("/api/v1/plans/", body(city, city.market_officer, days(6)), format="json")
    assert response.status_code == 400
    assert days(7).isoformat() in response.json()["window_start"][0]


@pytest.mark.parametrize("start,end", [("9999-12-01", "9999-12-31"), ("2028-01-01", "2028-01-10")])
def test_a_window_past_the_filing_horizon_gets_a_field_error_not_a_500(api, city, frozen, start, end):
    # On the old code year 9999 overflowed in the scheduler (OverflowError, a 500).
    api.force_authenticate(city.market_officer)
    response = api.post(
        "/api/v1/plans/",
        {**body(city, city.market_officer, days(8)), "window_start": start, "window_end": end},
        format="json",
    )
    assert response.status_code == 400
    assert "window_start" in response.json()
    assert not Plan.objects.exists()


@pytest.mark.parametrize(
    "field,value",
    [
        ("enterprise", "91370611000000000X"),
        ("matters", ["nope"]),
        ("window_start", "2026-13-01"),
        ("theme", "nope"),
        ("urgent_category", "whim"),
        ("officers", ["ghost"]),
    ],
)
def test_every_bad_input_gets_a_field_error(api, city, frozen, field, value):
    api.force_authenticate(city.market_officer)
    response = api.post("/api/v1/plans/", {**body(city, city.market_officer, days(8)), field: value}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Plan.objects.exists()


def test_green_channel_without_reason_is_refused(api, city, frozen):
    api.force_authenticate(city.market_officer)
    response = api.post(
        "/api/v1/plans/", body(city, city.market_officer, TODAY, urgent=True, urgent_category="accident"), format="json"
    )
    assert response.status_code == 400 and "urgent_reason" in response.json()


def test_joint_tasks_by_enterprise_show_date_lead_agencies_plans_and_fixed(api, city, frozen):
    for officer in (city.market_officer, city.ecology_officer):
        api.force_authenticate(officer)
        api.post(
            "/api/v1/plans/",
            body(city, officer, days(8), days(12), theme="catering" if officer == city.market_officer else ""),
            format="json",
        )
    api.force_authenticate(city.ecology_officer)
    data = api.get("/api/v1/joint-tasks/", {"enterprise": city.enterprise.uscc}).json()["results"]
    assert len(data) == 1
    task = data[0]
    assert task["lead_agency"]["code"] == city.market.code  # the theme's lead takes part
    assert {a["code"] for a in task["agencies"]} == {city.market.code, city.ecology.code}
    assert len(task["plans"]) == 2 and task["fixed"] is False and task["visit_date"]


def test_a_plan_is_hidden_from_other_agencies_enterprises_and_outsiders(api, city, frozen):
    plan = Plan.objects.get(pk=_file(api, city))
    for outsider in (
        city.ecology_officer,
        enterprise_user(city.enterprise),
        JusticeUserFactory(agency=AgencyFactory(is_justice_bureau=True, division="370683")),
    ):
        api.force_authenticate(outsider)
        assert api.get(f"/api/v1/plans/{plan.pk}/").status_code == 404
    api.force_authenticate(None)
    assert api.get(f"/api/v1/plans/{plan.pk}/").status_code == 401


def _file(api, city, officer=None, **extra):
    officer = officer or city.market_officer
    api.force_authenticate(officer)
    response = api.post("/api/v1/plans/", body(city, officer, days(8), days(12), **extra), format="json")
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def test_only_officers_file_plans(api, city, frozen):
    for user in (JusticeUserFactory(agency=city.justice_bureau), enterprise_user(city.enterprise)):
        api.force_authenticate(user)
        assert api.post("/api/v1/plans/", body(city, city.market_officer, days(8)), format="json").status_code == 403
    api.force_authenticate(None)
    assert api.post("/api/v1/plans/", body(city, city.market_officer, days(8)), format="json").status_code == 401


def test_another_agency_cannot_withdraw_and_the_owner_can(api, city, frozen):
    pid = _file(api, city)
    api.force_authenticate(city.ecology_officer)
    assert api.post(f"/api/v1/plans/{pid}/withdraw/", {}, format="json").status_code == 404
    api.force_authenticate(city.market_officer)
    response = api.post(f"/api/v1/plans/{pid}/withdraw/", {"note": "计划调整"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    assert not JointTask.objects.exists()


def test_the_justice_bureau_reviews_a_whitelist_plan_and_others_cannot(api, city, frozen):
    city.whitelist(city.enterprise)
    pid = _file(api, city)
    assert Plan.objects.get(pk=pid).status == "pending_review"
    api.force_authenticate(city.market_officer)
    assert api.post(f"/api/v1/plans/{pid}/review/", {"decision": "approve"}, format="json").status_code == 403
    district_justice = JusticeUserFactory(agency=AgencyFactory(is_justice_bureau=True, division="370683"))
    api.force_authenticate(district_justice)
    assert api.post(f"/api/v1/plans/{pid}/review/", {"decision": "approve"}, format="json").status_code == 404
    justice = JusticeUserFactory(agency=city.justice_bureau)
    api.force_authenticate(justice)
    queue = api.get("/api/v1/reviews/").json()["results"]
    assert [p["id"] for p in queue] == [pid]
    refused = api.post(f"/api/v1/plans/{pid}/review/", {"decision": "reject"}, format="json")
    assert refused.status_code == 400 and "note" in refused.json()
    rejected = api.post(
        f"/api/v1/plans/{pid}/review/", {"decision": "reject", "note": "该企业本年度已检查"}, format="json"
    )
    assert rejected.json()["status"] == "rejected"
    api.force_authenticate(city.market_officer)
    assert api.get(f"/api/v1/plans/{pid}/").json()["review_note"] == "该企业本年度已检查"


def test_green_channel_plans_are_reviewed_after_the_fact(api, city, frozen):
    pid = _file(
        api,
        city,
        urgent=True,
        urgent_category="public_report",
        urgent_reason="群众举报",
        officers=["market1", "market2"],
        window_start=TODAY.isoformat(),
        window_end=TODAY.isoformat(),
    )
    justice = JusticeUserFactory(agency=city.justice_bureau)
    api.force_authenticate(justice)
    assert [p["id"] for p in api.get("/api/v1/reviews/", {"queue": "green_channel"}).json()["results"]] == [pid]
    response = api.post(f"/api/v1/plans/{pid}/post-review/", {"decision": "justified"}, format="json")
    assert response.json()["post_review"] == "justified"
    stats = api.get("/api/v1/statistics/").json()["figures"]
    assert stats["green_channel"] == 1 and stats["green_channel_justified"] == 1


def test_statistics_count_joint_share_and_visits_avoided(api, city, frozen):
    for officer in (city.market_officer, city.ecology_officer, city.emergency_officer):
        _file(api, city, officer)
    api.force_authenticate(JusticeUserFactory(agency=city.justice_bureau))
    figures = api.get("/api/v1/statistics/").json()["figures"]
    assert figures["plans"] == 3 and figures["visits"] == 1 and figures["visits_avoided"] == 2
    assert figures["joint_share"] == 1.0 and figures["filed_ahead_rate"] == 1.0
    by_agency = api.get("/api/v1/statistics/", {"by": "agency"}).json()["figures"]["groups"]
    assert len(by_agency) == 3
    assert api.get("/api/v1/statistics/", {"by": "colour"}).status_code == 400
    api.force_authenticate(enterprise_user(city.enterprise))
    assert api.get("/api/v1/statistics/").status_code == 403


def test_the_enterprise_sees_its_visits_but_not_another_enterprises(api, city, frozen):
    _file(api, city)
    api.force_authenticate(enterprise_user(city.enterprise))
    assert len(api.get("/api/v1/joint-tasks/").json()["results"]) == 1
    api.force_authenticate(enterprise_user(EnterpriseFactory()))
    assert api.get("/api/v1/joint-tasks/").json()["results"] == []
    task = JointTask.objects.get()
    assert api.get(f"/api/v1/joint-tasks/{task.pk}/").status_code == 404


def test_matters_are_filtered_by_agency_and_theme(api, city):
    api.force_authenticate(city.market_officer)
    by_agency = api.get("/api/v1/matters/", {"agency": city.market.code}).json()
    assert [m["code"] for m in by_agency] == [city.market_matter.code]
    by_theme = api.get("/api/v1/matters/", {"theme": "catering"}).json()
    assert [m["code"] for m in by_theme] == [city.market_matter.code]
    assert by_theme[0]["themes"] == ["catering"] and by_theme[0]["agency"] == "market"


def test_the_preview_says_which_visit_a_plan_would_join(api, city, frozen):
    _file(api, city)
    api.force_authenticate(city.ecology_officer)
    preview = api.get(
        "/api/v1/plans/preview/",
        {"enterprise": city.enterprise.uscc, "window_start": days(10).isoformat(), "window_end": days(14).isoformat()},
    ).json()
    assert preview["joins"]["agencies"] == [city.market.name]
    too_soon = api.get(
        "/api/v1/plans/preview/",
        {"enterprise": city.enterprise.uscc, "window_start": days(2).isoformat(), "window_end": days(14).isoformat()},
    ).json()
    assert days(7).isoformat() in too_soon["error"]
    assert not Plan.objects.filter(agency=city.ecology).exists()


def test_the_joint_task_list_does_not_grow_in_queries(api, city, frozen, django_assert_max_num_queries):
    for _n in range(6):
        enterprise = EnterpriseFactory()
        for officer in (city.market_officer, city.ecology_officer):
            api.force_authenticate(officer)
            api.post(
                "/api/v1/plans/",
                {**body(city, officer, days(8), days(12)), "enterprise": enterprise.uscc},
                format="json",
            )
    api.force_authenticate(OfficerFactory(agency=city.market))
    with django_assert_max_num_queries(12):
        assert len(api.get("/api/v1/joint-tasks/").json()["results"]) == 6


def test_visits_avoided_by_agency_add_up_to_the_total(api, city, frozen):
    for officer in (city.market_officer, city.ecology_officer, city.emergency_officer):
        _file(api, city, officer)
    api.force_authenticate(JusticeUserFactory(agency=city.justice_bureau))
    groups = api.get("/api/v1/statistics/", {"by": "agency"}).json()["figures"]["groups"]
    assert sum(g["visits_avoided"] for g in groups) == pytest.approx(2, abs=0.02)  # each group rounded to 0.01


def test_a_campaign_fans_out_to_one_plan_per_enterprise_or_none(api, city, frozen):
    others = [EnterpriseFactory(), EnterpriseFactory()]
    api.force_authenticate(city.market_officer)
    payload = {
        "enterprises": [city.enterprise.uscc] + [e.uscc for e in others],
        "matters": [city.market_matter.code],
        "window_start": days(8).isoformat(),
        "window_end": days(12).isoformat(),
    }
    response = api.post("/api/v1/plans/campaign/", payload, format="json")
    assert response.status_code == 201, response.json()
    plans = response.json()
    assert len(plans) == 3 and len({p["campaign"] for p in plans}) == 1
    bad = api.post(
        "/api/v1/plans/campaign/",
        {**payload, "enterprises": [city.enterprise.uscc, "91370611000000000X"]},
        format="json",
    )
    assert bad.status_code == 400 and "enterprises" in bad.json()
    assert Plan.objects.count() == 3
    # One enterprise busy for the whole window: the campaign is refused whole, naming it.
    from enterprises.models import BusyPeriod

    BusyPeriod.objects.create(enterprise=others[1], start=days(20), end=days(40))
    blocked = {**payload, "window_start": days(20).isoformat(), "window_end": days(24).isoformat()}
    refused = api.post("/api/v1/plans/campaign/", blocked, format="json")
    assert refused.status_code == 400 and others[1].name in str(refused.json())
    assert Plan.objects.count() == 3
    too_soon = api.post("/api/v1/plans/campaign/", {**payload, "window_start": days(3).isoformat()}, format="json")
    assert too_soon.status_code == 400 and Plan.objects.count() == 3


def test_the_input_serializers_parse_without_touching_the_database(city, django_assert_num_queries):
    from plans.api.filing import CampaignInputSerializer, PlanInputSerializer

    payload = body(city, city.market_officer, days(8), theme="catering", officers=["ghost"], invitation=7)
    with django_assert_num_queries(0):
        assert PlanInputSerializer(data=payload).is_valid()
        assert CampaignInputSerializer(data={**payload, "enterprises": ["91370611000000000X"]}).is_valid()


def test_a_campaign_names_every_bad_code_at_once(api, city, frozen):
    api.force_authenticate(city.market_officer)
    response = api.post(
        "/api/v1/plans/campaign/",
        {
            "enterprises": [city.enterprise.uscc, "91370611000000000X"],
            "matters": ["nope"],
            "window_start": days(8).isoformat(),
            "window_end": days(12).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"enterprises", "matters"}
    assert "91370611000000000X" in response.json()["enterprises"][0]


@pytest.mark.parametrize("invitation", [0, 10**12, -1])
def test_an_odd_invitation_id_is_a_field_error_or_ignored_never_a_500(api, city, frozen, invitation):
    api.force_authenticate(city.market_officer)
    response = api.post(
        "/api/v1/plans/", body(city, city.market_officer, days(8), invitation=invitation), format="json"
    )
    assert response.status_code in (201, 400), response.content
    if response.status_code == 400:
        assert "invitation" in response.json()


def test_an_invitation_of_another_agency_reads_as_unknown(api, city, frozen):
    from plans.models import Invitation

    api.force_authenticate(city.market_officer)
    api.post("/api/v1/plans/", body(city, city.market_officer, days(8), days(12), theme="catering"), format="json")
    invitation = Invitation.objects.exclude(agency=city.market_officer.agency).first()
    assert invitation is not None
    response = api.post(
        "/api/v1/plans/", body(city, city.market_officer, days(8), invitation=invitation.pk), format="json"
    )
    assert response.status_code == 400 and "invitation" in response.json()


def test_the_plan_list_filters_by_enterprise_with_the_enterprise_search_rule(api, city, frozen):
    plan = _file(api, city)
    other = EnterpriseFactory(name="烟台福山餐饮管理有限公司")
    _file(api, city, enterprise=other.uscc)
    for query, found in [("金海", [plan]), ("药业有限", [plan]), (city.enterprise.uscc.lower(), [plan]),
                         (city.enterprise.uscc[:17], [plan]), ("海", []), ("%", [])]:
        response = api.get("/api/v1/plans/", {"enterprise": query})
        assert response.status_code == 200
        assert [p["id"] for p in response.json()["results"]] == found, query
    assert len(api.get("/api/v1/plans/", {"enterprise": "有限公司"}).json()["results"]) == 2
    assert api.get("/api/v1/plans/", {"enterprise": "\x00金海\x00"}).status_code == 400  # yantai_inspect.inputs


def test_the_preview_shows_the_enterprises_credit_grade(api, city, frozen):
    from credit.grades import credit_grade_record

    credit_grade_record(actor=None, enterprise=city.enterprise, grade="C", source="market_classification",
                        valid_from=days(-30), valid_to=days(300))
    api.force_authenticate(city.market_officer)
    with translation.override("en"):
        preview = api.get(
            "/api/v1/plans/preview/",
            {"enterprise": city.enterprise.uscc, "window_start": days(10).isoformat(),
             "window_end": days(14).isoformat()},
            HTTP_ACCEPT_LANGUAGE="en",
        ).json()
    assert preview["credit"]["grade"] == "C" and preview["credit"]["valid_to"] == days(300).isoformat()
    assert preview["credit"]["whitelisted"] is False
    assert days(300).isoformat() in preview["credit_message"]


@pytest.mark.parametrize("kind", ["routine", "joins", "green_channel", "whitelisted", "head_approval"])
def test_the_filings_plan_is_the_plan_serializers(api, city, frozen, kind):
    """The filing answers its plan without the serializer (``plans.api.serializers.plan_data``): the same
    fields and values as ``PlanSerializer`` over the plan read back, whatever the kind of plan."""
    import json

    from rest_framework.renderers import JSONRenderer

    from plans.api.serializers import PlanSerializer

    extra = {"theme": city.theme.code}
    if kind == "joins":
        api.force_authenticate(city.ecology_officer)
        first = api.post("/api/v1/plans/", body(city, city.ecology_officer, days(8), days(12)), format="json")
        assert first.status_code == 201
    if kind == "green_channel":
        reason = {"urgent_category": "public_report", "urgent_reason": "群众举报"}
        extra = {"urgent": True, **reason, "officers": ["market1", "market2"]}
    if kind == "whitelisted":
        city.whitelist(city.enterprise)
    if kind == "head_approval":  # 检查审批: the plan waits for the agency head (plans.approval)
        from accounts.heads import agency_head_approval_set

        agency_head_approval_set(actor=None, agency=city.market, required=True)
        city.market_officer.agency.refresh_from_db()
    api.force_authenticate(city.market_officer)
    start, end = (TODAY, TODAY) if kind == "green_channel" else (days(8), days(12))
    response = api.post("/api/v1/plans/", body(city, city.market_officer, start, end, **extra), format="json")
    assert response.status_code == 201, response.json()
    plan = Plan.objects.get(pk=response.json()["id"])
    assert (plan.status == Plan.Status.PENDING_APPROVAL) == (kind == "head_approval")
    assert response.json()["plan"] == json.loads(JSONRenderer().render(PlanSerializer(plan).data))
