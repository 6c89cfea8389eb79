import datetime as dt
import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin

from .divisions import DIVISIONS
from .signals import password_changed


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
    inspection_authority = models.BooleanField(
        _("inspection authority"), default=True,
        help_text=_("检查主体: the agency holds legal authority to inspect enterprises and is announced on the "
                    "public register. Only such agencies may file inspection plans."),
    )
    active = models.BooleanField(_("active"), default=True)
    # 检查审批 (``plans.approval``): a routine plan filed by an officer waits for the head's approval before it
    # takes part in matching; a green-channel inspection is approved by the head after the fact.
    plans_need_head_approval = models.BooleanField(
        _("plans need the head's approval"), default=False,
        help_text=_("检查审批: routine plans filed by officers wait for the agency head's approval before matching; "
                    "green-channel inspections are approved by the head after the fact."),
    )

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

    @property
    def may_inspect(self) -> bool:
        """检查主体: an active enforcement agency with inspection authority. The query form is
        ``inspecting_agencies_q``."""
        return self.active and self.inspection_authority and not self.is_justice_bureau


def inspecting_agencies_q(prefix: str = "") -> Q:
    """The query form of ``Agency.may_inspect``."""
    path = f"{prefix}__" if prefix else ""
    return Q(**{f"{path}active": True, f"{path}inspection_authority": True, f"{path}is_justice_bureau": False})


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
    certificate_issuer = models.CharField(
        _("certificate issued by"), max_length=100, blank=True, help_text=_("发证机关, e.g. 山东省人民政府"),
    )
    certificate_valid_from = models.DateField(_("certificate valid from"), null=True, blank=True)
    certificate_valid_until = models.DateField(_("certificate valid until"), null=True, blank=True)
    # The expiry date the agency was last warned about (the claim of ``certificate_expiry_warnings_send``,
    # like ``Licence.expiry_warned_for``): a renewed certificate (new date) is warned about again.
    certificate_expiry_warned_for = models.DateField(null=True, blank=True, editable=False)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # 负责人: an officer who heads the agency. A flag on the officer rather than a role of its own: the head
    # belongs to the agency, logs into the agency portal and sees its plans by every rule that holds for an
    # officer; only the approval of plans (``accounts.access.require_agency_head``) is the head's alone.
    is_agency_head = models.BooleanField(
        _("agency head"), default=False,
        help_text=_("负责人: approves the agency's plans when the agency requires it (检查审批)."),
    )

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
            models.CheckConstraint(
                condition=Q(is_agency_head=False) | Q(role="officer"), name="agency_head_is_officer",
            ),
            models.CheckConstraint(
                condition=Q(certificate_valid_from__isnull=True) | Q(certificate_valid_until__isnull=True)
                | Q(certificate_valid_from__lte=F("certificate_valid_until")),
                name="certificate_validity_ordered",
            ),
        ]
        indexes = [
            # The expiry job reads the certificates ending soon (and those ended) in date order.
            models.Index(fields=["certificate_valid_until", "id"], name="user_certificate_expiry",
                         condition=Q(role="officer") & ~Q(certificate_number="")),
            # The public register: an agency's officers by name.
            models.Index(fields=["agency", "full_name", "id"], name="user_agency_register",
                         condition=Q(role="officer") & ~Q(certificate_number="")),
        ]

    def __str__(self):
        return self.full_name or self.username

    def save(self, **kwargs):
        # set_password() keeps the new raw password until the row is written; once it is, the change is
        # announced (accounts.signals.password_changed: its tokens are revoked), whoever made it.
        changed = self._password is not None and not self._state.adding
        super().save(**kwargs)
        if changed:
            password_changed.send(sender=type(self), user=self)

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

    def is_certified_on(self, day: dt.date) -> bool:
        """持证执法人员: may carry out an on-site inspection on ``day`` (行政处罚法 art. 42, 55): an active
        enforcement officer whose enforcement certificate (执法证) is valid that day. Every check of who may be
        named on a plan, drawn or check in passes the visit day (or each end of a plan's window). The query
        form is ``certified_officers_q``."""
        return self.is_officer and self.is_active and self.certificate_valid_on(day)

    def certificate_valid_on(self, day: dt.date) -> bool:
        """The certificate alone (the public register's answer): valid on ``day``, whoever holds it."""
        return (
            bool(self.certificate_number) and self.certificate_valid_from is not None
            and self.certificate_valid_until is not None
            and self.certificate_valid_from <= day <= self.certificate_valid_until
        )


def certified_officers_q(prefix: str = "", *, on) -> Q:
    """The query form of ``User.is_certified_on``; ``prefix`` is the path to the user from the queried
    model (``"officer"`` on check-ins, ``""`` on users); ``on`` is the day, a date or an expression such as
    ``F("plan__joint_task__visit_date")`` when each row has its own visit day."""
    path = f"{prefix}__" if prefix else ""
    return (
        Q(**{f"{path}role": User.Role.OFFICER, f"{path}is_active": True})
        & ~Q(**{f"{path}certificate_number": ""})
        & Q(**{f"{path}certificate_valid_from__lte": on, f"{path}certificate_valid_until__gte": on})
    )


class ApiToken(models.Model):
    """An API token of one device (the officer's phone, the enterprise's app): issued at each login for that
    device, replacing the device's earlier one; expires; revoked by its owner, at logout from the API and on a
    password change. Only the SHA-256 digest of the key is stored (the key is 256 random bits, so a fast hash
    is enough): a database dump does not hand out working tokens."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(_("key digest"), max_length=64, unique=True)
    key_prefix = models.CharField(_("key prefix"), max_length=8)
    device = models.CharField(_("device"), max_length=60)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "device"], name="one_api_token_per_device"),
        ]

    def __str__(self):
        return f"{self.device} ({self.key_prefix}…)"


class BrowserSession(models.Model):
    """浏览器会话: a browser signed in as the user, written at login (``accounts.browser_sessions``) so that the
    user and the administrators can see and end each one (ASVS 5.0 7.4.5, 7.5.2).

    The row points at Django's session row, whose primary key is the session key: the key is not stored a
    second time in another form. A digest would protect nothing (the key is in ``django_session`` beside it, for
    the same database role) and could not end the session (the store is found by its key). Through the foreign
    key the database keeps the registry true: a logout, an expiry or a new key deletes the session row and this
    one with it. The key is never shown: pages and the admin name a session by this row's id."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="browser_sessions")
    session = models.OneToOneField("sessions.Session", verbose_name=_("session"), on_delete=models.CASCADE,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(_("signed in at"))
    # Written at most every BROWSER_SESSION_SEEN_SECONDS (five minutes), on a request that already writes the
    # session: never a write per request.
    last_seen_at = models.DateTimeField(_("last seen at"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("browser session")
        verbose_name_plural = _("browser sessions")
        ordering = ["-last_seen_at", "-id"]
        indexes = [
            # one's sessions, the most recently seen first (/account/devices/)
            models.Index(fields=["user", "-last_seen_at"], name="browser_session_user_seen"),
            # the expiry job: idle (last seen) and absolute (signed in) limits
            models.Index(fields=["last_seen_at"], name="browser_session_seen"),
            models.Index(fields=["created_at"], name="browser_session_created"),
        ]

    def __str__(self):
        parts = (str(self.user), self.browser, f"{timezone.localtime(self.created_at):%Y-%m-%d %H:%M}")
        return " · ".join(part for part in parts if part)

    @property
    def browser(self) -> str:
        from .user_agents import user_agent_label

        return user_agent_label(self.user_agent)


class RecoveryCodeDevice(ThrottlingMixin, Device):
    """The user's recovery codes (django-otp device): each logs in once when the authenticator app is not at
    hand. A code has 120 random bits, so its SHA-256 digest is stored, never the code (ASVS 5.0 6.5.2)."""

    class Meta:
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")

    def get_throttle_factor(self):
        return 1

    def verify_token(self, token):
        allowed, _details = self.verify_is_allowed()
        if not allowed:
            return False
        deleted, _rows = self.codes.filter(digest=recovery_code_digest(token)).delete()
        if deleted:
            self.throttle_reset()
        else:
            self.throttle_increment()
        return bool(deleted)


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(_("code digest"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")

    def __str__(self):
        return f"{self.device.user} · {self.digest[:8]}…"


def recovery_code_normalise(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def recovery_code_digest(code: str) -> str:
    return hashlib.sha256(recovery_code_normalise(code).encode("utf-8", "surrogatepass")).hexdigest()
