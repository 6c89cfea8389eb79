"""Writes on departments, agencies and users.

The rules about who belongs where live in the ``*_check`` functions, so the services and the admin
forms refuse the same things with the same messages.
"""
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_record, snapshot
from yantai_inspect.errors import DomainError, domain_error_from_validation

from .divisions import CITY_CODE, division_name
from .models import Agency, Department, User

JUSTICE_DEPARTMENT_CODE = "justice"
AGENCY_FIELDS = ["code", "name", "department_id", "level", "division", "parent_id", "is_justice_bureau", "active",
                 "inspection_authority"]
USER_AUDIT_FIELDS = ["username", "role", "full_name", "agency_id", "certificate_number", "certificate_issuer",
                     "certificate_valid_from", "certificate_valid_until", "phone", "is_staff", "is_superuser"]


def _clean(obj, **kwargs):
    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        raise domain_error_from_validation(exc) from exc


@transaction.atomic
def department_upsert(*, actor, code: str, name: str) -> Department:
    """Create the department with this code, or rename it. The code is the stable key that the
    catalogue and the agencies refer to; an unchanged department is not written (and not audited)."""
    code, name = code.strip(), name.strip()
    department = Department.objects.filter(code=code).first()
    if department is not None and department.name == name:
        return department
    before = snapshot(department, ["name"]) if department else None
    department = department or Department(code=code)
    department.name = name
    _clean(department)
    department.save()
    audit_record(actor=actor, action="department.upsert", obj=department,
                 details={"before": before, "after": snapshot(department, ["code", "name"])})
    return department


def agency_rules_check(*, department: Department, level: str, division: str, parent: Agency | None = None,
                       is_justice_bureau: bool = False, agency: Agency | None = None) -> None:
    """The shape of the agency tree: a city-level agency sits in 370600 and a district-level one in a
    district; a district agency's parent is the city agency of the same department; the 司法局 is the
    justice department's agency and there is one per division (it reviews plans of its own level).
    ``agency`` is the agency being edited, if any, so it does not collide with itself."""
    if level == Agency.Level.CITY and division != CITY_CODE:
        raise DomainError(_("A city-level agency belongs to division %(city)s (Yantai City).") % {"city": CITY_CODE},
                          field="division")
    if level == Agency.Level.DISTRICT and division == CITY_CODE:
        raise DomainError(_("A district-level agency belongs to a district, county-level city or zone, "
                            "not to the city itself."), field="division")
    is_justice_department = department.code == JUSTICE_DEPARTMENT_CODE
    if is_justice_bureau and not is_justice_department:
        raise DomainError(_("A justice bureau must belong to the justice department."), field="department")
    if is_justice_department and not is_justice_bureau:
        raise DomainError(_("An agency of the justice department is the justice bureau of its division; "
                            "mark it as a justice bureau."), field="is_justice_bureau")
    if is_justice_bureau:
        existing = Agency.objects.filter(division=division, is_justice_bureau=True)
        if agency is not None and agency.pk:
            existing = existing.exclude(pk=agency.pk)
        other = existing.first()
        if other is not None:
            raise DomainError(_("%(division)s already has a justice bureau: %(name)s.")
                              % {"division": division_name(division), "name": other.name}, field="is_justice_bureau")
    if parent is not None:
        if agency is not None and parent.pk == agency.pk:
            raise DomainError(_("An agency cannot be its own parent."), field="parent")
        if level != Agency.Level.DISTRICT or parent.level != Agency.Level.CITY:
            raise DomainError(_("Only a district-level agency has a parent, and the parent is a city-level agency."),
                              field="parent")
        if parent.department_id != department.pk:
            raise DomainError(_("The parent agency %(parent)s is of another department.") % {"parent": parent.name},
                              field="parent")


@transaction.atomic
def agency_create(*, actor, code: str, name: str, department: Department, level: str, division: str,
                  parent: Agency | None = None, is_justice_bureau: bool = False,
                  inspection_authority: bool = True) -> Agency:
    """Create an agency (执法部门) or a justice bureau (司法局). See ``agency_rules_check`` for the rules;
    ``inspection_authority`` (检查主体) decides whether it may file inspections and is on the public register."""
    code, name = code.strip(), name.strip()
    if Agency.objects.filter(code=code).exists():
        raise DomainError(_("An agency with the code %(code)s already exists.") % {"code": code}, field="code")
    agency_rules_check(department=department, level=level, division=division, parent=parent,
                       is_justice_bureau=is_justice_bureau)
    agency = Agency(code=code, name=name, department=department, level=level, division=division, parent=parent,
                    is_justice_bureau=is_justice_bureau, inspection_authority=inspection_authority)
    _clean(agency)
    agency.save()
    audit_record(actor=actor, action="agency.create", obj=agency, details={"after": snapshot(agency, AGENCY_FIELDS)})
    return agency


@transaction.atomic
def agency_update(*, actor, agency: Agency, name: str, department: Department, level: str, division: str,
                  parent: Agency | None = None, is_justice_bureau: bool = False, active: bool = True,
                  inspection_authority: bool = True) -> Agency:
    """Change an agency's place in the tree, its name or whether it is active (its code is its key and stays).
    See ``agency_rules_check`` for the rules."""
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    agency_rules_check(department=department, level=level, division=division, parent=parent, agency=agency,
                       is_justice_bureau=is_justice_bureau)
    before = snapshot(agency, AGENCY_FIELDS)
    agency.name, agency.department, agency.level, agency.division = name.strip(), department, level, division
    agency.parent, agency.is_justice_bureau, agency.active = parent, is_justice_bureau, active
    agency.inspection_authority = inspection_authority
    _clean(agency)
    agency.save()
    after = snapshot(agency, AGENCY_FIELDS)
    if after != before:
        audit_record(actor=actor, action="agency.update", obj=agency, details={"before": before, "after": after})
    return agency


def user_role_check(*, role: str, agency: Agency | None, certificate_number: str = "",
                    user: User | None = None, certificate_valid_from=None, certificate_valid_until=None) -> None:
    """What each role needs: officers and justice staff belong to an agency (officers to an enforcement
    agency, justice staff to a justice bureau); an officer carries out on-site inspections, which takes an
    enforcement certificate (执法证, at least two certified officers per visit), so it needs its number;
    enterprise accounts and administrators belong to no agency. ``user`` is the user being edited, if any."""
    if role not in User.Role.values:
        raise DomainError(_("Unknown role %(role)s.") % {"role": role}, field="role")
    if role == User.Role.OFFICER:
        if agency is None:
            raise DomainError(_("An enforcement officer must belong to an agency."), field="agency")
        if agency.is_justice_bureau:
            raise DomainError(_("%(agency)s is a justice bureau; an enforcement officer must belong to an "
                                "enforcement agency. Create a justice staff account instead.")
                              % {"agency": agency.name}, field="agency")
        if not certificate_number:
            raise DomainError(_("An enforcement officer carries out on-site inspections and needs an enforcement "
                                "certificate number."), field="certificate_number")
    elif role == User.Role.JUSTICE:
        if agency is None:
            raise DomainError(_("Justice bureau staff must belong to a justice bureau."), field="agency")
        if not agency.is_justice_bureau:
            raise DomainError(_("%(agency)s is not a justice bureau; justice bureau staff must belong to one.")
                              % {"agency": agency.name}, field="agency")
    else:
        if agency is not None:
            raise DomainError(_("Only enforcement officers and justice bureau staff belong to an agency."),
                              field="agency")
        if certificate_number:
            raise DomainError(_("Only enforcement officers and justice bureau staff hold an enforcement "
                                "certificate."), field="certificate_number")
    if agency is not None and not agency.active:
        raise DomainError(_("%(agency)s is no longer active.") % {"agency": agency.name}, field="agency")
    if certificate_number:
        holders = User.objects.filter(certificate_number=certificate_number)
        if user is not None and user.pk:
            holders = holders.exclude(pk=user.pk)
        if holders.exists():
            raise DomainError(_("The enforcement certificate number %(number)s is already registered to another "
                                "user.") % {"number": certificate_number}, field="certificate_number")
    elif certificate_valid_from or certificate_valid_until:
        raise DomainError(_("A certificate's validity needs its number."), field="certificate_number")
    if (certificate_valid_from and certificate_valid_until and certificate_valid_until < certificate_valid_from):
        raise DomainError(_("The certificate's validity ends before it begins."), field="certificate_valid_until")


def user_role_flags(user: User) -> None:
    """A platform administrator works in the Django admin, so the role carries staff and superuser status."""
    if user.role == User.Role.ADMIN:
        user.is_staff = user.is_superuser = True


@transaction.atomic
def user_create(*, actor, username: str, password: str | None, role: str, full_name: str = "",
                agency: Agency | None = None, certificate_number: str = "", phone: str = "",
                certificate_issuer: str = "", certificate_valid_from=None, certificate_valid_until=None) -> User:
    """Create a user of one role (see ``user_role_check``). The password must pass the password validators;
    ``None`` creates the account without a usable password (it is given one by a reset). The password
    never reaches the audit entry."""
    username, certificate_number = username.strip(), certificate_number.strip()
    user_role_check(role=role, agency=agency, certificate_number=certificate_number,
                    certificate_valid_from=certificate_valid_from, certificate_valid_until=certificate_valid_until)
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(_("The username %(username)s is already taken.") % {"username": username}, field="username")
    user = User(username=username, role=role, full_name=full_name.strip(), agency=agency,
                certificate_number=certificate_number, phone=phone.strip(),
                certificate_issuer=certificate_issuer.strip(), certificate_valid_from=certificate_valid_from,
                certificate_valid_until=certificate_valid_until)
    user_role_flags(user)
    if password is None:
        user.set_unusable_password()
    else:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages), field="password") from exc
        user.set_password(password)
    _clean(user)
    user.save()
    audit_record(actor=actor, action="user.create", obj=user,
                 details={"after": snapshot(user, USER_AUDIT_FIELDS), "usable_password": password is not None})
    return user


@transaction.atomic
def user_password_change(*, user: User, old_password: str, new_password: str) -> User:
    """A user changes their own password: the current one must be given and right, the new one must pass the
    configured validators (AUTH_PASSWORD_VALIDATORS). Audited without either password."""
    if not user.check_password(old_password or ""):
        raise DomainError(_("Your current password was entered incorrectly."), field="old_password")
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="new_password1") from exc
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit_record(actor=user, action="user.password_change", obj=user, details={})
    return user
