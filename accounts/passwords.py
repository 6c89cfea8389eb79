"""A password rule beyond Django's: not the platform's own words with a few digits (ASVS 5.0 6.1.2, 6.2.11)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The words an attacker tries first against this platform: its city, its districts, its agencies and roles,
# in pinyin and in Chinese. Documented in docs/security.md.
CONTEXT_WORDS = (
    "yantai", "烟台", "zhifu", "芝罘", "fushan", "福山", "muping", "牟平", "laishan", "莱山", "penglai", "蓬莱",
    "laizhou", "莱州", "longkou", "龙口", "zhaoyuan", "招远", "qixia", "栖霞", "haiyang", "海阳", "laiyang", "莱阳",
    "jiancha", "检查", "lianhe", "联合", "sheqi", "涉企", "shichang", "市场", "jianguan", "监管", "sifa", "司法",
    "zhifa", "执法", "qiye", "企业", "admin", "officer", "justice", "enterprise", "inspect", "password", "mima",
    "密码", "shandong", "山东",
)
MIN_OTHER_LETTERS = 4


class ContextWordsValidator:
    """Refuses a password that, once the platform's words, digits and punctuation are taken out, has fewer than
    four letters left ("Yantai2026!!!!", "jiancha-123456")."""

    def validate(self, password, user=None):
        rest = password.lower()
        for word in CONTEXT_WORDS:
            rest = rest.replace(word, "")
        if len(re.sub(r"[\W\d_]", "", rest)) < MIN_OTHER_LETTERS:
            raise ValidationError(
                _("This password is mostly the name of the city, a district, an agency or the platform: choose "
                  "other words."),
                code="password_context_words",
            )

    def get_help_text(self):
        return _("Your password cannot be mostly the name of the city, a district, an agency or the platform.")
