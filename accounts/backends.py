"""The password backend: Django's, with the user's agency read in the same query as the user.

Nearly every signed-in page and session API call of an officer or the justice bureau reads the user's agency
(scoping, ``require_officer``, the portal's header); Django's ``ModelBackend.get_user`` reads the user alone,
so each request paid a second query for the agency. The API's token authentication does the same in its one
query (``accounts.authentication``)."""

from django.contrib.auth import backends, get_user_model

from yantai_inspect.prepared import SENTINEL_ID, prepared_queryset


def _user_with_agency(*, user_id: int):
    return get_user_model()._default_manager.select_related("agency").filter(pk=user_id)[:1]


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        # On every signed-in request: compiled once per process. ``user_id`` is the session's, already parsed
        # by django.contrib.auth (``_get_user_session_key``).
        bind = prepared_queryset("accounts.backends.user", get_user_model(), _user_with_agency, user_id=SENTINEL_ID)
        user = next(iter(bind(user_id=user_id)), None)
        return user if user is not None and self.user_can_authenticate(user) else None
