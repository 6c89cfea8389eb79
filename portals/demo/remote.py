"""Demo remote checks (非现场检查, ``plans.remote``): filed and answered through the real services, so that the
enterprise portal of 烟台金海药业 has a request to answer, the market regulator a concluded one and the
statistics their own figure, and the justice bureau sees a plan that says why it still visits."""

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from accounts.models import User
from catalogue.models import Matter
from enterprises.models import Enterprise
from inspections.services.remote import remote_check_conclude, remote_check_submit
from plans.services import plan_file

from .enterprises import JINHAI, LAIZHOU_STONE


def _photo() -> SimpleUploadedFile:
    """A photographed certificate (drawn: the demo has no real one)."""
    image = Image.new("RGB", (800, 560), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((30, 30, 770, 530), outline=(160, 30, 30), width=8)
    draw.text((80, 90), "Certificate / verification record", fill=(40, 40, 40))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return SimpleUploadedFile("certificate.jpg", out.getvalue(), content_type="image/jpeg")


def demo_remote_checks_seed(*, today: dt.date) -> list:
    """Three plans on matters all checkable remotely: a request 金海药业 is still to answer, one the 莱州 stone
    works answered and the market regulator concluded compliant, and an ecology plan (on another Fushan
    enterprise) that visits with its reason.
    Called once, with the rest of the demo activity."""
    day = dt.timedelta(days=1)
    users = {u.username: u for u in User.objects.select_related("agency__department").filter(
        username__in=["officer_market", "officer_ecology", "enterprise2"])}
    market, ecology, stone_account = users["officer_market"], users["officer_ecology"], users["enterprise2"]
    matters = {m.code: m for m in Matter.objects.filter(code__in=[
        "market-se-001", "market-measure-001", "market-food-001", "ecology-permit-001", "ecology-eia-001"])}
    jinhai = Enterprise.objects.get(name=JINHAI)
    stone = Enterprise.objects.get(name=LAIZHOU_STONE)
    window = {"window_start": today + 10 * day, "window_end": today + 20 * day, "today": today}
    plans = [
        plan_file(actor=market, enterprise=jinhai, matters=[matters["market-se-001"], matters["market-measure-001"]],
                  remote=True, **window),
        plan_file(actor=market, enterprise=stone, matters=[matters["market-se-001"]], remote=True, **window),
    ]
    answered = plans[1].remote_check
    remote_check_submit(actor=stone_account, remote_check=answered, files=[_photo()], today=today,
                        note="特种设备使用登记证及最近一次定期检验报告")
    remote_check_conclude(actor=market, remote_check=answered, outcome="compliant", today=today,
                          conclusion="使用登记证与定期检验报告齐全，检验在有效期内。")
    # An enterprise the ecology bureau has no plan on yet (its yearly cap stays untouched by the demo).
    quiet = (Enterprise.objects.filter(credit__whitelisted=False, division=jinhai.division)
             .exclude(plans__agency=ecology.agency).exclude(pk=jinhai.pk).order_by("uscc").first())
    if quiet is None:
        return plans
    plans.append(plan_file(
        actor=ecology, enterprise=quiet, matters=[matters["ecology-permit-001"], matters["ecology-eia-001"]],
        visit_reason="群众举报企业夜间排放异味，需现场核实排污许可执行和治理设施运行情况。", **window))
    return plans
