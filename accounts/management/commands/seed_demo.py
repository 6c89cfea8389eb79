"""Build the Yantai demo city: catalogue, agencies and justice bureaus, officers, 300 enterprises with
licences and credit profiles, and one login per role.

Idempotent: everything is derived from fixed seeds and keyed on codes, usernames and credit codes, so a
second run finds it all in place and writes nothing (not even audit entries). Everything is written in
one transaction: a failure leaves nothing half-written.
"""
import datetime
import json
import random
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.divisions import CITY_CODE, DIVISIONS
from accounts.models import Agency, Department, User
from accounts.services import agency_create, user_create
from audit.services import audit_record
from catalogue.models import Theme
from catalogue.services import catalogue_load
from credit.models import CreditProfile
from enterprises.models import Enterprise, EnterpriseAccount, Licence
from enterprises.services import enterprise_account_link
from enterprises.uscc import ALPHABET, make_uscc
from yantai_inspect.errors import DomainError, domain_error_from_validation

SEED = 2026
DEMO_PASSWORD = "Demo-2026!"
ENTERPRISE_COUNT = 300
EXPIRING_COUNT = 20  # licences expiring within the warning month (资质临期预警), the enterprise's own included
EXPIRED_COUNT = 4

# --- Agencies -------------------------------------------------------------------------------------------

DEPARTMENT_ORDER = ["market", "ecology", "emergency", "agriculture", "health", "education", "housing", "transport",
                    "culture", "fire", "hrss", "urban", "justice"]
CITY_AGENCY_NAMES = {
    "market": "烟台市市场监督管理局", "ecology": "烟台市生态环境局", "emergency": "烟台市应急管理局",
    "agriculture": "烟台市农业农村局", "health": "烟台市卫生健康委员会", "education": "烟台市教育局",
    "housing": "烟台市住房和城乡建设局", "transport": "烟台市交通运输局", "culture": "烟台市文化和旅游局",
    "fire": "烟台市消防救援支队", "hrss": "烟台市人力资源和社会保障局", "urban": "烟台市城市管理局",
    "justice": "烟台市司法局",
}
# How local government names itself in each division, and the short name used for branch offices.
GOV_PREFIX = {
    "370600": "烟台市", "370602": "烟台市芝罘区", "370611": "烟台市福山区", "370612": "烟台市牟平区",
    "370613": "烟台市莱山区", "370614": "烟台市蓬莱区", "370681": "龙口市", "370682": "莱阳市", "370683": "莱州市",
    "370685": "招远市", "370686": "栖霞市", "370687": "海阳市", "370671": "烟台经济技术开发区",
    "370672": "烟台高新技术产业开发区", "370634": "长岛综合试验区",
}
SHORT_NAME = {"370602": "芝罘", "370611": "福山", "370683": "莱州"}
# District-level names that differ from "<prefix><city department name without 烟台市>".
DISTRICT_NAME_PATTERNS = {
    "ecology": "烟台市生态环境局{short}分局",  # ecology bureaus below the city are its branches
    "health": "{prefix}卫生健康局",
    "education": "{prefix}教育和体育局",
    "fire": "{prefix}消防救援大队",
    "urban": "{prefix}综合行政执法局",
}
DEMO_DISTRICTS = ["370602", "370611", "370683"]  # 芝罘区, 福山区 (the article's visit), 莱州市 (whitelist pilot)


def agency_name(department: str, division: str) -> str:
    if division == CITY_CODE:
        return CITY_AGENCY_NAMES[department]
    prefix = GOV_PREFIX[division]
    pattern = DISTRICT_NAME_PATTERNS.get(department)
    if pattern:
        return pattern.format(prefix=prefix, short=SHORT_NAME.get(division, prefix))
    return prefix + CITY_AGENCY_NAMES[department].removeprefix("烟台市")


def agency_code(department: str, division: str) -> str:
    return f"{division}-{department}"


# --- Demo logins ----------------------------------------------------------------------------------------

DEMO_OFFICERS = {  # (agency code, position among its officers) -> username
    ("370600-market", 1): "officer_market",
    ("370600-market", 2): "officer_market2",
    ("370600-ecology", 1): "officer_ecology",
    ("370600-emergency", 1): "officer_emergency",
    ("370611-market", 1): "officer_fushan_market",
}
DEMO_JUSTICE = {"370600-justice": "justice", "370611-justice": "justice_fushan", "370683-justice": "justice_laizhou"}
ADMIN_USERNAME = "admin"

# --- People and places ----------------------------------------------------------------------------------

SURNAMES = ["王", "张", "李", "刘", "孙", "于", "杨", "赵", "徐", "高", "姜", "林", "曲", "邹", "栾", "隋", "宫",
            "初", "鞠", "衣", "矫", "郭", "宋", "孔", "董", "吕", "滕", "丛", "战", "毕", "陈", "周", "吴", "马",
            "郝", "修", "迟", "慕", "由", "盛"]
GIVEN_NAMES = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超",
               "霞", "平", "刚", "斌", "鹏", "宁", "浩", "宇", "婷", "雪", "琳", "峰", "凯", "晶", "颖", "鑫",
               "建华", "志强", "晓东", "海燕", "春梅", "立新", "红霞", "建国", "玉兰", "文静", "晓明", "志刚",
               "永强", "海涛", "晓燕", "丽娜", "俊杰", "思远", "振华", "庆丰", "家豪", "晓雯", "雅琪", "子轩",
               "欣怡", "国栋", "德明", "秀梅", "立群", "新民", "学文", "春晓", "海鹏", "明辉", "晓峰", "亚楠",
               "佳慧", "文博", "宏伟"]
TRADE_NAMES = ["鑫源", "海达", "福瑞", "金港", "泰和", "宏远", "瑞丰", "恒信", "广源", "嘉禾", "兴业", "润华",
               "蓝海", "天成", "正元", "德润", "聚福", "永康", "安泰", "信诚", "祥云", "海昌", "昆嵛", "东昇",
               "华盛", "宏达", "裕丰", "博远", "凯瑞", "明华", "启航", "通达", "富康", "乐海", "海韵", "云帆",
               "晟达", "锦程", "鸿运", "怡和", "同泰", "宏图", "瀚海", "百川", "安信", "泓泰", "众诚", "鑫港",
               "华信", "晨光", "新港", "仁和", "益康", "康宁", "星河", "磐石", "立达", "丰源", "昌盛", "万福",
               "开元", "和顺", "德顺", "嘉业", "北辰", "港航", "汇通", "长兴", "金岭", "海润", "隆盛", "鲁东",
               "齐胜"]
PLACES = {  # division -> (name prefixes used in company names, address prefix, roads)
    "370600": (["烟台"], "山东省烟台市莱山区", ["港城东大街", "观海路", "迎春大街", "山海路"]),
    "370602": (["烟台", "烟台市芝罘区"], "山东省烟台市芝罘区", ["南大街", "北马路", "胜利路", "环山路", "只楚路"]),
    "370611": (["烟台", "烟台市福山区"], "山东省烟台市福山区", ["福海路", "永达街", "河滨路", "汇福街"]),
    "370612": (["烟台市牟平区", "烟台"], "山东省烟台市牟平区", ["正阳路", "通海路", "金埠大街", "新城大街"]),
    "370613": (["烟台", "烟台市莱山区"], "山东省烟台市莱山区", ["港城东大街", "观海路", "迎春大街", "秀林路"]),
    "370614": (["烟台市蓬莱区", "蓬莱"], "山东省烟台市蓬莱区", ["钟楼北路", "登州路", "海市路", "北关路"]),
    "370681": (["龙口市", "龙口"], "山东省烟台市龙口市", ["港城大道", "府前东路", "振华路", "环城北路"]),
    "370682": (["莱阳市", "莱阳"], "山东省烟台市莱阳市", ["旌旗路", "富山路", "五龙路", "鹤山路"]),
    "370683": (["莱州市", "莱州"], "山东省烟台市莱州市", ["文化东街", "府前东街", "云峰北路", "文昌路"]),
    "370685": (["招远市", "招远"], "山东省烟台市招远市", ["温泉路", "金晖路", "初山路", "罗峰路"]),
    "370686": (["栖霞市", "栖霞"], "山东省烟台市栖霞市", ["迎宾路", "霞光路", "庄园路", "跃进路"]),
    "370687": (["海阳市", "海阳"], "山东省烟台市海阳市", ["海政路", "向阳路", "龙山街", "海翔路"]),
    "370671": (["烟台开发区", "烟台"], "山东省烟台市经济技术开发区", ["长江路", "黄河路", "天山路", "珠江路"]),
    "370672": (["烟台高新区", "烟台"], "山东省烟台市高新技术产业开发区", ["航天路", "蓝海路", "创业路", "科技大道"]),
    "370634": (["长岛", "烟台长岛"], "山东省烟台市长岛综合试验区", ["乐园大街", "海滨路", "南城路"]),
}
GOLD_DIVISIONS = {"370683", "370685"}  # 莱州 and 招远 are the gold-mining counties

# --- Enterprise kinds per theme ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    suffix: str
    industry: str  # GB/T 4754 section, consistent with the theme
    licences: tuple = ()
    extra_themes: tuple = ()
    divisions: frozenset | None = None  # only in these divisions


KINDS = {
    "catering": [
        Kind("餐饮管理有限公司", "H", ("food_service",)), Kind("酒店管理有限公司", "H", ("food_service",)),
        Kind("海鲜酒楼有限公司", "H", ("food_service",)), Kind("快餐有限公司", "H", ("food_service",)),
        Kind("饭店有限公司", "H", ("food_service",)), Kind("烧烤餐饮有限公司", "H", ("food_service",)),
    ],
    "education": [
        Kind("教育培训学校有限公司", "P", ("school",)), Kind("文化艺术培训学校有限公司", "P", ("school",)),
        Kind("幼儿园有限公司", "P", ("school",)), Kind("教育科技有限公司", "P"),
    ],
    "industry": [
        Kind("机械制造有限公司", "C", ("discharge",)), Kind("化工有限公司", "C", ("discharge", "safety_chem")),
        Kind("食品有限公司", "C", ("food_production",)), Kind("精密铸造有限公司", "C", ("discharge",)),
        Kind("新材料科技有限公司", "C", ("discharge",)), Kind("葡萄酒业有限公司", "C", ("food_production",)),
        Kind("电子科技有限公司", "C"), Kind("汽车零部件有限公司", "C", ("discharge",)),
        Kind("热电有限公司", "D", ("discharge",)),
        Kind("黄金矿业有限公司", "B", ("safety_mine", "discharge"), divisions=frozenset(GOLD_DIVISIONS)),
    ],
    "construction": [
        Kind("建筑工程有限公司", "E", ("construction_safety",)),
        Kind("建设集团有限公司", "E", ("construction_safety",)),
        Kind("建筑安装工程有限公司", "E", ("construction_safety",)),
        Kind("市政工程有限公司", "E", ("construction_safety",)),
        Kind("装饰工程有限公司", "E", ("construction_safety",)),
    ],
    "medical": [
        Kind("医院有限公司", "Q", ("medical_institution",)), Kind("口腔门诊部有限公司", "Q", ("medical_institution",)),
        Kind("中医诊所有限公司", "Q", ("medical_institution",)),
        Kind("健康体检中心有限公司", "Q", ("medical_institution",)),
        Kind("大药房连锁有限公司", "F", ("drug_retail",)), Kind("医药有限公司", "F", ("drug_retail",)),
        Kind("生物制药有限公司", "C", ("drug_production", "discharge"), extra_themes=("industry",)),
    ],
    "transport": [
        Kind("物流有限公司", "G", ("road_transport",)), Kind("汽车运输有限公司", "G", ("road_transport",)),
        Kind("客运有限公司", "G", ("road_transport",)), Kind("冷链物流有限公司", "G", ("road_transport",)),
        Kind("危险货物运输有限公司", "G", ("road_transport",)), Kind("汽车维修服务有限公司", "O"),
    ],
    "culture_tourism": [
        Kind("国际旅行社有限公司", "L", ("travel_agency",)), Kind("旅行社有限公司", "L", ("travel_agency",)),
        Kind("旅游开发有限公司", "N"), Kind("景区管理有限公司", "N"),
        Kind("文化娱乐有限公司", "R", ("entertainment",)), Kind("网咖有限公司", "R", ("internet_cafe",)),
    ],
}
THEME_ORDER = list(KINDS)


def _issuer(department: str, division: str) -> str:
    return agency_name(department, division)


LICENCE_KINDS = {  # kind -> (licence type, issuer(division), number(seq, year, enterprise))
    "food_service": ("食品经营许可证", lambda d: _issuer("market", d), lambda n, y, e: f"JY1{e.division}{n:07d}"),
    "food_production": ("食品生产许可证", lambda d: _issuer("market", CITY_CODE),
                        lambda n, y, e: f"SC10{e.division}{n:06d}"),
    "school": ("办学许可证", lambda d: _issuer("education", d), lambda n, y, e: f"教民1{e.division}7{n:07d}号"),
    "discharge": ("排污许可证", lambda d: _issuer("ecology", CITY_CODE), lambda n, y, e: f"{e.uscc}001P"),
    "safety_chem": ("安全生产许可证", lambda d: "山东省应急管理厅", lambda n, y, e: f"(鲁)WH安许证字[{y}]06{n:04d}"),
    "safety_mine": ("安全生产许可证", lambda d: "山东省应急管理厅", lambda n, y, e: f"(鲁)FM安许证字[{y}]06{n:04d}"),
    "construction_safety": ("建筑施工企业安全生产许可证", lambda d: "山东省住房和城乡建设厅",
                            lambda n, y, e: f"(鲁)JZ安许证字[{y}]06{n:04d}"),
    "medical_institution": ("医疗机构执业许可证", lambda d: _issuer("health", d),
                            lambda n, y, e: f"PDY{n:05d}{e.division}17A1002"),
    "drug_retail": ("药品经营许可证", lambda d: _issuer("market", d), lambda n, y, e: f"鲁CB535{n:04d}"),
    "drug_production": ("药品生产许可证", lambda d: "山东省药品监督管理局", lambda n, y, e: f"鲁{y}{n:04d}"),
    "vet_drug": ("兽药生产许可证", lambda d: "山东省农业农村厅", lambda n, y, e: f"({y})兽药生产证字15{n:03d}号"),
    "road_transport": ("道路运输经营许可证", lambda d: _issuer("transport", d),
                       lambda n, y, e: f"鲁交运管许可烟字{e.division}{n:06d}号"),
    "travel_agency": ("旅行社业务经营许可证", lambda d: _issuer("culture", CITY_CODE),
                      lambda n, y, e: f"L-SD-1{n:05d}"),
    "entertainment": ("娱乐经营许可证", lambda d: _issuer("culture", d), lambda n, y, e: f"{e.division}{n:06d}"),
    "internet_cafe": ("网络文化经营许可证", lambda d: _issuer("culture", d),
                      lambda n, y, e: f"鲁网文[{y}]{n:04d}-001号"),
}


@dataclass
class LicencePlan:
    licence_type: str
    number: str
    issuing_agency: str
    days_left: int  # valid_to relative to the day of seeding


@dataclass
class EnterprisePlan:
    uscc: str
    name: str
    division: str
    industry: str
    themes: list
    legal_representative: str
    address: str
    licences: list = field(default_factory=list)
    grade: str = "B"
    whitelisted: bool = False


# The enterprise of the article's joint visit, and a whitelisted one in the Laizhou pilot.
JINHAI = "烟台金海药业有限公司"
LAIZHOU_STONE = "莱州市华岳石材有限公司"


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


def _days_valid(rng: random.Random) -> int:
    return rng.randint(45, 5 * 365)


def plan_enterprises() -> list[EnterprisePlan]:
    """The 300 demo enterprises, the same on every run (only ``days_left`` is read against today)."""
    rng = random.Random(SEED)
    used_codes, used_names, seq = set(), set(), {}
    divisions = [code for code, _label in DIVISIONS]

    def uscc_for(division):
        while True:
            body = "MA" + "".join(rng.choice(ALPHABET) for _ in range(7)) if rng.random() < 0.7 else \
                "".join(rng.choice(ALPHABET) for _ in range(9))
            code = make_uscc(f"91{division}{body}")
            if code not in used_codes:
                used_codes.add(code)
                return code

    def address(division):
        _names, prefix, roads = PLACES[division]
        return f"{prefix}{rng.choice(roads)}{rng.randint(1, 399)}号"

    def licence(kind_key, plan):
        licence_type, issuer, number = LICENCE_KINDS[kind_key]
        seq[kind_key] = seq.get(kind_key, 0) + 1
        year = rng.randint(2017, 2023)
        return LicencePlan(licence_type, number(seq[kind_key], year, plan), issuer(plan.division), _days_valid(rng))

    plans = []
    specials = [
        (JINHAI, "370611", "C", ["medical", "industry"], ["vet_drug", "discharge"]),
        (LAIZHOU_STONE, "370683", "C", ["industry"], ["discharge"]),
    ]
    for name, division, industry, themes, licence_kinds in specials:
        plan = EnterprisePlan(uscc_for(division), name, division, industry, themes, person_name(rng),
                              address(division), grade="A")
        plan.licences = [licence(k, plan) for k in licence_kinds]
        used_names.add(name)
        plans.append(plan)
    plans[0].licences[1].days_left = 20  # the article's enterprise sees an expiry warning in its portal
    plans[1].whitelisted = True

    for i in range(ENTERPRISE_COUNT - len(specials)):
        division, theme = divisions[i % len(divisions)], THEME_ORDER[i % len(THEME_ORDER)]
        kinds = [k for k in KINDS[theme] if k.divisions is None or division in k.divisions]
        kind = rng.choice(kinds)
        while True:
            name = rng.choice(PLACES[division][0]) + rng.choice(TRADE_NAMES) + kind.suffix
            if name not in used_names:
                used_names.add(name)
                break
        plan = EnterprisePlan(uscc_for(division), name, division, kind.industry, [theme, *kind.extra_themes],
                              person_name(rng), address(division))
        plan.licences = [licence(k, plan) for k in kind.licences]
        plan.grade = rng.choices("ABCD", weights=[35, 50, 11, 4])[0]
        plans.append(plan)

    generated = [lic for plan in plans[len(specials):] for lic in plan.licences]
    picked = rng.sample(range(len(generated)), EXPIRING_COUNT - 1 + EXPIRED_COUNT)
    for index in picked[:EXPIRING_COUNT - 1]:
        generated[index].days_left = rng.randint(1, 30)
    for index in picked[EXPIRING_COUNT - 1:]:
        generated[index].days_left = -rng.randint(3, 60)

    # A few more whitelisted (grade A) enterprises: one more in the Laizhou pilot, one in Fushan, one in Zhifu.
    for division in ("370683", "370611", "370602"):
        candidate = next(p for p in plans[len(specials):] if p.division == division and not p.whitelisted)
        candidate.grade, candidate.whitelisted = "A", True
    return plans


# --- The command ----------------------------------------------------------------------------------------


class _Batch:
    """What the summary audit entry of a bulk insert is about (``audit_record`` needs a label, an id and a
    name; a batch of 300 rows has no single row to name)."""

    _meta = SimpleNamespace(label_lower="enterprises.batch")
    pk = "seed_demo"

    def __str__(self):
        return "seed_demo"


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _display_width(text))


class Command(BaseCommand):
    help = "Build the Yantai demo city (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--credentials", metavar="FILE", help="also write the demo logins to FILE as JSON")
        parser.add_argument("--no-activity", action="store_true",
                            help="only the city, people and enterprises: no demo plans or notifications")

    def handle(self, *args, credentials=None, no_activity=False, **options):
        self.today = timezone.localdate()
        try:
            with transaction.atomic():
                logins = self.seed()
                if not no_activity:
                    self.seed_activity()
        except DomainError as exc:
            raise CommandError(f"seed_demo failed, nothing was written: {exc.message}") from exc
        self.print_logins(logins)
        if credentials:
            path = Path(credentials)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(logins, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            self.stdout.write(f"demo logins written to {path}")

    def seed_activity(self):
        """Plans through the real services, then the daily jobs, so the portals have something to show."""
        from enterprises.licences import licence_expiry_warnings_send
        from plans.demo import demo_activity_seed
        from plans.services import plans_daily_checks

        filed = demo_activity_seed(today=self.today)
        warned = licence_expiry_warnings_send(today=self.today)
        checks = plans_daily_checks(today=self.today)
        self.progress(f"activity: {filed} plans filed, {warned} licence-expiry warnings, "
                      f"{checks['fixed']} visits fixed")

    def progress(self, message: str):
        self.stdout.write(f"· {message}")

    def seed(self) -> list[dict]:
        self._users_created = 0
        counts = catalogue_load(actor=None)
        self.progress("catalogue: {departments} departments, {themes} themes, {matters} matters, "
                      "{checklists} checklists ({created} created, {updated} updated)".format(**counts))
        agencies = self.seed_agencies()
        logins = self.seed_staff(agencies)
        admin = self.ensure_user(username=ADMIN_USERNAME, password=DEMO_PASSWORD, role=User.Role.ADMIN,
                                 full_name="平台管理员")
        logins.insert(0, {"role": "admin", "username": admin.username, "password": DEMO_PASSWORD})
        enterprises = self.seed_enterprises()
        logins += self.seed_enterprise_accounts(enterprises)
        return logins

    # Agencies and people ---------------------------------------------------------------------------------

    def seed_agencies(self) -> dict[str, Agency]:
        departments = {d.code: d for d in Department.objects.all()}
        existing = {a.code: a for a in Agency.objects.all()}
        created = 0
        for division in [CITY_CODE, *DEMO_DISTRICTS]:
            for department in DEPARTMENT_ORDER:
                code = agency_code(department, division)
                if code in existing:
                    continue
                parent = existing.get(agency_code(department, CITY_CODE)) if division != CITY_CODE else None
                existing[code] = agency_create(
                    actor=None, code=code, name=agency_name(department, division),
                    department=departments[department],
                    level=Agency.Level.CITY if division == CITY_CODE else Agency.Level.DISTRICT,
                    division=division, parent=parent,
                    is_justice_bureau=department == "justice",
                )
                created += 1
        self.progress(f"agencies: {len(existing)} ({created} created), a justice bureau in each of "
                      f"{1 + len(DEMO_DISTRICTS)} divisions")
        return existing

    def ensure_user(self, **kwargs) -> User:
        user = User.objects.filter(username=kwargs["username"]).first()
        if user is None:
            user = user_create(actor=None, **kwargs)
            self._users_created += 1
        return user

    def seed_staff(self, agencies: dict[str, Agency]) -> list[dict]:
        """Two or three certified officers per enforcement agency and two staff per justice bureau. Only the
        named demo accounts get a password; the others exist to be picked for joint tasks."""
        rng = random.Random(f"{SEED}-people")
        certificate_seq: dict[str, int] = {}
        officers, justice, logins = [], [], []
        for division in [CITY_CODE, *DEMO_DISTRICTS]:
            for department in DEPARTMENT_ORDER:
                agency = agencies[agency_code(department, division)]
                size = 2 if agency.is_justice_bureau else rng.choice([2, 3])
                for position in range(1, size + 1):
                    full_name = person_name(rng)
                    year = rng.randint(2018, 2024)
                    if agency.is_justice_bureau:
                        username = DEMO_JUSTICE.get(agency.code) if position == 1 else None
                        role, certificate = User.Role.JUSTICE, ""
                    else:
                        username = DEMO_OFFICERS.get((agency.code, position))
                        role = User.Role.OFFICER
                        certificate_seq[division] = certificate_seq.get(division, 0) + 1
                        certificate = f"{division}{year}{certificate_seq[division]:04d}"
                    password = DEMO_PASSWORD if username else None
                    user = self.ensure_user(username=username or f"{agency.code}-{position}", password=password,
                                            role=role, full_name=full_name, agency=agency,
                                            certificate_number=certificate)
                    (justice if agency.is_justice_bureau else officers).append(user)
                    if username:
                        logins.append({"role": role.value, "username": username, "password": DEMO_PASSWORD,
                                       "agency": agency.code})
        self.progress(f"officers: {len(officers)}, justice bureau staff: {len(justice)} "
                      f"({self._users_created} accounts created)")
        # Justice logins first (city bureau, then districts), officers in the order of DEMO_OFFICERS.
        order = [*DEMO_JUSTICE.values(), *DEMO_OFFICERS.values()]
        return sorted(logins, key=lambda login: order.index(login["username"]))

    # Enterprises -----------------------------------------------------------------------------------------

    def _clean(self, obj, **kwargs):
        try:
            obj.full_clean(**kwargs)
        except ValidationError as exc:
            raise domain_error_from_validation(exc) from exc

    def seed_enterprises(self) -> dict[str, Enterprise]:
        """Bulk-inserts what is missing (enterprises, their themes, licences, credit profiles), each row
        validated with full_clean first, and writes one audit entry summarising the batch."""
        plans = plan_enterprises()
        themes = {t.code: t for t in Theme.objects.all()}
        usccs = [p.uscc for p in plans]
        existing = set(Enterprise.objects.filter(uscc__in=usccs).values_list("uscc", flat=True))

        new = []
        for plan in plans:
            if plan.uscc in existing:
                continue
            enterprise = Enterprise(uscc=plan.uscc, name=plan.name, division=plan.division, industry=plan.industry,
                                    legal_representative=plan.legal_representative, address=plan.address)
            self._clean(enterprise, validate_unique=False)  # uniqueness: filtered above
            new.append(enterprise)
        Enterprise.objects.bulk_create(new)
        enterprises = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=usccs)}
        new_usccs = {e.uscc for e in new}

        through = Enterprise.themes.through
        through.objects.bulk_create(
            [through(enterprise_id=enterprises[p.uscc].pk, theme_id=themes[code].pk)
             for p in plans if p.uscc in new_usccs for code in p.themes],
            ignore_conflicts=True,
        )

        have_licence = set(Licence.objects.filter(enterprise__uscc__in=usccs)
                           .values_list("enterprise_id", "licence_type", "number"))
        licences = []
        for plan in plans:
            enterprise = enterprises[plan.uscc]
            for lic in plan.licences:
                if (enterprise.pk, lic.licence_type, lic.number) in have_licence:
                    continue
                valid_to = self.today + datetime.timedelta(days=lic.days_left)
                licence = Licence(enterprise=enterprise, licence_type=lic.licence_type, number=lic.number,
                                  issuing_agency=lic.issuing_agency, valid_to=valid_to,
                                  valid_from=valid_to - datetime.timedelta(days=5 * 365))
                self._clean(licence, validate_constraints=False)
                licences.append(licence)
        Licence.objects.bulk_create(licences)

        have_profile = set(CreditProfile.objects.filter(enterprise__uscc__in=usccs)
                           .values_list("enterprise_id", flat=True))
        profiles = []
        for plan in plans:
            enterprise = enterprises[plan.uscc]
            if enterprise.pk in have_profile:
                continue
            profile = CreditProfile(enterprise=enterprise, grade=plan.grade, whitelisted=plan.whitelisted,
                                    whitelisted_since=self.today - datetime.timedelta(days=180)
                                    if plan.whitelisted else None)
            self._clean(profile, validate_unique=False)
            profiles.append(profile)
        CreditProfile.objects.bulk_create(profiles)

        expiring = sum(1 for lic in licences if 0 <= (lic.valid_to - self.today).days <= 30)
        expired = sum(1 for lic in licences if lic.valid_to < self.today)
        whitelisted = [p.enterprise.uscc for p in profiles if p.whitelisted]
        if new or licences or profiles:
            audit_record(actor=None, action="enterprise.seed_batch", obj=_Batch(), details={
                "seed": SEED, "enterprises": len(new), "licences": len(licences), "credit_profiles": len(profiles),
                "licences_expiring_within_30_days": expiring, "licences_expired": expired,
                "whitelisted": whitelisted,
            })
        self.progress(f"enterprises: {len(enterprises)} ({len(new)} created) in {len({p.division for p in plans})} "
                      f"divisions and {len({t for p in plans for t in p.themes})} themes")
        self.progress(f"licences: {len(licences)} created ({expiring} expiring within 30 days, {expired} expired)")
        self.progress(f"credit profiles: {len(profiles)} created ({len(whitelisted)} whitelisted)")
        return enterprises

    def seed_enterprise_accounts(self, enterprises: dict[str, Enterprise]) -> list[dict]:
        by_name = {e.name: e for e in enterprises.values()}
        rng = random.Random(f"{SEED}-enterprise-accounts")
        logins = []
        for username, enterprise in (("enterprise", by_name[JINHAI]), ("enterprise2", by_name[LAIZHOU_STONE])):
            user = self.ensure_user(username=username, password=DEMO_PASSWORD, role=User.Role.ENTERPRISE,
                                    full_name=person_name(rng))
            if not EnterpriseAccount.objects.filter(user=user).exists():
                enterprise_account_link(actor=None, user=user, enterprise=enterprise)
            logins.append({"role": "enterprise", "username": username, "password": DEMO_PASSWORD,
                           "enterprise": enterprise.uscc})
        self.progress(f"enterprise accounts: {', '.join(login['username'] for login in logins)}")
        return logins

    # Output ----------------------------------------------------------------------------------------------

    def print_logins(self, logins: list[dict]):
        names = dict(Agency.objects.values_list("code", "name"))
        names.update(Enterprise.objects.filter(uscc__in=[x["enterprise"] for x in logins if "enterprise" in x])
                     .values_list("uscc", "name"))
        rows = [("role", "username", "password", "agency / enterprise")]
        for login in logins:
            key = login.get("agency") or login.get("enterprise") or ""
            rows.append((login["role"], login["username"], login["password"],
                         f"{names.get(key, '')} ({key})" if key else "—"))
        widths = [max(_display_width(row[i]) for row in rows) for i in range(4)]
        self.stdout.write("")
        self.stdout.write("Demo logins:")
        for index, row in enumerate(rows):
            self.stdout.write("  " + "  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
            if index == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))
