from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Opinion
from .services import TEXT_MAX


class OpinionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Opinion.Kind.choices)
    agency = forms.ChoiceField(label=_("Addressed to the agency"))
    text = forms.CharField(label=_("Opinion"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5}))
    due_workdays = forms.IntegerField(label=_("Answer within (working days)"), min_value=1,
                                      max_value=settings.SUPERVISION_MAX_WORKDAYS,
                                      initial=settings.SUPERVISION_ANSWER_WORKDAYS)

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.agencies = {str(a.pk): a for a in agencies}
        self.fields["agency"].choices = [(pk, a.name) for pk, a in self.agencies.items()]

    def clean_agency(self):
        return self.agencies[self.cleaned_data["agency"]]


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer: what the agency did"), max_length=TEXT_MAX,
                             widget=forms.Textarea(attrs={"rows": 5}))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "accept"), ("return", "return")])
    note = forms.CharField(label=_("Note (required to return the answer)"), required=False, max_length=TEXT_MAX,
                           widget=forms.Textarea(attrs={"rows": 3}))
