"""Random-check campaigns (双随机、一公开): created with their population snapshot and the commitment, drawn
once (the seed revealed, the draw stored), and the drawn plans filed through the normal filing service.

The draw itself is ``plans.draw.replay``: a function of the published seed and snapshot only. Reading the
population and storing the draw are a few set-based statements whatever the population's size (a district's
~60,000 enterprises): one SELECT for the population, one each for the officers and their conflicts, bulk
INSERTs for the drawn enterprises. Filing is one ``plan_file`` per drawn enterprise (the caps, the 7-day rule
and the matching into visits already planned all apply), in batches, rerunnably, by the worker
(``plans.handlers``) or ``manage.py random_check_file``; an enterprise whose plan is refused keeps the reason."""

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import require_officer
from accounts.divisions import CITY_CODE, DIVISION_CODES
from accounts.models import User, certified_officers_q
from accounts.selectors import divisions_supervised_by
from audit.services import audit_record
from catalogue.models import Theme
from catalogue.versions import all_remote_checkable
from credit.sampling import DEFAULT_GRADE, sampling_rates
from enterprises.industries import INDUSTRY_CODES
from enterprises.models import Enterprise
from enterprises.selectors import enterprises_for_user
from outbox.services import outbox_enqueue
from yantai_inspect.errors import DomainError

from . import draw
from .models import OfficerConflict, Plan, RandomCheckCampaign, RandomCheckDraw
from .selectors import findings_by_task
from .services.filing import _check_matters, _check_theme, plan_file

FILE_BATCH = 200


def max_population() -> int:
    return getattr(settings, "RANDOM_CHECK_MAX_POPULATION", 200_000)


def _population(*, actor, division: str, industry: str, population_theme):
    qs = enterprises_for_user(user=actor)
    if division and division != CITY_CODE:
        qs = qs.filter(division=division)
    if industry:
        qs = qs.filter(industry=industry)
    if population_theme is not None:
        qs = qs.filter(themes=population_theme)
    return qs


@transaction.atomic
def campaign_create(
    *, actor, name: str, matters, window_start, window_end, theme: Theme | None = None, division: str = "",
    industry: str = "", population_theme: Theme | None = None, today=None,
) -> RandomCheckCampaign:
    """An agency creates a random-check campaign: the matters (or a theme's), the population (its area, or a
    district, an industry, a theme) and the window. The population is snapshotted now and the SHA-256 of the
    snapshot and of a secret seed are published: the commitment, made before anybody can see the draw."""
    agency = require_officer(actor)
    today = today or timezone.localdate()
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the campaign a name."), field="name")
    if division and division not in DIVISION_CODES:
        raise DomainError(_("Unknown division."), field="division")
    if industry and industry not in INDUSTRY_CODES:
        raise DomainError(_("Unknown industry."), field="industry")
    if window_end < window_start:
        raise DomainError(_("The latest visit date is before the earliest."), field="window_end")
    earliest = Plan.ahead_from_for(filed_on=today, urgent=False)
    if window_start < earliest:
        raise DomainError(
            _("A routine plan must be filed at least %(n)d days ahead: the earliest visit date allowed is %(date)s.")
            % {"n": settings.PLAN_ADVANCE_DAYS, "date": earliest.isoformat()},
            field="window_start",
        )
    _check_theme(agency=agency, theme=theme)
    matters = _check_matters(agency=agency, theme=theme, matters=matters)
    code = uuid.uuid4().hex[:12]

    population = _population(actor=actor, division=division, industry=industry, population_theme=population_theme)
    limit = max_population()
    enterprises = list(
        population.annotate(grade_or_default=Coalesce("credit__grade", Value(DEFAULT_GRADE)))
        .order_by("uscc")
        .values_list("uscc", "grade_or_default")[: limit + 1]
    )
    if not enterprises:
        raise DomainError(_("No enterprise of your area matches this population."), field="division")
    if len(enterprises) > limit:
        raise DomainError(
            _("A campaign's population is at most %(n)d enterprises: choose a district, industry or theme.")
            % {"n": limit},
            field="division",
        )
    officers = dict(
        # certified on every day of the window (validity is one interval: both ends cover it)
        User.objects.filter(
            certified_officers_q(on=window_start), certified_officers_q(on=window_end), agency=agency
        ).values_list("pk", "certificate_number")
    )
    if len(officers) < draw.OFFICERS_PER_ENTERPRISE:
        raise DomainError(_("Your agency needs at least two certified officers to draw."))
    conflicts = OfficerConflict.objects.filter(
        officer_id__in=list(officers), enterprise__in=population.values("pk")
    ).values_list("enterprise__uscc", "officer__certificate_number")
    snapshot = draw.snapshot_text(
        campaign=code, rates=sampling_rates(), enterprises=enterprises, officers=officers.values(),
        conflicts=conflicts,
    )
    seed = draw.new_seed()
    campaign = RandomCheckCampaign.objects.create(
        code=code, agency=agency, created_by=actor, name=name[:200], theme=theme, division=division,
        industry=industry, population_theme=population_theme, window_start=window_start, window_end=window_end,
        snapshot=snapshot, snapshot_sha256=draw.sha256_hex(snapshot), population_size=len(enterprises),
        seed=seed, seed_sha256=draw.sha256_hex(seed),
    )
    campaign.matters.add(*matters)
    audit_record(actor=actor, action="random_check.commit", obj=campaign, details={
        "code": code, "population": len(enterprises), "snapshot_sha256": campaign.snapshot_sha256,
        "seed_sha256": campaign.seed_sha256, "matters": [m.code for m in matters],
    })
    return campaign


@transaction.atomic
def campaign_draw(*, actor, campaign: RandomCheckCampaign) -> RandomCheckCampaign:
    """The draw, once: reveals the seed and stores the enterprises and officers ``plans.draw.replay`` gives for
    the committed seed and snapshot; filing their plans is queued on commit. A drawn enterprise without two
    officers free of conflicts keeps that reason and gets no plan."""
    agency = require_officer(actor)
    campaign = RandomCheckCampaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.agency_id != agency.pk:
        raise DomainError(_("Only the campaign's agency can draw it."))
    if campaign.is_drawn:
        raise DomainError(_("This campaign has been drawn already; a draw is never repeated."))
    result = draw.replay(seed=campaign.seed, snapshot=campaign.snapshot)
    ids = {}
    codes = [d.code for d in result]
    for start in range(0, len(codes), 2000):
        ids.update(campaign_enterprise_ids(codes[start : start + 2000]))
    short = _("Fewer than two officers of the agency are free of conflicts with this enterprise.")
    RandomCheckDraw.objects.bulk_create(
        [
            RandomCheckDraw(
                campaign=campaign, position=i, enterprise_id=ids[d.code], grade=d.grade,
                officers=",".join(d.officers),
                filing_done=len(d.officers) < draw.OFFICERS_PER_ENTERPRISE,
                failure="" if len(d.officers) >= draw.OFFICERS_PER_ENTERPRISE else short,
            )
            for i, d in enumerate(result)
        ],
        batch_size=2000,
    )
    campaign.status, campaign.drawn_at, campaign.drawn_count = (
        RandomCheckCampaign.Status.DRAWN, timezone.now(), len(result))
    campaign.save(update_fields=["status", "drawn_at", "drawn_count"])
    audit_record(actor=actor, action="random_check.draw", obj=campaign,
                 details={"seed": campaign.seed, "drawn": len(result)})
    campaign_file_later(campaign=campaign, batch=0)
    return campaign


def campaign_file_later(*, campaign: RandomCheckCampaign, batch: int) -> None:
    """Queues the filing of the next batch of drawn plans (``plans.handlers``), once per batch number."""
    outbox_enqueue(handler="plans.random_check_file", payload={"campaign_id": campaign.pk, "batch": batch},
                   dedupe_key=f"random-check-file:{campaign.pk}:{batch}")


def campaign_enterprise_ids(codes) -> dict[str, int]:
    return dict(Enterprise.objects.filter(uscc__in=list(codes)).values_list("uscc", "pk"))


def campaign_file_plans(*, campaign: RandomCheckCampaign, limit: int = FILE_BATCH, today=None) -> int:
    """Files the plans of up to ``limit`` drawn enterprises not yet attempted, through ``plan_file`` (caps,
    the 7-day rule, matching into a visit already planned), the first drawn officer filing with both named.
    Each is claimed by a conditional UPDATE in its own transaction: a rerun, or two workers, file each once.
    A refusal is kept as the reason the enterprise has no plan. Returns how many were attempted."""
    draws = list(
        RandomCheckDraw.objects.filter(campaign=campaign, filing_done=False)
        .select_related("enterprise", "enterprise__credit")
        .order_by("position")[:limit]
    )
    if not draws:
        return 0
    matters = list(campaign.matters.all())
    certs = {c for d in draws for c in d.officer_numbers}
    officers = {u.certificate_number: u for u in User.objects.filter(certificate_number__in=certs)}
    done = 0
    for item in draws:
        with transaction.atomic():
            if not RandomCheckDraw.objects.filter(pk=item.pk, filing_done=False).update(filing_done=True):
                continue
            named = [officers.get(c) for c in item.officer_numbers]
            failure, plan = "", None
            if None in named:
                failure = _("A drawn officer no longer exists.")
            else:
                try:
                    with transaction.atomic():
                        plan = plan_file(
                            actor=named[0], enterprise=item.enterprise, matters=matters, theme=campaign.theme,
                            window_start=campaign.window_start, window_end=campaign.window_end, officers=named,
                            campaign=campaign.code, today=today,
                            # 能非现场的不进企业: a draw on matters all checkable remotely asks for documents.
                            remote=all_remote_checkable(matters),
                        )
                except DomainError as exc:
                    failure = str(exc.message)
                except PermissionDenied as exc:  # the drawn officer left the agency meanwhile
                    failure = str(exc)
            RandomCheckDraw.objects.filter(pk=item.pk).update(plan=plan, failure=failure[:2000])
            if failure:
                audit_record(actor=None, action="random_check.file_failed", obj=campaign,
                             details={"enterprise": item.enterprise.uscc, "reason": failure})
        done += 1
    return done


# -- reads and the replay ----------------------------------------------------------------------------------


def campaigns_for_user(*, user):
    """The campaigns a user's portal lists, newest first: an agency its own, a justice bureau those of the
    agencies it supervises (``divisions_supervised_by``), an administrator all."""
    qs = RandomCheckCampaign.objects.select_related("agency").order_by("-created_at", "-id")
    if not user.is_authenticated:
        return qs.none()
    if user.is_platform_admin:
        return qs
    if user.is_officer and user.agency_id:
        return qs.filter(agency_id=user.agency_id)
    if user.is_justice and user.agency_id:
        return qs.filter(agency__division__in=divisions_supervised_by(user.agency))
    return qs.none()


def for_listing(qs):
    """A list of campaigns without their snapshots (a district's is 1.5 MB: a page of them would be 45 MB)."""
    return qs.defer("snapshot")


def public_campaigns():
    """Every campaign, newest first: the commitments are public from the start, the seeds from the draw."""
    return RandomCheckCampaign.objects.select_related("agency").order_by("-created_at", "-id")


def campaign_for_user(*, user, code: str) -> RandomCheckCampaign:
    campaign = campaigns_for_user(user=user).filter(code=code).first()
    if campaign is None:
        raise Http404
    return campaign


def public_campaign(code: str) -> RandomCheckCampaign:
    campaign = public_campaigns().filter(code=code).first()
    if campaign is None:
        raise Http404
    return campaign


def campaign_draws(campaign: RandomCheckCampaign):
    """The drawn enterprises in draw order with their plans and visits (index ``one_draw_per_position``)."""
    return campaign.draws.select_related("enterprise", "plan", "plan__joint_task").order_by("position")


def draw_outcomes(campaign: RandomCheckCampaign, draws) -> dict[int, dict]:
    """What the campaign's agency found at each drawn enterprise's visit (the findings that ``inspections``
    hands in through ``plans.selectors.findings_by_task``), by draw id, in one query for a page of draws:
    ``{"findings": n, "serious": m}``; draws without a visit are absent."""
    by_task = {d.plan.joint_task_id: d.pk for d in draws if d.plan_id and d.plan.joint_task_id}
    if not by_task:
        return {}
    found = findings_by_task(task_ids=list(by_task))
    outcomes = {}
    for task_id, draw_id in by_task.items():
        own = [f for f in found.get(task_id, []) if f["agency"] == campaign.agency.name]
        outcomes[draw_id] = {"findings": len(own), "serious": sum(f["severity"] == "serious" for f in own)}
    return outcomes


def officer_names(campaign: RandomCheckCampaign) -> dict[str, str]:
    """Certificate number → the officer's name, for the agency's officers (one query)."""
    return {u.certificate_number: str(u) for u in User.objects.filter(agency_id=campaign.agency_id)
            .exclude(certificate_number="").only("certificate_number", "full_name", "username")}


# A draw from a seed other than the committed one is replayed on the page only for populations up to this
# size (a fraction of a second); beyond it the page shows that the seed fails the commitment, which is what
# decides, without spending seconds of a public server on a draw that cannot count.
REPLAY_ANY_SEED_MAX = 10_000


@dataclass
class Verification:
    seed: str
    seed_matches: bool
    snapshot_matches: bool
    drawn: list
    matches_stored: bool | None  # None: not replayed (a seed failing the commitment over a large population)

    @property
    def replayed(self) -> bool:
        return self.matches_stored is not None


def campaign_verify(campaign: RandomCheckCampaign, *, seed: str | None = None) -> Verification | None:
    """Replays the draw from a seed (the revealed one by default) and the stored snapshot, as anyone can:
    whether the seed and the snapshot match the commitments published before the draw, and whether the
    replay gives the enterprises and officers stored. None before the draw when no seed is given. The replay
    from the committed seed is cached (it is the same every time: a district's takes about a second)."""
    if seed is None:
        if not campaign.is_drawn:
            return None
        seed = campaign.seed
    seed_matches = draw.sha256_hex(seed) == campaign.seed_sha256
    snapshot_matches = draw.sha256_hex(campaign.snapshot) == campaign.snapshot_sha256
    if seed_matches and campaign.is_drawn:
        key = f"random-check-replay:{campaign.code}:{campaign.snapshot_sha256}"
        cached = cache.get(key)
        if cached is None:
            cached = _replay_and_compare(campaign, seed)
            cache.set(key, cached, 24 * 3600)
        drawn, matches = cached
    elif campaign.population_size <= REPLAY_ANY_SEED_MAX:
        drawn, matches = _replay_and_compare(campaign, seed)
    else:
        drawn, matches = [], None
    return Verification(seed=seed, seed_matches=seed_matches, snapshot_matches=snapshot_matches, drawn=drawn,
                        matches_stored=matches)


def _replay_and_compare(campaign: RandomCheckCampaign, seed: str) -> tuple[list, bool]:
    drawn = draw.replay(seed=seed, snapshot=campaign.snapshot)
    stored = [(code, tuple(c for c in certs.split(",") if c)) for code, certs in
              campaign.draws.order_by("position").values_list("enterprise__uscc", "officers")]
    return drawn, campaign.is_drawn and stored == [(d.code, d.officers) for d in drawn]
