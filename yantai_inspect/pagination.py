"""Paging without counting: every list, in the API and on the portal pages, fetches one row more than it
shows to know whether there is a next page. ``COUNT(*)`` over a scoped list of a million plans costs more
than the page itself, and nobody needs the total to turn a page."""

from django.core.paginator import InvalidPage
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response

from .inputs import query_int

MAX_PAGE = 10_000


class LimitOffsetWithoutCount(LimitOffsetPagination):
    """``?limit=&offset=`` as before; the response is ``{next, previous, results}`` (no ``count``). An offset
    past ``max_offset`` is a 400 on the field (the database refused ``OFFSET 99999999999999999999``)."""

    max_limit = 200
    max_offset = MAX_PAGE * max_limit

    def get_offset(self, request):
        return query_int(
            request.query_params, self.offset_query_param, default=0, minimum=0, maximum=self.max_offset
        )

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.limit = self.get_limit(request)
        if self.limit is None:
            return None
        self.offset = self.get_offset(request)
        rows = list(queryset[self.offset : self.offset + self.limit + 1])
        self.has_next = len(rows) > self.limit
        return rows[: self.limit]

    def get_next_link(self):
        if not self.has_next:
            return None
        # The base class computes the link from the count; without one, pretend the list goes on.
        self.count = self.offset + self.limit + 1
        return super().get_next_link()

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        full = super().get_paginated_response_schema(schema)
        del full["properties"]["count"]
        full["required"] = ["results"]
        return full

    def get_html_context(self):
        return {"previous_url": self.get_previous_link(), "next_url": self.get_next_link(), "page_links": []}


class PageWithoutCount:
    """A page of a portal list (what ``templates/_pager.html`` reads), found by fetching ``per_page + 1``
    rows: the same attributes as Django's ``Page`` except the total."""

    def __init__(self, object_list, number: int, has_next: bool):
        self.object_list = object_list
        self.number = number
        self._has_next = has_next

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def __bool__(self):
        return bool(self.object_list)

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        if not self._has_next:
            raise InvalidPage
        return self.number + 1

    def previous_page_number(self) -> int:
        if self.number <= 1:
            raise InvalidPage
        return self.number - 1



def page_without_count(queryset, page_number, per_page: int) -> PageWithoutCount:
    """The ``page_number``-th page (1-based; anything unparsable or out of range is page 1) of ``queryset``."""
    try:
        number = int(page_number)
    except (TypeError, ValueError):
        number = 1
    if not 1 <= number <= MAX_PAGE:
        number = 1
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    return PageWithoutCount(rows[:per_page], number, len(rows) > per_page)
