from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .divisions import DIVISIONS


class Department(models.Model):
    """A kind of agency (市场监督管理局, 生态环境局 …): city and district agencies of one kind share
    the catalogue of supervision matters and lead the same themes."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Agency(models.Model):
    """执法部门 / 监管部门: owns plans and officers. The 司法局 of each level is an agency too."""

    class Level(models.TextChoices):
        CITY = "city", _("City level")
        DISTRICT = "district", _("District level")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="agencies"
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    division = models.CharField(_("administrative division"), max_length=6, choices=DIVISIONS)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent agency"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    is_justice_bureau = models.BooleanField(_("justice bureau"), default=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["division", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["division"], condition=Q(is_justice_bureau=True), name="one_justice_bureau_per_division"
            ),
        ]

    def __str__(self):
        return self.name


class User(AbstractUser):
    """Every person on the platform. ``role`` decides the portal; the links say whose data it is."""

    class Role(models.TextChoices):
        OFFICER = "officer", _("Enforcement officer")
        JUSTICE = "justice", _("Justice bureau staff")
        ENTERPRISE = "enterprise", _("Enterprise account")
        ADMIN = "admin", _("Platform administrator")

    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.ENTERPRISE)
    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    certificate_number = models.CharField(
        _("enforcement certificate number"), max_length=40, blank=True,
        help_text=_("执法证号; required for officers who carry out on-site inspections."),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=["officer", "justice"]) | Q(agency__isnull=False),
                name="agency_staff_have_agency",
            ),
            models.UniqueConstraint(
                fields=["certificate_number"], condition=~Q(certificate_number=""), name="unique_certificate_number"
            ),
        ]

    def __str__(self):
        return self.full_name or self.username

    @property
    def is_officer(self) -> bool:
        return self.role == self.Role.OFFICER

    @property
    def is_justice(self) -> bool:
        return self.role == self.Role.JUSTICE

    @property
    def is_enterprise(self) -> bool:
        return self.role == self.Role.ENTERPRISE

    @property
    def is_platform_admin(self) -> bool:
        return self.role == self.Role.ADMIN or self.is_superuser

    @property
    def is_certified_officer(self) -> bool:
        """持证执法人员: may carry out an on-site inspection (行政处罚法 art. 42, 55): an active enforcement
        officer with a certificate number. The query form is ``certified_officers_q``."""
        return self.is_officer and self.is_active and bool(self.certificate_number)


def certified_officers_q(prefix: str = "") -> Q:
    """The query form of ``User.is_certified_officer``; ``prefix`` is the path to the user from the queried
    model (``"officer"`` on check-ins, ``""`` on users)."""
    path = f"{prefix}__" if prefix else ""
    return Q(**{f"{path}role": User.Role.OFFICER, f"{path}is_active": True}) & ~Q(**{f"{path}certificate_number": ""})
