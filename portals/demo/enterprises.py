"""The demo city's 300 enterprises, the same on every run: names, places, kinds per theme, licences, credit."""

import random
from dataclasses import dataclass, field

from accounts.divisions import CITY_CODE, DIVISIONS
from enterprises.uscc import ALPHABET, make_uscc

from .agencies import agency_name

SEED = 2026
ENTERPRISE_COUNT = 300
EXPIRING_COUNT = 20  # licences expiring within the warning month (资质临期预警), the enterprise's own included
EXPIRED_COUNT = 4

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
