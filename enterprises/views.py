from django.core.paginator import Paginator
from django.shortcuts import render

from accounts.access import AGENCY, JUSTICE, portal_required

from .access import enterprise_for_user
from .forms import EnterpriseSearchForm
from .selectors import enterprise_search, licences_of_enterprise


@portal_required(AGENCY, JUSTICE)
def enterprise_list(request):
    form = EnterpriseSearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = enterprise_search(user=request.user, query=data.get("q", ""), division=data.get("division", ""))
    page = Paginator(qs.select_related("credit"), 30).get_page(request.GET.get("page"))
    return render(request, "enterprises/enterprise_list.html", {"form": form, "page": page})


@portal_required(AGENCY, JUSTICE)
def enterprise_detail(request, uscc):
    enterprise = enterprise_for_user(user=request.user, uscc=uscc)
    return render(request, "enterprises/enterprise_detail.html", {
        "enterprise": enterprise, "licences": licences_of_enterprise(enterprise=enterprise),
    })
