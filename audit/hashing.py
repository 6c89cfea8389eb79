"""SM3 (GB/T 32905-2016), the one implementation: the audit chain hashes with it, and so do the inspection
records' content hashes and seals (``inspections.signing`` imports it from here, the ground layer)."""

import datetime as dt
import hmac

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def hmac_sm3_hex(key: bytes, message: bytes) -> str:
    mac = crypto_hmac.HMAC(key, hashes.SM3())
    mac.update(message)
    return mac.finalize().hex()


def hmac_matches(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected, given or "")


def utc_stamp(moment) -> str:
    """A timestamp that reads the same whichever time zone the database hands it back in."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
