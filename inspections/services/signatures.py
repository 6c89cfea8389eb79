"""The enterprise signs the SM3 hash of its finalised record, or refuses with a written objection.
(The hash and the seal themselves are ``inspections.signing``.)"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import justice_bureau_for_division
from audit.services import audit_record
from enterprises.access import require_enterprise
from notifications.services import notification_send, notifications_resolve
from outbox.services import outbox_enqueue
from yantai_inspect.errors import DomainError

from .. import signing, uploads
from ..models import InspectionRecord, Signature


def _require_enterprise_of(actor, record) -> None:
    if require_enterprise(actor).pk != record.task.enterprise_id:
        raise DomainError(_("Only the inspected enterprise can sign its record."))


def _sign(*, actor, record, refused: bool, **fields) -> Signature:
    record = InspectionRecord.objects.select_for_update().select_related("task").get(pk=record.pk)
    _require_enterprise_of(actor, record)
    if record.status != InspectionRecord.Status.FINAL:
        raise DomainError(_("This record is not awaiting a signature."))
    current = signing.content_hash(record)
    if current != record.content_hash:
        raise DomainError(
            _(
                "The record does not match the content fixed when it was finalised; it cannot be "
                "signed. Contact the inspecting agency."
            )
        )
    signed_at = timezone.now()
    signature = Signature.objects.create(
        record=record,
        signer=actor,
        signed_at=signed_at,
        refused=refused,
        content_hash=current,
        seal=signing.seal(
            content_hash=current, signer=actor.username, signed_at=signing.utc_stamp(signed_at), refused=refused
        ),
        **fields,
    )
    record.status = InspectionRecord.Status.REFUSED if refused else InspectionRecord.Status.SIGNED
    record.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="record.refuse" if refused else "record.sign",
        obj=record,
        details={"content_hash": current, "method": fields.get("method", ""), "objection": fields.get("objection", "")},
    )
    outbox_enqueue(
        handler="inspections.render_record_pdf",
        payload={"record_id": record.pk},
        dedupe_key=f"record-pdf:{record.pk}:{record.status}",
    )
    notifications_resolve(keys=[f"record-to-sign:{record.pk}"])
    return signature


@transaction.atomic
def record_sign(
    *, actor, record: InspectionRecord, method: str, typed_name: str = "", confirmed: bool = False, drawn_png=None
) -> Signature:
    """The enterprise signs the SM3 hash of the finalised record: a drawn signature, or its typed name with an
    explicit confirmation. The record row is locked, so two simultaneous signatures end in one."""
    if method == Signature.Method.TYPED:
        if not (typed_name or "").strip():
            raise DomainError(_("Type the signer's name."), field="typed_name")
        if not confirmed:
            raise DomainError(_("Confirm that you have read the record and agree to sign it."), field="confirmed")
        return _sign(actor=actor, record=record, refused=False, method=method, typed_name=typed_name.strip())
    if method == Signature.Method.DRAWN:
        if drawn_png is None:
            raise DomainError(_("Draw the signature."), field="signature")
        stored = uploads.store_image(drawn_png, folder="signatures")
        try:
            return _sign(
                actor=actor,
                record=record,
                refused=False,
                method=method,
                image_path=stored.path,
                typed_name=(typed_name or "").strip(),
            )
        except Exception:
            uploads.remove_stored(stored.path)
            raise
    raise DomainError(_("Choose how to sign."), field="method")


@transaction.atomic
def record_refuse(*, actor, record: InspectionRecord, objection: str) -> Signature:
    """The enterprise refuses to sign, with a written objection (kept with the record and sent to the justice
    bureau)."""
    if not (objection or "").strip():
        raise DomainError(_("Write your objection."), field="objection")
    signature = _sign(actor=actor, record=record, refused=True, objection=objection.strip())
    bureau = justice_bureau_for_division(record.task.enterprise.division)
    if bureau:
        notification_send(
            dedupe_key=f"record-refused:{record.pk}",
            agency=bureau,
            title=_("An enterprise refused to sign an inspection record"),
            body=objection.strip()[:300],
            link=f"/justice/records/{record.pk}/",
        )
    return signature
