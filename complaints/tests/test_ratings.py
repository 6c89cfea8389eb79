"""满意度: the enterprise rates its visits; an agency sees only aggregates of at least 5 ratings of months that are
over, never who rated; the justice bureau sees every rating."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.tests.factories import AgencyFactory, OfficerFactory
from audit.models import AuditEntry
from complaints import selectors
from complaints.models import VisitRating
from complaints.services_ratings import MIN_GROUP, visit_rate
from enterprises.tests.factories import EnterpriseFactory, enterprise_user
from notifications.models import Notification
from plans.models import JointTask, Participation
from yantai_inspect.errors import DomainError

from .conftest import SHANGHAI, at

IN_JUNE = dt.datetime(2026, 6, 15, 10, 0, tzinfo=SHANGHAI)
IN_JULY = dt.datetime(2026, 7, 3, 10, 0, tzinfo=SHANGHAI)


def done_visit(enterprise, agencies, day=dt.date(2026, 6, 10)):
    task = JointTask.objects.create(enterprise=enterprise, visit_date=day, division=enterprise.division,
                                    lead_agency=agencies[0], status=JointTask.Status.DONE, n_agencies=len(agencies))
    for agency in agencies:
        Participation.objects.create(agency=agency, joint_task=task, visit_date=day)
    return task


def rated_by_many(scene, n, score=5, comment="很好", prefix="rater"):
    """``n`` enterprises of Fushan each rate a visit of the scene's agency."""
    users = []
    for i in range(n):
        enterprise = EnterpriseFactory(name=f"评价企业{prefix}{i}有限公司", division="370611")
        user = enterprise_user(enterprise, username=f"{prefix}{i}")
        visit_rate(actor=user, task=done_visit(enterprise, [scene.agency]), score=score, comment=f"{comment}{i}")
        users.append(user)
    return users


def test_the_enterprise_rates_a_visit_from_its_visit_page_and_its_record_page_link(scene, client):
    Participation.objects.create(agency=scene.agency, joint_task=scene.task, visit_date=scene.task.visit_date)
    client.force_login(scene.user)
    visit = client.get(f"/enterprise/visits/{scene.task.pk}/").content.decode()
    assert f"/enterprise/ratings/new/?task={scene.task.pk}" in visit
    with at(IN_JUNE):
        response = client.post(f"/enterprise/ratings/new/?task={scene.task.pk}", {"score": "2", "comment": "等候太久"})
    assert response.status_code == 302, response.content.decode()[:2000]
    rating = VisitRating.objects.get()
    assert (rating.score, rating.comment, rating.rated_by, rating.division) == (2, "等候太久", scene.user, "370611")
    assert AuditEntry.objects.filter(action="rating.record", object_id=str(rating.pk)).exists()
    # a low rating is told to the bureau of the enterprise's division
    assert Notification.objects.filter(agency=scene.fushan_bureau, dedupe_key=f"rating:{rating.pk}:low").exists()
    page = client.get(f"/enterprise/ratings/new/?task={scene.task.pk}").content.decode()
    assert 'id="existing-rating"' in page and "rating-form" not in page
    assert "等候太久" in client.get("/enterprise/ratings/").content.decode()


def test_a_visit_is_rated_once_after_it_is_done_by_its_own_enterprise(scene):
    visit_rate(actor=scene.user, task=scene.task, score=4)
    with pytest.raises(DomainError, match="already"):
        visit_rate(actor=scene.user, task=scene.task, score=5)
    upcoming = JointTask.objects.create(enterprise=scene.enterprise, visit_date=dt.date(2026, 12, 9),
                                        division="370611", status=JointTask.Status.FIXED)
    with pytest.raises(DomainError):
        visit_rate(actor=scene.user, task=upcoming, score=5)
    other = done_visit(scene.other_enterprise, [scene.agency])
    with pytest.raises(DomainError):
        visit_rate(actor=scene.user, task=other, score=5)
    for bad in (0, 6, True, "5", None):
        with pytest.raises(DomainError):
            visit_rate(actor=scene.user, task=other, score=bad)
    assert VisitRating.objects.count() == 1


def test_other_enterprises_cannot_open_the_rating_page_of_a_visit_not_theirs(scene, client):
    client.force_login(scene.other_user)
    assert client.get(f"/enterprise/ratings/new/?task={scene.task.pk}").status_code == 404
    assert client.post(f"/enterprise/ratings/new/?task={scene.task.pk}", {"score": "5"}).status_code == 404
    assert client.get("/enterprise/ratings/new/?task=99999999999999999999").status_code in (302, 400, 404)
    assert not VisitRating.objects.exists()


def test_an_agency_never_sees_an_aggregate_of_fewer_than_five_or_who_rated(scene, client):
    with at(IN_JUNE):
        users = rated_by_many(scene, MIN_GROUP - 1, score=5, comment="秘密意见")
    client.force_login(scene.officer)
    api = APIClient()
    api.force_authenticate(scene.officer)
    with at(IN_JULY):
        page = client.get("/agency/ratings/").content.decode()
        summary = api.get("/api/v1/ratings/summary/").json()
    assert summary["months"] == [] and summary["total"] is None
    assert "<td>2026-06</td>" not in page

    with at(IN_JUNE):
        users += rated_by_many(scene, 1, score=3, comment="秘密意见x", prefix="late")
    with at(IN_JUNE):  # the month is not over: nothing yet, so a single new rating is never seen arriving
        assert api.get("/api/v1/ratings/summary/").json()["months"] == []
    with at(IN_JULY):
        page = client.get("/agency/ratings/").content.decode()
        summary = api.get("/api/v1/ratings/summary/").json()
        listed = api.get("/api/v1/ratings/")
    assert [(m["ratings"], m["satisfied"], m["satisfaction"]) for m in summary["months"]] == [(5, 4, 80.0)]
    assert summary["total"]["ratings"] == 5 and "80.0 %" in page and "<td>2026-06</td>" in page
    assert listed.status_code == 403
    body = page + str(summary)
    for user in users:
        assert user.username not in body and user.enterprise_account.enterprise.name not in body
    assert "秘密意见" not in body and "rated_by" not in str(summary) and "enterprise" not in str(summary["months"])


def test_an_agency_sees_only_the_ratings_of_visits_it_took_part_in(scene):
    other_agency = AgencyFactory(code="fs-ecology", division="370611")
    with at(IN_JUNE):
        rated_by_many(scene, MIN_GROUP)
    with at(IN_JULY):
        assert selectors.agency_rating_view(agency=other_agency, today=IN_JULY.date())["months"] == []
        assert selectors.agency_rating_view(agency=scene.agency, today=IN_JULY.date())["total"]["ratings"] == 5


def test_the_justice_bureau_sees_every_rating_of_its_area_with_who_rated(scene, client):
    with at(IN_JUNE):
        visit_rate(actor=scene.user, task=scene.task, score=1, comment="索要好处")
    client.force_login(scene.fushan_justice)
    page = client.get("/justice/ratings/?year=2026").content.decode()
    assert "索要好处" in page and scene.enterprise.name in page and str(scene.user) in page
    assert "96.32" in page and "98.01" in page
    csv = b"".join(client.get("/justice/ratings/export.csv").streaming_content).decode("utf-8-sig")
    assert "索要好处" in csv and scene.enterprise.uscc in csv
    api = APIClient()
    api.force_authenticate(scene.fushan_justice)
    rows = api.get("/api/v1/ratings/").json()["results"]
    assert [(r["score"], r["rated_by"]) for r in rows] == [(1, scene.user.username)]
    client.force_login(scene.laizhou_justice)
    assert "索要好处" not in client.get("/justice/ratings/").content.decode()
    api.force_authenticate(scene.laizhou_justice)
    assert api.get("/api/v1/ratings/").json()["results"] == []


def test_rating_summary_groups_in_the_database_and_satisfaction_is_the_share_of_4_and_5(scene):
    laizhou_agency = AgencyFactory(code="lz-market", division="370683")
    scores = {"370611": [5, 4, 3, 2, 1, 5], "370683": [4, 4, 2]}
    with at(IN_JUNE):
        for division, values in scores.items():
            for i, score in enumerate(values):
                enterprise = EnterpriseFactory(division=division)
                agency = scene.agency if division == "370611" else laizhou_agency
                visit_rate(actor=enterprise_user(enterprise, username=f"u{division}{i}"),
                           task=done_visit(enterprise, [agency]), score=score)
    rows = selectors.rating_summary(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31), by=("month", "district"))
    got = {r["district"]: (r["ratings"], r["satisfied"], r["satisfaction"], r["score_1"]) for r in rows}
    # recomputed from the scores themselves
    expected = {d: (len(v), sum(s >= 4 for s in v), round(100 * sum(s >= 4 for s in v) / len(v), 2), v.count(1))
                for d, v in scores.items()}
    assert got == expected
    assert {r["month"] for r in rows} == {dt.date(2026, 6, 1)}
    by_agency = selectors.rating_summary(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31), by=("agency",))
    assert {r["agency_id"]: r["ratings"] for r in by_agency} == {scene.agency.pk: 6, laizhou_agency.pk: 3}
    assert selectors.rating_summary(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31), by=("district",),
                                    min_group=5) == [r for r in selectors.rating_summary(
                                        start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31), by=("district",))
                                        if r["ratings"] >= 5]
    city = selectors.city_satisfaction(year=2026)
    assert (city["ratings"], city["satisfied"]) == (9, 5) and city["satisfaction"] == round(500 / 9, 2)


def test_other_roles_are_refused_the_rating_pages(scene, client):
    for user, paths in ((scene.user, ["/agency/ratings/", "/justice/ratings/"]),
                        (scene.officer, ["/enterprise/ratings/", "/justice/ratings/", "/justice/ratings/export.csv"]),
                        (scene.fushan_justice, ["/agency/ratings/", "/enterprise/ratings/"])):
        client.force_login(user)
        for path in paths:
            assert client.get(path).status_code == 403, (user, path)
    officer = OfficerFactory(agency=scene.agency)
    api = APIClient()
    api.force_authenticate(officer)
    assert api.post("/api/v1/ratings/", {"task": scene.task.pk, "score": 5}, format="json").status_code == 403
    api.force_authenticate(scene.user)
    assert api.get("/api/v1/ratings/summary/").status_code == 403


def csv_text(response) -> str:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/csv")
    return b"".join(response.streaming_content).decode("utf-8-sig")


def pinned(client, path, grow):
    """The export read twice, before and after ``grow`` adds rows: the same number of queries both times."""
    with CaptureQueriesContext(connection) as before:
        first = csv_text(client.get(path))
    grow()
    with CaptureQueriesContext(connection) as after:
        more = csv_text(client.get(path))
    assert len(before) == len(after), [q["sql"] for q in after.captured_queries]
    return first, more


def test_the_justice_bureau_exports_every_rating_of_its_area_in_a_fixed_number_of_queries(scene, client):
    ecology = AgencyFactory(code="fs-ecology", division="370611", name="福山区生态环境分局")
    with at(IN_JUNE):
        visit_rate(actor=scene.user, task=done_visit(scene.enterprise, [scene.agency, ecology]), score=2,
                   comment="等候太久")
        laizhou = EnterpriseFactory(name="莱州石材有限公司", division="370683")
        visit_rate(actor=enterprise_user(laizhou, username="lz-rater"), task=done_visit(laizhou, [scene.agency]),
                   score=5, comment="莱州的评价")
    client.force_login(scene.fushan_justice)
    assert "/justice/ratings/export.csv" in client.get("/justice/ratings/").content.decode()

    def grow():
        with at(IN_JUNE):
            rated_by_many(scene, 4, comment="后来的评价")

    first, more = pinned(client, "/justice/ratings/export.csv", grow)
    lines = first.strip().splitlines()
    assert len(lines) == 2 and "莱州的评价" not in first  # the bureau's own divisions only
    task = VisitRating.objects.get(comment="等候太久").task
    assert lines[1].split(",") == ["2026-06-15", scene.enterprise.name, scene.enterprise.uscc, str(task.pk),
                                   "2026-06-10", f"{scene.agency.name}、{ecology.name}", "2", "等候太久",
                                   str(scene.user)]
    assert more.count("后来的评价") == 4 and len(more.strip().splitlines()) == 6
    # the city's bureau answers for the divisions without a bureau of their own, not for Fushan's or Laizhou's
    client.force_login(scene.city_justice)
    assert csv_text(client.get("/justice/ratings/export.csv")).strip().count("\n") == 0


def test_an_agency_exports_only_its_aggregates_of_at_least_five_never_who_rated(scene, client):
    with at(IN_JUNE):
        users = rated_by_many(scene, MIN_GROUP - 1, score=5, comment="秘密意见")
    client.force_login(scene.officer)
    with at(IN_JULY):
        assert "/agency/ratings/export.csv" in client.get("/agency/ratings/").content.decode()
        assert csv_text(client.get("/agency/ratings/export.csv")).strip().count("\n") == 0  # the header only

        def grow():
            with at(IN_JUNE):
                users.extend(rated_by_many(scene, 1, score=3, comment="秘密意见x", prefix="late"))

        _first, text = pinned(client, "/agency/ratings/export.csv", grow)
    rows = [line.split(",") for line in text.strip().splitlines()[1:]]
    assert rows == [["2026-06", "5", "4.6", "4", "80.0"], [rows[1][0], "5", "4.6", "4", "80.0"]]
    assert "秘密意见" not in text
    for user in users:
        assert user.username not in text and user.enterprise_account.enterprise.name not in text


def test_the_rating_exports_are_refused_to_the_other_roles(scene, client):
    with at(IN_JUNE):
        visit_rate(actor=scene.user, task=scene.task, score=1, comment="索要好处")
    for user, paths in ((scene.user, ["/justice/ratings/export.csv", "/agency/ratings/export.csv"]),
                        (scene.officer, ["/justice/ratings/export.csv"]),
                        (scene.fushan_justice, ["/agency/ratings/export.csv"])):
        client.force_login(user)
        for path in paths:
            assert client.get(path).status_code == 403, (user, path)
    client.force_login(scene.laizhou_justice)  # a bureau of another district: none of Fushan's ratings
    assert "索要好处" not in csv_text(client.get("/justice/ratings/export.csv"))
    client.logout()
    for path in ("/justice/ratings/export.csv", "/agency/ratings/export.csv"):
        assert client.get(path).status_code == 302
