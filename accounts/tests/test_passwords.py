import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from accounts.models import User


@pytest.mark.parametrize("password", ["Short-2026!", "password1234", "123456789012", "zhang.san.yantai",
                                      "Yantai2026!!!!", "jiancha-123456", "烟台市场监管2026"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password, User(username="zhang.san.yantai", full_name="张三"))


def test_a_long_uncommon_password_passes():
    validate_password("Yantai-Demo-2026!", User(username="officer_market"))
