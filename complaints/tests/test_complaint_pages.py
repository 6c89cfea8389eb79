import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints import services
from complaints.models import Complaint
from credit.models import CreditEvent


def file(scene, **kw):
    return services.complaint_file(actor=scene.user, kind=kw.pop("kind", Complaint.Kind.CONDUCT),
                                   text=kw.pop("text", "态度恶劣"), task=scene.task, **kw)


def test_the_enterprise_complains_from_its_visit_page_and_follows_it(scene, client):
    client.force_login(scene.user)
    visit = client.get(f"/enterprise/visits/{scene.task.pk}/")
    assert f"/enterprise/complaints/new/?task={scene.task.pk}" in visit.content.decode()
    response = client.post(f"/enterprise/complaints/new/?task={scene.task.pk}",
                           {"kind": "not_scanned", "text": "未扫码进入", "officer": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    complaint = Complaint.objects.get()
    assert complaint.source == Complaint.Source.VISIT and complaint.task == scene.task
    page = client.get(response["Location"]).content.decode()
    assert "未扫码进入" in page and scene.fushan_bureau.name in page


def test_from_the_inspection_code_page_it_is_about_an_unregistered_inspection(scene, client):
    client.force_login(scene.user)
    page = client.get("/verify/inspection/forged-token/").content.decode()
    assert "/enterprise/complaints/new/?code=forged-token" in page
    form = client.get("/enterprise/complaints/new/?code=forged-token").content.decode()
    assert 'value="forged-token"' in form
    response = client.post("/enterprise/complaints/new/?code=forged-token",
                           {"kind": "not_registered", "text": "出示的二维码无效", "inspection_code": "forged-token"})
    assert response.status_code == 302
    assert Complaint.objects.get().source == Complaint.Source.CODE


def test_the_justice_bureau_handles_it_on_its_page(scene, client):
    complaint = file(scene)
    client.force_login(scene.fushan_justice)
    assert f"/justice/complaints/{complaint.pk}/" in client.get("/justice/complaints/").content.decode()
    for action, extra in (("accept", {}), ("investigate", {}), ("uphold", {"note": "属实"}), ("close", {})):
        response = client.post(f"/justice/complaints/{complaint.pk}/", {"action": action, **extra})
        assert response.status_code == 302, (action, response.content.decode()[:3000])
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CLOSED
    assert CreditEvent.objects.filter(source_ref=f"complaint:{complaint.pk}").exists()
    # a refused step is an error on the form, not a server error
    response = client.post(f"/justice/complaints/{complaint.pk}/", {"action": "accept"})
    assert response.status_code == 200 and "errors" in response.content.decode()


def test_pages_refuse_other_enterprises_other_bureaus_agencies_and_anonymous(scene, client):
    complaint = file(scene)
    client.force_login(scene.other_user)
    assert client.get(f"/enterprise/complaints/{complaint.pk}/").status_code == 404
    assert client.get(f"/enterprise/complaints/new/?task={scene.task.pk}").status_code == 404
    assert f"#{complaint.pk}" not in client.get("/enterprise/complaints/").content.decode()
    client.force_login(scene.laizhou_justice)
    assert client.get(f"/justice/complaints/{complaint.pk}/").status_code == 404
    assert client.post(f"/justice/complaints/{complaint.pk}/", {"action": "accept"}).status_code == 404
    client.force_login(scene.officer)
    assert client.get(f"/justice/complaints/{complaint.pk}/").status_code == 403
    assert client.get(f"/enterprise/complaints/{complaint.pk}/").status_code == 403
    client.logout()
    assert client.get("/enterprise/complaints/").status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.RECEIVED


def test_the_api_files_lists_and_handles(scene, client):
    client.force_login(scene.user)
    response = client.post("/api/v1/complaints/", {"kind": "conduct", "text": "索要财物", "task": scene.task.pk},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["justice_bureau"] == "fs-justice" and response.json()["hotline_delivery"] == "pending"
    assert [c["id"] for c in client.get("/api/v1/complaints/").json()["results"]] == [pk]
    assert client.post(f"/api/v1/complaints/{pk}/action/", {"action": "accept"},
                       content_type="application/json").status_code == 403
    client.force_login(scene.fushan_justice)
    response = client.post(f"/api/v1/complaints/{pk}/action/", {"action": "extend", "workdays": 11, "note": "x"},
                           content_type="application/json")
    assert response.status_code == 400
    response = client.post(f"/api/v1/complaints/{pk}/action/", {"action": "accept"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    assert [s["action"] for s in client.get(f"/api/v1/complaints/{pk}/").json()["steps"]] == ["file", "accept"]
    client.force_login(scene.laizhou_justice)
    assert client.get(f"/api/v1/complaints/{pk}/").status_code == 404
    assert client.post(f"/api/v1/complaints/{pk}/action/", {"action": "investigate"},
                       content_type="application/json").status_code == 404
    assert client.get("/api/v1/complaints/").json()["results"] == []
    client.force_login(scene.officer)
    assert client.get("/api/v1/complaints/").status_code == 403
    assert client.post("/api/v1/complaints/", {"kind": "other", "text": "x"},
                       content_type="application/json").status_code == 403
    client.force_login(scene.other_user)
    assert client.get(f"/api/v1/complaints/{pk}/").status_code == 404
    assert client.post("/api/v1/complaints/", {"kind": "other", "text": "x", "task": scene.task.pk},
                       content_type="application/json").status_code == 404
    client.logout()
    assert client.get("/api/v1/complaints/").status_code in (401, 403)


@pytest.mark.parametrize("who,url", [("user", "/enterprise/complaints/"), ("fushan_justice", "/justice/complaints/"),
                                     ("user", "/api/v1/complaints/"), ("fushan_justice", "/api/v1/complaints/")])
def test_the_lists_take_a_fixed_number_of_queries(scene, client, who, url):
    client.force_login(getattr(scene, who))

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    file(scene)
    small = count()
    for _ in range(6):
        file(scene, officer=scene.officer)
    assert count() == small


def test_a_photo_goes_through_the_upload_rules(scene, client):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 20, 20)).save(out, format="JPEG")
    client.force_login(scene.user)
    response = client.post("/enterprise/complaints/new/", {
        "kind": "conduct", "text": "现场照片", "photo": SimpleUploadedFile("a.jpg", out.getvalue(), "image/jpeg")})
    assert response.status_code == 302
    assert Complaint.objects.get().photos.get().content_type == "image/jpeg"
    response = client.post("/enterprise/complaints/new/", {
        "kind": "conduct", "text": "不是图片", "photo": SimpleUploadedFile("a.jpg", b"not an image", "image/jpeg")})
    assert response.status_code == 200 and Complaint.objects.count() == 1


def _csv(response) -> str:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_both_complaint_lists_export_as_csv_in_a_fixed_number_of_queries(scene, client):
    file(scene)
    for user, path in ((scene.user, "/enterprise/complaints/"), (scene.fushan_justice, "/justice/complaints/")):
        client.force_login(user)
        assert f"{path}export.csv" in client.get(path).content.decode()
    counts = {}
    for n in (1, 4):
        while Complaint.objects.count() < n:
            file(scene, text=f"投诉{Complaint.objects.count()}")
        for user, path, party in ((scene.user, "/enterprise/complaints/export.csv", scene.fushan_bureau.name),
                                  (scene.fushan_justice, "/justice/complaints/export.csv", scene.enterprise.name)):
            client.force_login(user)
            with CaptureQueriesContext(connection) as queries:
                text = _csv(client.get(path))
            assert party in text and text.count("\n") == n + 1
            counts.setdefault(path, []).append(len(queries))
    assert all(a == b for a, b in counts.values()), counts


def test_the_complaint_exports_are_refused_to_other_readers(scene, client):
    file(scene)
    client.force_login(scene.other_user)
    assert _csv(client.get("/enterprise/complaints/export.csv")).count("\n") == 1
    client.force_login(scene.laizhou_justice)  # another district's bureau
    assert _csv(client.get("/justice/complaints/export.csv")).count("\n") == 1
    client.force_login(scene.officer)
    assert client.get("/enterprise/complaints/export.csv").status_code == 403
    assert client.get("/justice/complaints/export.csv").status_code == 403
    client.force_login(scene.user)
    assert client.get("/justice/complaints/export.csv").status_code == 403
    client.logout()
    assert client.get("/enterprise/complaints/export.csv").status_code == 302
    assert client.get("/justice/complaints/export.csv").status_code == 302
