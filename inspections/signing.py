"""What the enterprise signs: the SM3 hash of the record's canonical content.

SM3 (GB/T 32905-2016, from the ``cryptography`` package) rather than SHA-256 because Chinese e-government
signatures and seals are specified on the national SM algorithms (GM/T 0031 electronic seals use SM2/SM3);
a record meant to carry legal weight in Yantai should verify with the algorithm its auditors expect.

The canonical content is a JSON document with sorted keys and no insignificant whitespace, built only from
what the record says (enterprise, date, agencies, officers, matters and results, findings): the same record
always gives the same bytes, and any change to the rows it is built from changes the hash.
"""

import hmac
import json

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from django.conf import settings

from audit.hashing import sm3_hex, utc_stamp  # noqa: F401 (utc_stamp: read from here by callers)


def canonical_content(record) -> dict:
    task = record.task
    items = list(record.items.select_related("matter").prefetch_related("photos").order_by("matter__code"))
    findings = list(record.findings.select_related("item__matter", "agency").order_by("id"))
    officers = sorted(
        {
            (c.officer.full_name or c.officer.username, c.officer.certificate_number, c.officer.agency.name)
            for c in task.check_ins.filter(accepted=True).select_related("officer__agency")
        }
    )
    return {
        "record": record.pk,
        "enterprise": {"uscc": task.enterprise.uscc, "name": task.enterprise.name},
        "visit_date": task.visit_date.isoformat(),
        "agencies": sorted({p.agency.name for p in task.plans.select_related("agency")}),
        "officers": [{"name": n, "certificate": c, "agency": a} for n, c, a in officers],
        "items": [
            {
                "matter": i.matter.code,
                "name": i.matter.name,
                "result": i.result,
                "note": i.note,
                "photos": sorted(p.sha256 for p in i.photos.all()),
            }
            for i in items
        ],
        "findings": [
            {
                "matter": f.item.matter.code,
                "description": f.description,
                "severity": f.severity,
                "deadline": f.deadline.isoformat(),
                "agency": f.agency.name,
            }
            for f in findings
        ],
        "summary": record.summary,
        "finalised_at": utc_stamp(record.finalised_at) if record.finalised_at else None,
    }


def canonical_bytes(record) -> bytes:
    return json.dumps(canonical_content(record), ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8"
    )


def content_hash(record) -> str:
    return sm3_hex(canonical_bytes(record))


def seal(*, content_hash: str, signer: str, signed_at: str, refused: bool) -> str:
    """An HMAC over what was signed, by whom and when, under the platform key: a signature row edited in the
    database no longer matches its seal."""
    message = "|".join([content_hash, signer, signed_at, "refused" if refused else "signed"]).encode()
    key = sm3_hex(("signature-seal:" + settings.SECRET_KEY).encode()).encode()
    mac = crypto_hmac.HMAC(key, hashes.SM3())
    mac.update(message)
    return mac.finalize().hex()


def seal_matches(signature) -> bool:
    expected = seal(
        content_hash=signature.content_hash,
        signer=signature.signer.username,
        signed_at=utc_stamp(signature.signed_at),
        refused=signature.refused,
    )
    return hmac.compare_digest(expected, signature.seal)
