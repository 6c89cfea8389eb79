import datetime as dt

import factory

from accounts.models import User
from accounts.tests.factories import UserFactory
from enterprises.models import Enterprise, Licence
from enterprises.uscc import make_uscc


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    # 91 = enterprise registered by market regulation; 370611 = Fushan; then a 9-character body.
    uscc = factory.Sequence(lambda n: make_uscc(f"91370611{n:09d}"))
    name = factory.Sequence(lambda n: f"烟台测试企业{n}有限公司")
    legal_representative = "张三"
    address = "山东省烟台市福山区测试路1号"
    division = "370611"
    industry = "C"


class LicenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Licence

    enterprise = factory.SubFactory(EnterpriseFactory)
    licence_type = "食品经营许可证"
    number = factory.Sequence(lambda n: f"JY13706{n:08d}")
    issuing_agency = "烟台市福山区市场监督管理局"
    # Fixed dates, not relative to the real one: valid from 2022-2023 to 2028-2029, far from any test's day.
    valid_from = factory.Sequence(lambda n: dt.date(2022, 1, 1) + dt.timedelta(days=n % 700))
    valid_to = factory.Sequence(lambda n: dt.date(2028, 1, 1) + dt.timedelta(days=n % 700))


def enterprise_user(enterprise=None, **kwargs):
    """An enterprise account linked to ``enterprise`` through the service (so it gets its guardian perm)."""
    from enterprises.services import enterprise_account_link

    enterprise = enterprise or EnterpriseFactory()
    user = UserFactory(role=User.Role.ENTERPRISE, **kwargs)
    enterprise_account_link(actor=None, user=user, enterprise=enterprise)
    return user
