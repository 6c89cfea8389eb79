"""The cap policy's form (检查频次上限): one row per grade tier, and agencies' own caps one per line."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from yantai_inspect.widgets import DateInput

from .policy import CapTier, OverCap

LIMIT_HELP = _("Empty: no cap.")


# The over-cap decision as a justice bureau writes it in Chinese.
OVER_CAP_WORDS = {"拒绝": OverCap.REFUSE, "送审": OverCap.REVIEW, "转审": OverCap.REVIEW}


class CapPolicyForm(forms.Form):
    effective_from = forms.DateField(label=_("In force from"), widget=DateInput())
    note = forms.CharField(label=_("Reason for the change"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    overrides = forms.CharField(
        label=_("Caps of named agencies (one per line: agency code, grade, visits or -, refuse or review)"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("e.g. 370600-market, B, 3, refuse")}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for tier, label in CapTier.choices:
            self.fields[f"agency_{tier}"] = forms.IntegerField(
                label=_("%(tier)s: per agency") % {"tier": label}, required=False, min_value=0, max_value=366,
                help_text=LIMIT_HELP)
            self.fields[f"combined_{tier}"] = forms.IntegerField(
                label=_("%(tier)s: all agencies together") % {"tier": label}, required=False, min_value=0,
                max_value=366, help_text=LIMIT_HELP)
            self.fields[f"over_{tier}"] = forms.ChoiceField(
                label=_("%(tier)s: over the cap") % {"tier": label}, choices=OverCap.choices)

    def tier_rows(self):
        return [(label, self[f"agency_{tier}"], self[f"combined_{tier}"], self[f"over_{tier}"])
                for tier, label in CapTier.choices]

    def clean_overrides(self):
        """Parsing only: ``[(line, agency code, tier, limit or None, over_cap)]``; the view looks the codes up
        and the service checks the rules."""
        parsed = []
        for number, line in enumerate((self.cleaned_data.get("overrides") or "").splitlines(), start=1):
            # words apart by spaces or commas (, ，、); the over-cap word in English or Chinese (拒绝, 送审)
            words = [OVER_CAP_WORDS.get(w, w) for w in re.split(r"[\s,，、]+", line.strip()) if w]
            if not words:
                continue
            if len(words) not in (3, 4) or words[1] not in CapTier.values or (
                    len(words) == 4 and words[3] not in OverCap.values):
                raise forms.ValidationError(_("Line %(n)d: write agency code, grade, visits or -, refuse or review.")
                                            % {"n": number})
            if words[2] in ("-", "不限"):
                limit = None
            elif words[2].isdigit() and int(words[2]) <= 366:
                limit = int(words[2])
            else:
                raise forms.ValidationError(_("Line %(n)d: visits is a number from 0 to 366, or -.") % {"n": number})
            parsed.append((number, words[0], words[1], limit, words[3] if len(words) == 4 else OverCap.REFUSE))
        return parsed

    def rules(self, agencies_by_code: dict) -> list[dict]:
        data = self.cleaned_data
        rules = []
        for tier in CapTier.values:
            rules.append({"scope": "agency", "agency": None, "tier": tier, "limit": data.get(f"agency_{tier}"),
                          "over_cap": data[f"over_{tier}"]})
            rules.append({"scope": "combined", "agency": None, "tier": tier, "limit": data.get(f"combined_{tier}"),
                          "over_cap": data[f"over_{tier}"]})
        for _number, code, tier, limit, over in data["overrides"]:
            rules.append({"scope": "agency", "agency": agencies_by_code[code], "tier": tier, "limit": limit,
                          "over_cap": over})
        return rules


def initial_from_rules(rules) -> dict:
    """The form's values from a version's rules (the policy in force, or the defaults)."""
    initial, overrides = {}, []
    for rule in rules:
        agency = rule["agency"]
        if agency is None:
            initial[f"{rule['scope']}_{rule['tier']}"] = rule["limit"]
            initial[f"over_{rule['tier']}"] = rule["over_cap"]
        else:
            limit = "-" if rule["limit"] is None else rule["limit"]
            overrides.append(f"{agency.code} {rule['tier']} {limit} {rule['over_cap']}")
    initial["overrides"] = "\n".join(overrides)
    return initial
