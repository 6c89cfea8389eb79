from django.shortcuts import render

from accounts.access import AGENCY, JUSTICE, portal_required
from yantai_inspect.pagination import page_without_count

from .access import enterprise_for_user
from .forms import EnterpriseSearchForm
from .selectors import enterprise_search, licences_of_enterprise


@portal_required(AGENCY, JUSTICE)
def enterprise_list(request):
    form = EnterpriseSearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = enterprise_search(user=request.user, query=data.get("q", ""), division=data.get("division", ""))
    page = page_without_count(qs.select_related("credit"), request.GET.get("page"), 30)
    return render(request, "enterprises/enterprise_list.html", {"form": form, "page": page})


@portal_required(AGENCY, JUSTICE)
def enterprise_detail(request, uscc):
    enterprise = enterprise_for_user(user=request.user, uscc=uscc)
    return render(request, "enterprises/enterprise_detail.html", {
        "enterprise": enterprise, "licences": licences_of_enterprise(enterprise=enterprise),
    })
