from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.divisions import DIVISIONS
from yantai_inspect.widgets import DateInput


class EnterpriseSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or credit code"), required=False, max_length=100)
    division = forms.ChoiceField(label=_("Division"), required=False, choices=[("", _("All"))] + DIVISIONS)


class BusyPeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)
