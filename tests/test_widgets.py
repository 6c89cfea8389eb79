"""The shared widgets render what Django's own templates render (``yantai_inspect.widgets``)."""

import pytest
from django import forms
from django.test.html import parse_html
from django.utils import translation

from plans.forms import PlanFilterForm
from yantai_inspect.widgets import Select

CHOICES = [("", "全部"), ("a", "甲 <b>&"), ("b", "乙"), (3, "三")]


@pytest.mark.parametrize("value", [None, "", "a", "b", "3", 3, "missing", ["a", "b"]])
@pytest.mark.parametrize(
    "attrs", [None, {"id": "id_x"}, {"id": "id_x", "class": "c", "disabled": True, "data-k": '"q"'}]
)
def test_the_python_select_renders_djangos_select(value, attrs):
    ours = Select(choices=CHOICES).render("status", value, attrs=attrs)
    theirs = forms.Select(choices=CHOICES).render("status", value, attrs=attrs)
    assert parse_html(ours) == parse_html(theirs), (ours, theirs)
    assert "&lt;b&gt;&amp;" in ours  # labels escaped


def test_a_select_with_option_groups_is_rendered_by_djangos_templates():
    grouped = [("", "全部"), ("组", [("a", "甲"), ("b", "乙")])]
    assert Select(choices=grouped).render("k", "a") == forms.Select(choices=grouped).render("k", "a")


@pytest.mark.parametrize("data", [None, {}, {"status": "approved", "urgent": "1", "enterprise": "金海"},
                                  {"status": "no-such", "urgent": "<x>"}])
def test_the_plan_filter_form_renders_as_with_djangos_widgets(data):
    class Plain(PlanFilterForm):
        pass

    for name in ("status", "urgent"):
        Plain.base_fields[name] = PlanFilterForm.base_fields[name].__class__(
            label=PlanFilterForm.base_fields[name].label, required=False,
            choices=PlanFilterForm.base_fields[name].choices)
    with translation.override("zh-hans"):
        for name in ("status", "urgent", "enterprise"):
            ours, theirs = PlanFilterForm(data)[name], Plain(data)[name]
            assert parse_html(str(ours)) == parse_html(str(theirs)), name
    assert isinstance(PlanFilterForm.base_fields["status"].widget, Select)
    assert not isinstance(Plain.base_fields["status"].widget, Select)
