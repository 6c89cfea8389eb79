"""The random draw of 双随机、一公开, as a pure function anyone can replay.

Commit–reveal: when a campaign is created its population is written down as a canonical snapshot (the
enterprises' credit codes and grades, the sampling rates in force, the agency's certified officers by
certificate number and their declared conflicts, all sorted) and a secret seed is chosen; the SHA-256 of
both is published. The draw reveals the seed. What is drawn is a function of (seed, snapshot) only:

* an enterprise with credit code ``c`` and grade ``g`` is drawn when ``H(c) * den < num * 2**64``, where
  ``H(c)`` is the first 8 bytes (big-endian) of HMAC-SHA256(key = the seed's 64 ASCII hex digits, message =
  ``c``) and ``num/den`` is the grade's rate (an exact fraction): a uniform number in [0, 1) below the rate;
* then, in credit-code order, each drawn enterprise gets the two officers without a conflict with it who have
  the fewest enterprises so far, ties broken by HMAC-SHA256(seed, ``c + "|" + certificate``) in hex order.

``replay`` is the whole algorithm; the public page and the justice bureau's page run it on the published
seed and snapshot and compare with what was filed. Changing the seed changes its SHA-256, which then no
longer matches the commitment published before the draw.
"""

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

SNAPSHOT_VERSION = 1
OFFICERS_PER_ENTERPRISE = 2


def new_seed() -> str:
    return secrets.token_hex(32)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def snapshot_text(*, campaign: str, rates: dict, enterprises, officers, conflicts) -> str:
    """The canonical snapshot: JSON with sorted keys, no spaces, every list sorted. ``enterprises`` are
    (credit code, grade) pairs, ``officers`` certificate numbers, ``conflicts`` (credit code, certificate)."""
    document = {
        "version": SNAPSHOT_VERSION,
        "campaign": campaign,
        "rates": {grade: str(Decimal(rate).normalize()) for grade, rate in sorted(rates.items())},
        "enterprises": sorted([code, grade] for code, grade in enterprises),
        "officers": sorted(set(officers)),
        "conflicts": sorted({(code, cert) for code, cert in conflicts}),
    }
    return json.dumps(document, ensure_ascii=True, separators=(",", ":"), sort_keys=True)


def _mac(seed: str, message: str) -> bytes:
    return hmac.digest(seed.encode("ascii"), message.encode("utf-8"), "sha256")  # the one-shot C path


def enterprise_score(seed: str, code: str) -> int:
    """The enterprise's number in [0, 2**64): the draw compares it with rate * 2**64."""
    return int.from_bytes(_mac(seed, code)[:8], "big")


def is_drawn(seed: str, code: str, rate: Fraction) -> bool:
    return enterprise_score(seed, code) * rate.denominator < rate.numerator * (1 << 64)


@dataclass(frozen=True)
class DrawnEnterprise:
    code: str
    grade: str
    officers: tuple[str, ...]  # certificate numbers; fewer than two when not enough officers are free of conflicts


def replay(*, seed: str, snapshot: str) -> list[DrawnEnterprise]:
    """The draw: a deterministic function of the seed and the snapshot's text, nothing else."""
    document = json.loads(snapshot)
    if document.get("version") != SNAPSHOT_VERSION:
        raise ValueError("unknown snapshot version")
    rates = {grade: Fraction(Decimal(rate)) for grade, rate in document["rates"].items()}
    officers = document["officers"]
    conflicts: dict[str, set[str]] = {}
    for code, cert in document["conflicts"]:
        conflicts.setdefault(code, set()).add(cert)
    load = dict.fromkeys(officers, 0)
    drawn = []
    for code, grade in document["enterprises"]:  # sorted by credit code
        if not is_drawn(seed, code, rates[grade]):
            continue
        banned = conflicts.get(code, ())
        free = [cert for cert in officers if cert not in banned]
        chosen: list[str] = []
        # The first two of the free officers sorted by (load, tie-break hash), computing the hash only for
        # the officers of the lowest loads that are needed (byte order of the digest = its hex order).
        for level in sorted({load[cert] for cert in free}):
            tier = sorted((c for c in free if load[c] == level), key=lambda c: _mac(seed, f"{code}|{c}"))
            chosen.extend(tier[: OFFICERS_PER_ENTERPRISE - len(chosen)])
            if len(chosen) == OFFICERS_PER_ENTERPRISE:
                break
        chosen = tuple(chosen)
        for cert in chosen:
            load[cert] += 1
        drawn.append(DrawnEnterprise(code=code, grade=grade, officers=chosen))
    return drawn


def parse_seed(text: str) -> str:
    """A seed as typed: 64 hexadecimal digits (case and surrounding spaces ignored); ValueError otherwise."""
    seed = (text or "").strip().lower()
    if len(seed) != 64 or any(c not in "0123456789abcdef" for c in seed):
        raise ValueError("a seed is 64 hexadecimal digits")
    return seed
