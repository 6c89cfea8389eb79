"""The demo city's agencies and justice bureaus: how each is named in each division, and the demo logins."""

from accounts.divisions import CITY_CODE

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
# 检查审批: the head (负责人) of the city market regulator, who approves its officers' plans (``plans.approval``).
DEMO_HEADS = {"370600-market": ("head_market", "刘振华")}
DEMO_JUSTICE = {"370600-justice": "justice", "370611-justice": "justice_fushan", "370683-justice": "justice_laizhou"}
ADMIN_USERNAME = "admin"
