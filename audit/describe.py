"""The audit trail as people read it: one sentence per entry (who did what to which object) and the fields
it changed, in the user's language. The action codes and the stored details stay what they are (they are the
record); only their presentation is here, for the audit page and its CSV export alike."""

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# What each action did, as the verb phrase of "<actor> <phrase>: <object>". An action missing here (a new
# one, or the admin's ``admin.<model>.<verb>``) is described from its object type and its last word.
ACTIONS = {
    "agency.create": gettext_lazy("created the agency"),
    "agency.update": gettext_lazy("changed the agency"),
    "api_token.issue": gettext_lazy("logged in an app"),
    "api_token.revoke": gettext_lazy("logged out the app"),
    "api_token.revoke_all": gettext_lazy("logged out every app of"),
    "browser_session.end": gettext_lazy("ended the browser session"),
    "browser_session.end_all": gettext_lazy("ended the browser sessions of"),
    "browser_session.start": gettext_lazy("signed in on a browser"),
    "burden.alert": gettext_lazy("raised a visit-burden alert"),
    "busy_period.declare": gettext_lazy("declared a busy period of"),
    "busy_period.remove": gettext_lazy("removed a busy period of"),
    "catalogue.load": gettext_lazy("loaded the catalogue of matters"),
    "check_in.accept": gettext_lazy("checked in on site for"),
    "check_in.refuse": gettext_lazy("was refused at check-in for"),
    "credit_profile.set": gettext_lazy("set the credit grade of"),
    "department.upsert": gettext_lazy("updated the department"),
    "enterprise.account_link": gettext_lazy("linked a user account to the enterprise"),
    "enterprise.create": gettext_lazy("registered the enterprise"),
    "enterprise.import_batch": gettext_lazy("imported enterprises"),
    "enterprise.seed_batch": gettext_lazy("created the demo enterprises"),
    "enterprise.update": gettext_lazy("changed the enterprise"),
    "finding.add": gettext_lazy("recorded a finding"),
    "finding.overdue": gettext_lazy("flagged as overdue the finding"),
    "finding.recheck": gettext_lazy("planned a re-check of the finding"),
    "finding.withdraw": gettext_lazy("withdrew after an objection the finding"),
    "invitation.decline": gettext_lazy("declined the invitation"),
    "invitation.expire": gettext_lazy("closed as expired the invitation"),
    "joint_task.fix": gettext_lazy("fixed the date of the joint visit"),
    "joint_task.green_channel": gettext_lazy("opened a green-channel visit"),
    "joint_task.missed": gettext_lazy("recorded as missed the joint visit"),
    "joint_task.reschedule": gettext_lazy("rescheduled the joint visits of"),
    "licence.expiry_warning": gettext_lazy("warned of the expiry of the licence"),
    "licence.import_batch": gettext_lazy("imported licences"),
    "licence.record": gettext_lazy("recorded the licence"),
    "objection.decide": gettext_lazy("decided the objection"),
    "objection.file": gettext_lazy("filed the objection"),
    "objection.reply": gettext_lazy("replied to the decision on the objection"),
    "opinion.accept": gettext_lazy("accepted the answer to"),
    "opinion.answer": gettext_lazy("answered"),
    "opinion.issue": gettext_lazy("issued"),
    "opinion.overdue": gettext_lazy("flagged as overdue the answer to"),
    "opinion.return": gettext_lazy("returned for a new answer"),
    "photo.add": gettext_lazy("added a photo to"),
    "plan.approve": gettext_lazy("approved the plan"),
    "plan.file": gettext_lazy("filed the plan"),
    "plan.invite": gettext_lazy("invited agencies to join the plan"),
    "plan.not_carried_out": gettext_lazy("closed as not carried out the plan"),
    "plan.officers_set": gettext_lazy("changed the officers of the plan"),
    "plan.post_review": gettext_lazy("reviewed after the fact the green-channel plan"),
    "plan.refile": gettext_lazy("filed again the plan"),
    "plan.reject": gettext_lazy("rejected the plan"),
    "plan.withdraw": gettext_lazy("withdrew the plan"),
    "rating.record": gettext_lazy("rated the visit"),
    "record.finalise": gettext_lazy("finalised the inspection record"),
    "oversight.monthly_report": gettext_lazy("stored the monthly oversight report"),
    "record.item_set": gettext_lazy("filled in a checklist item of"),
    "record.open": gettext_lazy("opened the inspection record"),
    "record.refuse": gettext_lazy("refused to sign the inspection record"),
    "record.sign": gettext_lazy("signed the inspection record"),
    "rectification.accept": gettext_lazy("accepted the rectification"),
    "rectification.return": gettext_lazy("returned the rectification"),
    "rectification.submit": gettext_lazy("submitted a rectification"),
    "special_campaign.approve": gettext_lazy("approved and published the special inspection"),
    "special_campaign.reject": gettext_lazy("did not approve the special inspection"),
    "special_campaign.request": gettext_lazy("requested approval of the special inspection"),
    "special_quota.set": gettext_lazy("set the yearly quota of special inspections"),
    "service_request.answer": gettext_lazy("answered the service request"),
    "service_request.close": gettext_lazy("closed the service request"),
    "service_request.file": gettext_lazy("filed the service request"),
    "service_request.reroute": gettext_lazy("re-routed to another agency the service request"),
    "service_route.create": gettext_lazy("added the service-request route"),
    "user.create": gettext_lazy("created the user account"),
    "whitelist.propose": gettext_lazy("proposed whitelist candidates, the first of them"),
    "user.password_change": gettext_lazy("changed the password of"),
    "yearly_plan.draft": gettext_lazy("drafted the yearly inspection plan"),
    "yearly_plan.line_add": gettext_lazy("added a line to the yearly inspection plan"),
    "yearly_plan.line_remove": gettext_lazy("removed a line from the yearly inspection plan"),
    "yearly_plan.publish": gettext_lazy("published the yearly inspection plan"),
}

_VERBS = {
    "add": gettext_lazy("added"),
    "create": gettext_lazy("added"),
    "change": gettext_lazy("changed"),
    "update": gettext_lazy("changed"),
    "set": gettext_lazy("changed"),
    "delete": gettext_lazy("deleted"),
    "remove": gettext_lazy("deleted"),
}

# The keys the services write into ``details``; a key that is a field of the entry's model takes the
# field's own name.
KEYS = {
    "after": gettext_lazy("after"),
    "agencies": gettext_lazy("agencies"),
    "before": gettext_lazy("before"),
    "browser": gettext_lazy("browser"),
    "changed": gettext_lazy("changed"),
    "code": gettext_lazy("code"),
    "content_hash": gettext_lazy("content hash"),
    "count": gettext_lazy("how many"),
    "counts": gettext_lazy("counts"),
    "deadline": gettext_lazy("deadline"),
    "deleted": gettext_lazy("deleted"),
    "division": gettext_lazy("division"),
    "enterprise": gettext_lazy("enterprise"),
    "enterprise_ids": gettext_lazy("range of enterprise ids"),
    "enterprises": gettext_lazy("enterprises"),
    "file": gettext_lazy("file"),
    "from": gettext_lazy("from"),
    "industry": gettext_lazy("industry"),
    "ip_address": gettext_lazy("IP address"),
    "invitation": gettext_lazy("invitation"),
    "items": gettext_lazy("checklist items"),
    "justified": gettext_lazy("justified"),
    "late": gettext_lazy("published late"),
    "licences": gettext_lazy("licences"),
    "lines": gettext_lazy("lines"),
    "matters": gettext_lazy("matters"),
    "moves": gettext_lazy("moves"),
    "new_plan": gettext_lazy("new plan"),
    "note": gettext_lazy("note"),
    "objection": gettext_lazy("objection"),
    "officers": gettext_lazy("officers"),
    "on": gettext_lazy("day"),
    "opinion": gettext_lazy("opinion"),
    "parent": gettext_lazy("belongs to"),
    "plan": gettext_lazy("plan"),
    "proposed": gettext_lazy("candidates proposed"),
    "quota": gettext_lazy("quota"),
    "reason": gettext_lazy("reason"),
    "regulator": gettext_lazy("regulator"),
    "signed_in_at": gettext_lazy("signed in at"),
    "status": gettext_lazy("status"),
    "task": gettext_lazy("joint visit"),
    "theme": gettext_lazy("theme"),
    "title": gettext_lazy("title"),
    "to": gettext_lazy("to"),
    "upheld": gettext_lazy("upheld"),
    "urgent": gettext_lazy("green channel"),
    "urgent_category": gettext_lazy("green-channel category"),
    "usable_password": gettext_lazy("password set"),
    "used": gettext_lazy("counted so far"),
    "user": gettext_lazy("user"),
    "valid_to": gettext_lazy("valid until"),
    "values": gettext_lazy("values"),
    "visits": gettext_lazy("planned visits"),
    "whitelisted": gettext_lazy("whitelisted"),
    "window": gettext_lazy("window"),
    "year": gettext_lazy("year"),
}


# Details that name things by their code (a matter's, an agency's, a user's, an enterprise's credit code):
# shown by their names, looked up once per page for all its entries (``names_for``).
NAMED_BY_CODE = {
    "matters": ("catalogue.matter", "code", "name"),
    "agencies": ("accounts.agency", "code", "name"),
    "regulator": ("accounts.agency", "code", "name"),
    "officers": ("accounts.user", "username", "full_name"),
    "user": ("accounts.user", "username", "full_name"),
    "enterprise": ("enterprises.enterprise", "uscc", "name"),
}


def _codes(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _codes(v)


def _collect(details, wanted: dict) -> None:
    if not isinstance(details, dict):
        return
    for key, value in details.items():
        if key in NAMED_BY_CODE:
            wanted.setdefault(NAMED_BY_CODE[key], set()).update(_codes(value))
        if isinstance(value, dict):
            _collect(value, wanted)


def names_for(entries) -> dict:
    """``{code: name}`` for the codes the entries' details name, one query per kind of thing."""
    wanted: dict = {}
    for entry in entries:
        _collect(entry.details, wanted)
    names = {}
    for (label, code_field, name_field), codes in wanted.items():
        model = _model(label)
        if model is None or not codes:
            continue
        rows = model._default_manager.filter(**{f"{code_field}__in": sorted(codes)}).values_list(code_field, name_field)
        names.update({code: name for code, name in rows if name})
    return names


@dataclass(frozen=True)
class Line:
    label: str
    value: str


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def action_label(action: str) -> str:
    """The action's verb phrase; for an unknown one, "changed <its object type>" from its last word."""
    known = ACTIONS.get(action)
    if known is not None:
        return str(known)
    verb = _VERBS.get(action.rsplit(".", 1)[-1], gettext_lazy("changed"))
    return str(verb)


def action_choices() -> list[tuple[str, str]]:
    """The actions a filter offers, by their phrase."""
    return sorted(((code, str(label)) for code, label in ACTIONS.items()), key=lambda c: c[1])


def actor_label(entry) -> str:
    if entry.actor_id is None and entry.actor_repr in ("", "system"):
        return _("The platform")
    actor = entry.actor
    if actor is not None and getattr(actor, "full_name", ""):
        return actor.full_name
    return entry.actor_repr or _("The platform")


def object_label(entry) -> str:
    model = _model(entry.object_type)
    kind = str(model._meta.verbose_name) if model is not None else ""
    if entry.action in ACTIONS:
        return entry.object_repr
    return f"{kind}「{entry.object_repr}」" if kind else entry.object_repr


def sentence(entry) -> str:
    """"<actor> <what it did>: <object>", e.g. "矫文博 报备了检查计划：烟台市市场监督管理局 → …"."""
    return _("%(actor)s %(what)s: %(object)s") % {
        "actor": actor_label(entry),
        "what": action_label(entry.action),
        "object": object_label(entry),
    }


def key_label(key: str, model=None) -> str:
    if model is not None:
        try:
            field = model._meta.get_field(key)
        except FieldDoesNotExist:
            field = None
        if getattr(field, "verbose_name", None):
            return str(field.verbose_name)
    known = KEYS.get(key)
    return str(known) if known is not None else key.replace("_", " ")


def _field_choice(model, key, value):
    if model is None or not isinstance(value, str):
        return None
    try:
        field = model._meta.get_field(key)
    except FieldDoesNotExist:
        return None
    if not getattr(field, "choices", None):
        return None
    return dict(field.flatchoices).get(value)


def value_text(value, model=None, names=None, key="") -> str:
    """A stored value as words: yes/no for booleans, a dash for nothing, lists joined, mappings as
    "label: value" pairs."""
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, dict):
        return "；".join(f"{key_label(k, model)}：{value_text(v, model, names, k)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "、".join(value_text(v, model, names, key) for v in value)
    if value == "(hidden)":
        return _("(hidden)")
    if names and key in NAMED_BY_CODE and value in names:
        return str(names[value])
    choice = _field_choice(model, key, value)
    return str(choice) if choice is not None else str(value)


def _changes(before: dict, after: dict, model, names) -> list[Line]:
    lines = []
    for key in list(dict.fromkeys([*before, *after])):
        old, new = before.get(key), after.get(key)
        if old != new:
            old_text, new_text = value_text(old, model, names, key), value_text(new, model, names, key)
            lines.append(Line(key_label(key, model), f"{old_text} → {new_text}"))
    return lines


def detail_lines(entry, names=None) -> list[Line]:
    """The entry's details as labelled lines: a before/after pair as the fields that changed, one line per
    other key; codes by their names when ``names`` (``names_for``) has them."""
    details = entry.details if isinstance(entry.details, dict) else {"details": entry.details}
    model = _model(entry.object_type)
    lines: list[Line] = []
    rest = dict(details)
    before, after = rest.pop("before", None), rest.pop("after", None)
    if isinstance(before, dict) and isinstance(after, dict):
        lines += _changes(before, after, model, names)
    else:
        for key, part in (("before", before), ("after", after)):
            if isinstance(part, dict):
                lines += [Line(key_label(k, model), value_text(v, model, names, k)) for k, v in part.items()]
            elif part is not None:
                rest[key] = part
    changed = rest.pop("changed", None)
    if isinstance(changed, dict):
        for key, value in changed.items():
            if isinstance(value, dict) and set(value) <= {"before", "after"}:
                lines += _changes({key: value.get("before")}, {key: value.get("after")}, model, names)
            else:
                lines.append(Line(key_label(key, model), value_text(value, model, names, key)))
    elif changed is not None:
        rest["changed"] = changed
    for key in ("values", "deleted"):
        part = rest.pop(key, None)
        if isinstance(part, dict):
            lines += [Line(key_label(k, model), value_text(v, model, names, k)) for k, v in part.items()]
        elif part is not None:
            rest[key] = part
    lines += [Line(key_label(k, model), value_text(v, model, names, k)) for k, v in rest.items()]
    return lines
