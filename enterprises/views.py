from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.access import AGENCY, JUSTICE, portal_required
from yantai_inspect.csv_export import csv_response, rows_of
from yantai_inspect.pagination import page_without_count

from .access import enterprise_for_user
from .forms import EnterpriseSearchForm
from .selectors import enterprise_search, licences_of_enterprise


def _enterprises_listed(request):
    form = EnterpriseSearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = enterprise_search(user=request.user, query=data.get("q", ""), division=data.get("division", ""))
    return form, qs.select_related("credit")


@portal_required(AGENCY, JUSTICE)
def enterprise_list(request):
    form, qs = _enterprises_listed(request)
    page = page_without_count(qs, request.GET.get("page"), 30)
    return render(request, "enterprises/enterprise_list.html", {"form": form, "page": page})


@portal_required(AGENCY, JUSTICE)
def enterprise_export(request):
    _form, qs = _enterprises_listed(request)

    def row(e):
        credit = getattr(e, "credit", None)
        return [e.name, e.uscc, e.get_division_display(), credit.grade if credit else "",
                _("yes") if credit and credit.whitelisted else _("no")]

    header = [_("Enterprise name"), _("Credit code"), _("Division"), _("Credit grade"), _("Whitelisted")]
    return csv_response("enterprises.csv", [str(h) for h in header], rows_of(qs, row))


@portal_required(AGENCY, JUSTICE)
def enterprise_detail(request, uscc):
    enterprise = enterprise_for_user(user=request.user, uscc=uscc)
    return render(request, "enterprises/enterprise_detail.html", {
        "enterprise": enterprise, "licences": licences_of_enterprise(enterprise=enterprise),
    })
