"""Administrative divisions of Yantai (GB/T 2260), plus the functional zones in local use."""
from django.utils.translation import gettext_lazy as _

CITY_CODE = "370600"

DIVISIONS = [
    ("370600", _("Yantai City")),
    ("370602", _("Zhifu District")),
    ("370611", _("Fushan District")),
    ("370612", _("Muping District")),
    ("370613", _("Laishan District")),
    ("370614", _("Penglai District")),
    ("370681", _("Longkou City")),
    ("370682", _("Laiyang City")),
    ("370683", _("Laizhou City")),
    ("370685", _("Zhaoyuan City")),
    ("370686", _("Qixia City")),
    ("370687", _("Haiyang City")),
    # Functional zones have no GB/T 2260 code of their own; these are the codes used locally.
    ("370671", _("Yantai Economic and Technological Development Area")),
    ("370672", _("Yantai High-tech Zone")),
    ("370634", _("Changdao Comprehensive Pilot Zone")),
]
DIVISION_CODES = {code for code, _label in DIVISIONS}
DISTRICT_CODES = sorted(DIVISION_CODES - {CITY_CODE})


def division_name(code: str) -> str:
    return str(dict(DIVISIONS).get(code, code))
