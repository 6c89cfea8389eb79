from django import forms
from django.db.models import Case, Prefetch, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from catalogue.models import Matter, Theme
from yantai_inspect.widgets import DateInput, Select

from .models import Plan, SpecialCampaign
from .special import open_campaigns_for_filing


def officer_label(officer) -> str:
    """An officer as the forms offer them: name, certificate number and its last valid day (the filing
    service refuses one whose certificate does not cover the visit days)."""
    if not officer.certificate_number:
        return f"{officer}({_('no certificate')})"
    until = officer.certificate_valid_until.isoformat() if officer.certificate_valid_until else "—"
    return f"{officer}({officer.certificate_number}," + _("valid until %(date)s") % {"date": until} + ")"

class PlanForm(forms.Form):
    enterprise = forms.CharField(
        label=_("Enterprise (credit code)"),
        max_length=18,
        widget=forms.TextInput(
            attrs={
                "list": "enterprise-options",
                "autocomplete": "off",
                "placeholder": _("Type a name or a credit code"),
            }
        ),
    )
    campaign_enterprises = forms.CharField(
        label=_("Other enterprises of a campaign (one credit code per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: the same plan is filed for each of them, all or none."),
    )
    theme = forms.ModelChoiceField(
        label=_("Theme"), queryset=Theme.objects.none(), required=False, empty_label=_("No theme"), to_field_name="code"
    )
    matters = forms.ModelMultipleChoiceField(
        label=_("Supervision matters"),
        queryset=Matter.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        to_field_name="code",
    )
    window_start = forms.DateField(label=_("Earliest visit date"), widget=DateInput())
    window_end = forms.DateField(label=_("Latest visit date"), widget=DateInput())
    officers = forms.ModelMultipleChoiceField(
        label=_("Officers"), queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    urgent = forms.BooleanField(label=_("Green channel (urgent, cannot be filed 7 days ahead)"), required=False)
    urgent_category = forms.ChoiceField(
        label=_("Urgency reason category"), required=False, choices=[("", "—")] + list(Plan.UrgentCategory.choices)
    )
    urgent_reason = forms.CharField(label=_("Urgency reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    # 能非现场的不进企业 (plans.remote): when every matter ticked can be checked remotely, one of the two.
    remote = forms.BooleanField(
        label=_("Remote check: ask the enterprise for documents or photos instead of visiting"), required=False,
        help_text=_("Only when every matter can be checked remotely. No visit, no yearly cap."),
    )
    visit_reason = forms.CharField(
        label=_("Why a visit is needed"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when every matter can be checked remotely and the plan still visits."),
    )
    cap_exemption = forms.ChoiceField(
        label=_("Yearly caps"),
        required=False,
        choices=[("", _("Routine: counts against the yearly caps")),
                 (Plan.CapExemption.SPECIAL, _("Special inspection ordered from above (exempt from the caps)"))],
    )
    special_campaign = forms.ModelChoiceField(
        label=_("Special inspection campaign"), queryset=SpecialCampaign.objects.none(), required=False,
        empty_label=_("None"), to_field_name="code",
        help_text=_("专项检查: a plan under a campaign approved by the level above is exempt from the yearly caps."),
    )

    def clean_campaign_enterprises(self):
        text = self.cleaned_data.get("campaign_enterprises") or ""
        # Parsing only: how many enterprises a campaign may list is the service's rule (campaign_size_check).
        return [c.strip() for c in text.replace(",", "\n").replace("，", "\n").split() if c.strip()]

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = agency
        themes = Theme.objects.filter(participating_departments=agency.department) | Theme.objects.filter(
            lead_department=agency.department
        )
        self.fields["theme"].queryset = themes.distinct().order_by("order")
        # The agency's own matters first; matters of other departments are offered under their themes and
        # need that theme chosen (the service says so if it is not).
        own_first = Case(When(department_id=agency.department_id, then=Value(0)), default=Value(1))
        self.fields["matters"].queryset = (
            Matter.objects.filter(Q(department_id=agency.department_id) | Q(themes__in=themes), active=True)
            # Matters ended before today can no longer be planned (the filing service checks the window).
            .filter(Q(effective_until__isnull=True) | Q(effective_until__gte=timezone.localdate()))
            .annotate(own_first=own_first)
            .distinct()
            .select_related("department")
            .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("order")))
            .order_by("own_first", "department__code", "code")
        )
        self.fields["officers"].queryset = User.objects.filter(agency=agency, role=User.Role.OFFICER, is_active=True)
        self.fields["officers"].label_from_instance = officer_label
        self.fields["special_campaign"].queryset = open_campaigns_for_filing(agency=agency, today=timezone.localdate())
        self.fields["matters"].label_from_instance = (
            lambda m: f"{m.name} · {m.department.name} · " + _("version %(v)d") % {"v": m.version}
            + (" · " + _("checkable remotely") if m.remote_checkable else "")
        )

    def matter_groups(self):
        """The matters as the page shows them: the agency's own, grouped by their theme, then the other
        departments' (offered under a shared theme), grouped by department, folded; and whether one of those
        is ticked (the fold opens)."""
        own, others, other_ticked = {}, {}, False
        for widget in self["matters"]:
            matter = widget.data["value"].instance
            if matter.department_id == self.agency.department_id:
                theme = next(iter(matter.themes.all()), None)
                own.setdefault(theme.name if theme else _("Other matters of your department"), []).append(widget)
            else:
                others.setdefault(matter.department.name, []).append(widget)
                other_ticked = other_ticked or widget.data["selected"]
        return {"own": list(own.items()), "others": list(others.items()), "other_ticked": other_ticked}


class ReasonForm(forms.Form):
    note = forms.CharField(label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class WithdrawForm(forms.Form):
    """Withdrawing on the page asks why (the reason goes into the plan's audit entry)."""

    note = forms.CharField(
        label=_("Reason for withdrawing"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2, "required": True})
    )


class PlanFilterForm(forms.Form):
    # Rendered on every page of the plan list: selects rendered in Python (``yantai_inspect.widgets.Select``).
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + list(Plan.Status.choices),
                               widget=Select)
    enterprise = forms.CharField(label=_("Enterprise"), required=False, max_length=100)
    urgent = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All")), ("0", _("Routine")), ("1", _("Green channel"))],
        widget=Select,
    )


class PlanOfficersForm(forms.Form):
    officers = forms.ModelMultipleChoiceField(
        label=_("Officers"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officers"].queryset = User.objects.filter(agency=agency, role=User.Role.OFFICER, is_active=True)
        self.fields["officers"].label_from_instance = officer_label


class RefileForm(forms.Form):
    window_start = forms.DateField(label=_("Earliest visit date"), widget=DateInput())
    window_end = forms.DateField(label=_("Latest visit date"), widget=DateInput())
