from .access import portal_of


def portal(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"portal": None}
    return {"portal": portal_of(user)}
