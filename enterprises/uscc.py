"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from ``0123456789ABCDEFGHJKLMNPQRTUWXY`` (no I, O, S, V, Z). Position 18 is a check
character over positions 1-17 with the weights below; positions 3-8 are the division code.
"""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    total = sum(VALUES[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def uscc_error(code: str) -> str | None:
    """The rule ``code`` breaks, as a user-facing message, or None when it is valid."""
    if len(code) != 18:
        return _("A unified social credit code has 18 characters; this one has %(n)d.") % {"n": len(code)}
    bad = sorted({ch for ch in code if ch not in VALUES})
    if bad:
        return _(
            "Character(s) %(chars)s are not allowed in a unified social credit code "
            "(only digits and capital letters other than I, O, S, V and Z)."
        ) % {"chars": "、".join(bad)}
    if not code[2:8].isdigit():
        return _("Positions 3 to 8 of a unified social credit code are the division code and must be digits.")
    expected = check_character(code[:17])
    if code[17] != expected:
        return _("The check character (18th) is wrong: for these first 17 characters it must be %(c)s.") % {
            "c": expected
        }
    return None


def normalise_uscc(code: str) -> str:
    return (code or "").strip().upper()


def validate_uscc(code: str) -> None:
    error = uscc_error(code)
    if error:
        raise ValidationError(error, code="invalid_uscc")


def make_uscc(first17: str) -> str:
    """Complete 17 characters with their check character (demo data, tests, benchmarks)."""
    return first17 + check_character(first17)
