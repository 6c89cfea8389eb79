"""Demo activity for the Yantai demo city: plans filed through the real services, so the portals show joint
visits, invitations, a whitelist review and a green-channel inspection on the first login."""

import datetime as dt
import random

from accounts.models import User
from catalogue.models import Matter, Theme
from credit.models import CreditProfile
from enterprises.models import Enterprise
from plans.models import Plan
from plans.services import plan_file
from plans.special import special_campaign_decide, special_campaign_request
from plans.yearly import yearly_plan_draft, yearly_plan_line_add, yearly_plan_publish
from yantai_inspect.errors import DomainError

from .remote import demo_remote_checks_seed


def _officer(username):
    return User.objects.select_related("agency__department").get(username=username)


def _matters(officer, n=2):
    return list(Matter.objects.filter(department=officer.agency.department, active=True).order_by("code")[:n])


def demo_activity_seed(*, today: dt.date, seed: int = 2026) -> int:
    """File the demo plans unless some exist already (idempotent). Returns how many were filed."""
    if Plan.objects.exists():
        return 0
    rng = random.Random(seed)
    day = dt.timedelta(days=1)
    market, ecology = _officer("officer_market"), _officer("officer_ecology")
    emergency = _officer("officer_emergency")
    jinhai = Enterprise.objects.get(name="烟台金海药业有限公司")
    filed = [
        # The article's visit: three departments, one joint visit to 金海药业.
        plan_file(
            actor=market,
            enterprise=jinhai,
            matters=_matters(market),
            window_start=today + 8 * day,
            window_end=today + 18 * day,
        ),
        plan_file(
            actor=ecology,
            enterprise=jinhai,
            matters=_matters(ecology),
            window_start=today + 10 * day,
            window_end=today + 20 * day,
        ),
        plan_file(
            actor=emergency,
            enterprise=jinhai,
            matters=_matters(emergency),
            window_start=today + 9 * day,
            window_end=today + 16 * day,
        ),
    ]
    # One initiates, many respond: the market regulator's catering plan invites the theme's agencies.
    catering = Theme.objects.get(code="catering")
    restaurant = Enterprise.objects.filter(themes=catering, credit__whitelisted=False).order_by("uscc").first()
    if restaurant is not None:
        filed.append(
            plan_file(
                actor=market,
                enterprise=restaurant,
                theme=catering,
                matters=list(catering.matters.filter(department=market.agency.department)[:3]),
                window_start=today + 12 * day,
                window_end=today + 22 * day,
            )
        )
    # A plan on a whitelisted enterprise waits for the city justice bureau.
    white = CreditProfile.objects.filter(whitelisted=True).select_related("enterprise").order_by("pk").first()
    if white is not None:
        filed.append(
            plan_file(
                actor=market,
                enterprise=white.enterprise,
                matters=_matters(market, 1),
                window_start=today + 15 * day,
                window_end=today + 25 * day,
            )
        )
    # A green-channel inspection after a reported accident, for review after the fact.
    factory = Enterprise.objects.filter(themes__code="industry", credit__whitelisted=False).order_by("uscc").first()
    if factory is not None:
        crew = list(User.objects.filter(agency=emergency.agency, role=User.Role.OFFICER).order_by("username")[:2])
        filed.append(
            plan_file(
                actor=emergency,
                enterprise=factory,
                matters=_matters(emergency, 1),
                officers=crew,
                urgent=True,
                urgent_category=Plan.UrgentCategory.ACCIDENT,
                window_start=today,
                window_end=today,
                urgent_reason="企业车间发生粉尘燃爆险情,群众举报后立即入企核查",
            )
        )
    # Routine plans across the city, many of which the platform merges.
    others = list(Enterprise.objects.filter(credit__whitelisted=False).exclude(pk=jinhai.pk).order_by("uscc")[:40])
    for enterprise in rng.sample(others, 15):
        for officer in rng.sample([market, ecology, emergency], rng.choice([1, 2, 2, 3])):
            start = today + rng.randint(8, 30) * day
            try:
                filed.append(
                    plan_file(
                        actor=officer,
                        enterprise=enterprise,
                        matters=_matters(officer, 1),
                        window_start=start,
                        window_end=start + rng.randint(3, 12) * day,
                    )
                )
            except DomainError:
                continue  # a window the enterprise's busy period blocks: the platform refuses it, as it should
    filed.extend(_demo_random_check(today=today))
    filed.extend(_demo_yearly_and_special(today=today))
    filed.extend(demo_remote_checks_seed(today=today))  # 非现场检查 (portals.demo.remote)
    return len(filed)


def _demo_random_check(*, today: dt.date) -> list:
    """双随机、一公开: the Fushan market regulator commits and draws a random check of its district; the drawn
    plans are filed through the normal filing at once (the worker would do it in the background)."""
    from plans.campaigns import campaign_create, campaign_draw, campaign_file_plans

    officer = _officer("officer_fushan_market")
    try:
        campaign = campaign_create(actor=officer, name="2026年福山区市场监管双随机抽查", matters=_matters(officer, 1),
                                   window_start=today + 14 * dt.timedelta(days=1),
                                   window_end=today + 40 * dt.timedelta(days=1))
    except DomainError:
        return []
    campaign = campaign_draw(actor=officer, campaign=campaign)
    campaign_file_plans(campaign=campaign, today=today)
    return [d.plan for d in campaign.draws.exclude(plan=None)]


def _demo_yearly_and_special(*, today: dt.date) -> list:
    """年度检查计划 and 专项检查: the city market regulator publishes next year's plan (on time: before 31 March)
    and the ecology bureau has only a draft (the justice bureau sees it missing); the market regulator's special
    inspection is approved by the city justice bureau (a city agency's level above) and one plan is filed under
    it, exempt from the caps; the Fushan market regulator's awaits its parent's head (head_market)."""
    market, ecology, fushan = _officer("officer_market"), _officer("officer_ecology"), _officer("officer_fushan_market")
    year = today.year + 1
    filed = []
    try:
        plan = yearly_plan_draft(actor=market, year=year, title=f"烟台市市场监督管理局{year}年度监督检查计划",
                                 note="按照“双随机、一公开”和“综合查一次”要求统筹安排，减少入企次数。", today=today)
        for matter, division, visits, month in zip(_matters(market, 3), ("370602", "370611", ""), (180, 120, 60),
                                                   (6, 9, 11), strict=False):
            yearly_plan_line_add(actor=market, plan=plan, matter=matter, visits=visits, division=division,
                                 deadline=dt.date(year, month, 30), today=today)
        yearly_plan_publish(actor=market, plan=plan, today=today)
        yearly_plan_draft(actor=ecology, year=year, title=f"烟台市生态环境局{year}年度监督检查计划", today=today)
    except DomainError:
        pass
    start = today + dt.timedelta(days=8)
    end = min(start + dt.timedelta(days=20), dt.date(start.year, 12, 31))
    justice = User.objects.filter(agency__is_justice_bureau=True, agency__division="370600",
                                  role=User.Role.JUSTICE).order_by("username").first()
    try:
        campaign = special_campaign_request(
            actor=market, name=f"{start.year}年药品安全专项检查",
            basis="依据市政府药品安全专项整治工作部署及《药品管理法》第九十九条。", matters=_matters(market, 1),
            window_start=start, window_end=end, division="370611", today=today)
        if justice is not None:
            campaign = special_campaign_decide(actor=justice, campaign=campaign, approve=True,
                                               opinion="同意开展；请与其他部门入企检查合并，减少对企业的干扰。")
            target = Enterprise.objects.filter(division="370611", credit__whitelisted=False).exclude(
                plans__isnull=False).order_by("uscc").first()
            if target is not None and start + dt.timedelta(days=4) <= end:
                filed.append(plan_file(actor=market, enterprise=target, matters=campaign.matters.all(),
                                       window_start=start, window_end=start + dt.timedelta(days=4),
                                       special_campaign=campaign, today=today))
        special_campaign_request(
            actor=fushan, name=f"{start.year}年福山区食品安全专项检查", basis="依据区政府食品安全专项整治部署。",
            matters=_matters(fushan, 1), window_start=start, window_end=end, today=today)
    except DomainError:
        pass
    return filed
