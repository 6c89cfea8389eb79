"""Issue 12: a notification that asked for something is resolved (read) once the item is handled, for its
recipient, by the service that handles it; the navigation shows how many are unread."""

import pytest

from accounts.tests.factories import JusticeUserFactory
from notifications.models import Notification
from plans.models import Invitation
from plans.services import invitation_decline, plan_file, plan_review

from .conftest import days

pytestmark = pytest.mark.django_db


def unread(**recipient):
    return Notification.objects.filter(read_at__isnull=True, **recipient)


def test_reviewing_a_plan_resolves_the_justice_bureau_s_notification(city, frozen):
    city.whitelist(city.enterprise)
    plan = plan_file(
        actor=city.market_officer, enterprise=city.enterprise, matters=[city.market_matter],
        window_start=days(8), window_end=days(12),
    )
    assert unread(agency=city.justice_bureau).count() == 1
    plan_review(actor=JusticeUserFactory(agency=city.justice_bureau), plan=plan, approve=True)
    assert unread(agency=city.justice_bureau).count() == 0
    assert unread(agency=city.market).filter(dedupe_key=f"plan-reviewed:{plan.pk}").exists()  # news, kept


def test_answering_an_invitation_resolves_it_and_only_for_that_agency(city, frozen):
    lead = plan_file(
        actor=city.market_officer, enterprise=city.enterprise, matters=[city.market_matter], theme=city.theme,
        window_start=days(10), window_end=days(14),
    )
    ecology = Invitation.objects.get(lead_plan=lead, agency=city.ecology)
    emergency = Invitation.objects.get(lead_plan=lead, agency=city.emergency)
    invitation_decline(actor=city.ecology_officer, invitation=ecology, reason="本月已检查")
    assert not unread(agency=city.ecology, dedupe_key=f"invitation:{ecology.pk}").exists()
    plan_file(
        actor=city.emergency_officer, enterprise=city.enterprise, matters=[city.emergency_matter],
        window_start=days(10), window_end=days(14), invitation=emergency,
    )
    assert not unread(agency=city.emergency, dedupe_key=f"invitation:{emergency.pk}").exists()


def test_the_navigation_counts_the_unread_notifications(client, city, frozen):
    plan_file(
        actor=city.market_officer, enterprise=city.enterprise, matters=[city.market_matter], theme=city.theme,
        window_start=days(10), window_end=days(14),
    )
    client.force_login(city.ecology_officer)
    html = client.get("/agency/").content.decode()
    count = html.split('class="nav-count"', 1)[1].split("</span>", 1)[0]
    assert count.endswith(">1"), count
