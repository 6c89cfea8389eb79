"""The enforcement papers of a record, listed on the record's pages (agency, enterprise, justice bureau). The
page has already checked that its user may see the record; each download checks again (``paper_for_user``)."""

from django import template

from inspections.models import Paper
from inspections.paper_pdf import paper_title, paper_verify_url

register = template.Library()


@register.inclusion_tag("inspections/_papers.html")
def record_papers(record):
    papers = list(Paper.objects.filter(record_id=record.pk).select_related("agency").order_by("issued_at", "id"))
    return {
        "papers": [{"paper": p, "title": paper_title(p), "verify_url": paper_verify_url(p)} for p in papers],
    }
