"""A Yantai-sized data set (issue 8), built with COPY, reproducible from a seed.

The shape of the real city: the city and its 14 districts, county-level cities and zones
(``accounts.divisions``), ~1,000 agencies (for every department of the catalogue a bureau with its
detachments and stations, at city level and in every division, plus one justice bureau per division),
10,000 certified officers, 930,000 enterprises with valid credit codes, ~2 M licences, a credit profile
each (grades, ~6.6 % whitelisted), and a year of 1,000,000 plans: 9 months in the past, 3 months ahead,
seasonal, over the seven themes and the divisions, ~71 % served jointly (on a visit shared with another
agency), ~3 % green-channel with their review after the fact, whitelist plans pending, approved and rejected,
withdrawn plans; their visits (done in the past, fixed for the next days, scheduled further ahead),
invitations of the theme leads, plan officers and matters, check-ins, on-site records (signed for past
visits, a few awaiting the signature), record items, findings in every rectification state with their
rectifications, signatures, enterprise accounts (with the guardian object permission) for every enterprise
that signed a record and a tenth of the others, notifications and audit entries.

Complaints, satisfaction ratings and random draws have no models yet: they are not generated.

Every big table is loaded with COPY, with the foreign-key triggers off (``session_replication_role =
replica``: the generator keeps the references right) and the secondary indexes dropped during the load and
recreated after it, then ANALYZE. The database name must contain "bench"; it is created and migrated when
missing, and an already populated database is refused unless ``--rebuild`` (drop and recreate it):

    .venv/bin/python bench/city.py                      # postgres://postgres@127.0.0.1:5432/yantai_bench_city
    .venv/bin/python bench/city.py --rebuild --seed 8
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yantai_bench_small \\
        .venv/bin/python bench/city.py --scale 0.05    # 46,500 enterprises, 50,000 plans: a smoke run

The reference day ("today" of the data set, default: the real local date) and the seed are kept in the
table ``bench_city_meta``, with the row counts and the build time; bench/loadtest.py reads them.
Every officer, justice-bureau and enterprise user has the password ``--password`` (default
``bench-city-2026``), hashed once.
"""

import argparse
import bisect
import datetime as dt
import hashlib
import io
import itertools
import json
import os
import random
import resource
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/yantai_bench_city"
DEFAULT_PASSWORD = "bench-city-2026"
FLUSH_ROWS = 50_000

# Enterprises by division (weights: the urban districts and the development area hold the most).
DIVISION_WEIGHTS = {
    "370602": 14, "370611": 7, "370612": 5, "370613": 8, "370614": 7, "370681": 9, "370682": 7, "370683": 9,
    "370685": 6, "370686": 5, "370687": 5, "370671": 10, "370672": 4, "370634": 1,
}
INDUSTRY_WEIGHTS = {"A": 4, "B": 1, "C": 16, "D": 1, "E": 8, "F": 30, "G": 5, "H": 10, "I": 3, "J": 1, "K": 2,
                    "L": 6, "M": 2, "N": 1, "O": 5, "P": 2, "Q": 2, "R": 1}
THEME_OF_INDUSTRY = {"H": "catering", "P": "education", "C": "industry", "E": "construction", "Q": "medical",
                     "G": "transport", "R": "culture_tourism"}
# Under each bureau: its detachments and stations (the market regulator has a station per township).
UNITS = {"market": ["市场监管执法大队"] + [f"第{i}市场监管所" for i in range(1, 16)],
         "ecology": ["生态环境保护综合执法大队", "环境监察一中队", "环境监察二中队"],
         "emergency": ["应急管理综合执法大队", "危化品监管中队", "工贸监管中队", "非煤矿山监管中队"],
         "agriculture": ["农业综合行政执法大队", "渔政中队", "动物卫生监督所"],
         "health": ["卫生健康综合监督执法局", "公共场所卫生中队", "医疗卫生中队"],
         "education": ["教育督导室", "校外培训监管科"],
         "housing": ["城乡建设综合执法大队", "建筑市场监管中队", "物业监管中队"],
         "transport": ["交通运输综合执法大队", "道路运政中队", "港航中队"],
         "culture": ["文化市场综合执法大队", "旅游市场中队"],
         "fire": ["防火监督科", "第一消防救援站", "第二消防救援站", "第三消防救援站", "第四消防救援站",
                  "第五消防救援站"],
         "hrss": ["劳动保障监察大队", "劳动保障监察中队"],
         "urban": ["城市管理综合执法大队", "第一执法中队", "第二执法中队", "第三执法中队", "第四执法中队", "市容中队"]}
LICENCE_TYPES = [("食品经营许可证", 30), ("排污许可证", 8), ("安全生产许可证", 8), ("建筑业企业资质证书", 6),
                 ("道路运输经营许可证", 6), ("医疗机构执业许可证", 3), ("公共场所卫生许可证", 8), ("药品经营许可证", 5),
                 ("娱乐经营许可证", 2), ("旅行社业务经营许可证", 1), ("危险化学品经营许可证", 3),
                 ("特种设备使用登记证", 12), ("民办学校办学许可证", 1)]
LICENCES_PER_ENTERPRISE = ((0, 1, 2, 3, 4), (5, 25, 30, 25, 15))
GRADES = (("A", "B", "C", "D"), (30, 55, 12, 3))
WHITELIST_SHARE_OF_A = 0.22
# Plans by visit month (a seasonal year: the Spring Festival trough, the spring and autumn campaigns) and the
# themes' own seasons.
MONTH_WEIGHTS = {1: 8, 2: 5, 3: 9, 4: 9, 5: 9, 6: 10, 7: 8, 8: 8, 9: 9, 10: 7, 11: 10, 12: 8}
THEME_SEASON = {"culture_tourism": {7: 2.5, 8: 2.5, 5: 1.5, 10: 1.5}, "education": {8: 2.5, 9: 2.5, 2: 1.5},
                "catering": {1: 1.6, 9: 1.4, 12: 1.4}, "construction": {3: 1.5, 4: 1.5, 11: 0.6, 12: 0.5},
                "transport": {1: 1.5, 10: 1.5}}
DAYS_BEFORE, DAYS_AFTER = 274, 90  # the year of visits: 9 months back, 3 months ahead of "today"
# Shares of the 1,000,000 plans.
URGENT_SHARE = 0.03
WITHDRAWN_SHARE, REJECTED_SHARE, PENDING_SHARE = 0.015, 0.005, 0.003
JOINT_SHARE = 0.71
JOINT_SIZES = ((2, 3, 4, 5, 6), (45, 30, 15, 7, 3))
THEMED_JOINT_SHARE = 0.5
CITY_AGENCY_SHARE = 0.15
WHITELIST_SOLO_SHARE = 0.06  # of the solo visits: approved plans on whitelisted enterprises
FINDING_RECORD_SHARE = 0.12
ENTERPRISE_ACCOUNT_SHARE = 0.10  # of the enterprises that never signed a record

WORDS = ["海洋", "金港", "鲁东", "蓬莱", "芝罘", "福山", "龙口", "莱州", "招远", "栖霞", "海阳", "黄渤海", "仙境",
         "滨海", "东方", "华信", "恒通", "宏达", "鑫源", "瑞丰", "万华", "胶东", "渤海", "半岛", "山海"]
TRADES = ["食品", "机械", "贸易", "建筑", "医药", "物流", "文化旅游", "电子", "化工", "餐饮管理", "水产", "果业",
          "葡萄酒", "黄金", "汽车零部件", "新材料", "教育咨询", "酒店管理", "装饰工程", "运输"]
FORMS = ["有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司", "个体工商户", "合作社"]
BRAND = ("嘉禾瑞祥泰安康宁福寿恒昌隆盛兴旺达通顺利和谐美佳华中国际鼎鑫源汇聚丰益博远航天宇星辰光明正德仁义礼智信"
         "诚勤俭朴素雅静清新秀丽芳菲雪梅兰竹菊松柏杉桦枫桐槐杨柳桃李杏梨枣橙柚莓葵荷莲蓉芙茗茶酩醇香甜蜜糖果"
         "晶玉珠琳琅璟瑜瑾琛璞玺珍宝金银铜铁锦绣纺织绸缎棉麻丝帛彩虹霞晖曦晨暮岚峰岭峦岩磐石泉溪涧潭湖江河海")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红玲建国志明海燕"

STEPS: list[tuple[str, float]] = []


@contextmanager
def step(label: str):
    print(f"== {label} ...", flush=True)
    started = time.perf_counter()
    yield
    seconds = time.perf_counter() - started
    STEPS.append((label, seconds))
    print(f"   {label}: {seconds:.1f} s (load average {os.getloadavg()[0]:.2f})", flush=True)


# -- database -------------------------------------------------------------------------------------------------


def prepare_database(url: str, *, rebuild: bool) -> None:
    import dj_database_url

    db = dj_database_url.parse(url)
    if not db["ENGINE"].endswith("postgresql"):
        sys.exit("bench/city.py loads PostgreSQL only (COPY); set DATABASE_URL to a postgres:// URL")
    if "bench" not in str(db["NAME"]):
        sys.exit(f"refusing to build into {db['NAME']!r}: a bench database name must contain 'bench'")
    where = ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"] or "postgres"]
    env = {**os.environ, **({"PGPASSWORD": db["PASSWORD"]} if db.get("PASSWORD") else {})}
    if rebuild:
        done = subprocess.run(["dropdb", *where, "--if-exists", "--force", db["NAME"]], capture_output=True,
                              text=True, env=env)
        if done.returncode:
            sys.exit(f"dropdb failed: {done.stderr.strip()}")
    done = subprocess.run(["createdb", *where, db["NAME"]], capture_output=True, text=True, env=env)
    if done.returncode and "already exists" not in done.stderr:
        sys.exit(f"createdb failed: {done.stderr.strip()}")
    print(f"database {db['NAME']}: {'created' if done.returncode == 0 else 'exists'}")


def sql(statement: str, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


def refuse_if_populated() -> None:
    from enterprises.models import Enterprise

    meta = sql("SELECT to_regclass('bench_city_meta')")[0][0]
    if meta:
        row = sql("SELECT seed, today, built_at FROM bench_city_meta ORDER BY built_at DESC LIMIT 1")
        if row:  # done already: not an error (``make bench`` runs every script), nothing is touched
            print(f"this database already holds a city (seed {row[0][0]}, today {row[0][1]}, built "
                  f"{row[0][2]:%Y-%m-%d %H:%M}): nothing to do; pass --rebuild to drop and rebuild it")
            sys.exit(0)
    if Enterprise.objects.exists():
        sys.exit("this database already holds enterprises (an unfinished build?); pass --rebuild")


BIG_TABLES = [
    "accounts_user", "accounts_apitoken", "guardian_userobjectpermission", "enterprises_enterprise",
    "enterprises_enterprise_themes", "enterprises_enterpriseaccount", "enterprises_licence",
    "enterprises_busyperiod", "credit_creditprofile", "plans_jointtask", "plans_plan", "plans_plan_officers",
    "plans_plan_matters", "plans_invitation", "inspections_checkin", "inspections_inspectionrecord",
    "inspections_recorditem", "inspections_finding", "inspections_signature", "inspections_rectification",
    "notifications_notification", "audit_auditentry",
]


def drop_secondary_indexes() -> list[str]:
    """Drop the indexes that back no constraint (primary keys and unique constraints stay) and return their
    definitions; they are rebuilt once after the load, which is much faster than maintaining them row by row."""
    rows = sql(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
           WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.indexname))::regclass)""",
        [BIG_TABLES],
    )
    for name, _definition in rows:
        sql(f'DROP INDEX "{name}"')
    return [definition for _name, definition in rows]


class Copier:
    """Rows buffered per table as COPY text and sent every FLUSH_ROWS rows."""

    def __init__(self):
        self.columns: dict[str, list[str]] = {}
        self.buffers: dict[str, list[str]] = {}
        self.counts: dict[str, int] = {}
        self.extra: dict[str, tuple] = {}

    def table(self, name: str, columns: list[str]) -> None:
        extra = self.defaults(name, columns)
        self.columns[name], self.buffers[name], self.counts[name] = columns + [c for c, _ in extra], [], 0
        self.extra[name] = tuple(value for _, value in extra)

    @staticmethod
    def defaults(name: str, columns: list[str]) -> list[tuple[str, object]]:
        """The columns the generator does not name, with their model's default: a field added by a later migration
        (a flag, a counter) needs no change here. A NOT NULL column without a default is an error that names it."""
        from django.apps import apps
        from django.db.models.fields import NOT_PROVIDED

        model = next((m for m in apps.get_models(include_auto_created=True) if m._meta.db_table == name), None)
        if model is None:
            return []
        extra = []
        for field in model._meta.concrete_fields:
            if field.column in columns or field.primary_key:  # the key's sequence fills it
                continue
            if field.default is not NOT_PROVIDED:
                # A callable default (a token, a timestamp) is called for every row, as the ORM would.
                extra.append((field.column, field.default))
            elif not field.null and field.empty_strings_allowed:  # a text field without a default: "" as the ORM
                extra.append((field.column, ""))
            elif not field.null:
                raise SystemExit(f"bench/city.py: {name}.{field.column} is NOT NULL with no default: generate it")
        return extra

    def add(self, name: str, *values) -> None:
        buffer = self.buffers[name]
        if self.extra[name]:
            values = values + tuple(copy_value(d() if callable(d) else d) for d in self.extra[name])
        # str() of None is "None", which no generated value contains: one replace makes it COPY's NULL.
        buffer.append("\t".join(map(str, values)).replace("None", "\\N"))
        if len(buffer) >= FLUSH_ROWS:
            self.flush(name)

    def flush(self, name: str) -> None:
        from django.db import connection

        buffer = self.buffers[name]
        if not buffer:
            return
        data = io.StringIO("\n".join(buffer) + "\n")
        columns = ", ".join(f'"{column}"' for column in self.columns[name])  # "end" is a keyword
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f"COPY {name} ({columns}) FROM STDIN", data)
        self.counts[name] += len(buffer)
        buffer.clear()

    def flush_all(self) -> None:
        for name in self.buffers:
            self.flush(name)


def copy_value(value):
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value


def ts(day: dt.date, hour: int = 9, minute: int = 0) -> str:
    return f"{day.isoformat()} {hour:02d}:{minute:02d}:00+08"


def fake_hash(*parts) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def jsonb(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# -- the city -------------------------------------------------------------------------------------------------


class City:
    def __init__(self, *, seed: int, today: dt.date, scale: float, password_hash: str):
        self.rng = random.Random(seed)
        self.seed, self.today, self.scale, self.password_hash = seed, today, scale, password_hash
        self.copy = Copier()
        self.now = ts(today, 8)
        self.next_id: dict[str, int] = {}

    def new_id(self, table: str) -> int:
        if table not in self.next_id:
            self.next_id[table] = (sql(f"SELECT COALESCE(MAX(id), 0) FROM {table}")[0][0]) + 1
        value = self.next_id[table]
        self.next_id[table] += 1
        return value

    # reference data ------------------------------------------------------------------------------------------

    def catalogue(self) -> None:
        from django.core.management import call_command

        from accounts.models import Department
        from catalogue.models import Matter, Theme

        call_command("load_catalogue", verbosity=0)
        self.departments = {d.code: d.pk for d in Department.objects.all()}
        self.department_code = {pk: code for code, pk in self.departments.items()}
        self.themes = {}
        for theme in Theme.objects.prefetch_related("participating_departments"):
            self.themes[theme.code] = (theme.pk, theme.lead_department_id,
                                       [d.pk for d in theme.participating_departments.all()])
        self.matters: dict[int, list[tuple[int, str]]] = {}
        for matter in Matter.objects.filter(active=True).order_by("code"):
            self.matters.setdefault(matter.department_id, []).append((matter.pk, matter.code))
        print(f"   {len(self.departments)} departments, {len(self.themes)} themes, "
              f"{sum(len(m) for m in self.matters.values())} matters")

    def agencies_and_staff(self) -> None:
        from accounts.divisions import CITY_CODE, DIVISIONS

        names = {code: str(label) for code, label in DIVISIONS}
        local = {"370600": "烟台市", "370602": "芝罘区", "370611": "福山区", "370612": "牟平区", "370613": "莱山区",
                 "370614": "蓬莱区", "370681": "龙口市", "370682": "莱阳市", "370683": "莱州市", "370685": "招远市",
                 "370686": "栖霞市", "370687": "海阳市", "370671": "烟台经济技术开发区", "370672": "烟台高新区",
                 "370634": "长岛综合试验区"}
        department_names = dict(sql("SELECT code, name FROM accounts_department"))
        c = self.copy
        c.table("accounts_agency", ["id", "code", "name", "department_id", "level", "division", "parent_id",
                                    "is_justice_bureau", "active", "inspection_authority"])
        self.agencies: dict[int, tuple[str, int]] = {}  # id -> (division, department id)
        self.agencies_of: dict[tuple[str, int], list[int]] = {}  # (division, department) -> ids
        self.justice_of: dict[str, int] = {}
        for division in names:
            level = "city" if division == CITY_CODE else "district"
            for code, department_id in self.departments.items():
                bureau = self.new_id("accounts_agency")
                prefix = local[division]
                if code == "justice":
                    c.add("accounts_agency", bureau, f"{division}-justice", f"{prefix}司法局", department_id, level,
                          division, None, True, True, True)
                    self.justice_of[division] = bureau
                    continue
                c.add("accounts_agency", bureau, f"{division}-{code}", f"{prefix}{department_names[code]}",
                      department_id, level, division, None, False, True, True)
                ids = [bureau]
                for k, unit in enumerate(UNITS.get(code, [])):
                    agency_id = self.new_id("accounts_agency")
                    c.add("accounts_agency", agency_id, f"{division}-{code}-{k + 1}",
                          f"{prefix}{department_names[code]}{unit}", department_id, level, division, bureau, False,
                          True, True)
                    ids.append(agency_id)
                for agency_id in ids:
                    self.agencies[agency_id] = (division, department_id)
                self.agencies_of[division, department_id] = ids
        c.flush("accounts_agency")

        # 10,000 officers: ~10 per agency, a few more in the bureaus; 5 staff per justice bureau; one admin.
        c.table("accounts_user", ["id", "password", "last_login", "is_superuser", "username", "first_name",
                                  "last_name", "email", "is_staff", "is_active", "date_joined", "role", "full_name",
                                  "agency_id", "certificate_number", "phone", "certificate_issuer",
                                  "certificate_valid_from", "certificate_valid_until"])
        target = max(2 * len(self.agencies), round(10_000 * max(self.scale, 0.1)))
        per_agency = dict.fromkeys(self.agencies, 2)
        agency_ids = list(self.agencies)
        bureaus = [ids[0] for ids in self.agencies_of.values()]
        spare = target - 2 * len(agency_ids)
        for agency_id in self.rng.choices(agency_ids + bureaus * 3, k=spare):
            per_agency[agency_id] += 1
        self.officers: dict[int, list[int]] = {}
        self.officer_names: dict[int, str] = {}
        rng = self.rng
        for agency_id in agency_ids:
            for k in range(per_agency[agency_id]):
                uid = self.new_id("accounts_user")
                username = f"o{agency_id:04d}-{k:02d}"
                full = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
                c.add("accounts_user", uid, self.password_hash, None, False, username, "", "", "", False, True,
                      self.now, "officer", full, agency_id, f"37{agency_id:04d}{k:03d}{uid % 97:02d}",
                      f"1{rng.randint(3000000000, 9999999999)}", "山东省人民政府", "2024-01-01", "2029-12-31")
                self.officers.setdefault(agency_id, []).append(uid)
                self.officer_names[uid] = username
        self.justice_staff: dict[str, list[int]] = {}
        for division, bureau in self.justice_of.items():
            for k in range(5):
                uid = self.new_id("accounts_user")
                c.add("accounts_user", uid, self.password_hash, None, False, f"j{division}-{k}", "", "", "", False,
                      True, self.now, "justice", rng.choice(SURNAMES) + rng.choice(GIVEN), bureau, "", "", "", None,
                      None)
                self.justice_staff.setdefault(division, []).append(uid)
        admin = self.new_id("accounts_user")
        c.add("accounts_user", admin, self.password_hash, None, True, "bench-admin", "", "", "", True, True,
              self.now, "admin", "平台管理员", None, "", "", "", None, None)
        c.flush("accounts_user")
        print(f"   {len(self.agencies) + len(self.justice_of):,} agencies ({len(self.justice_of)} justice bureaus), "
              f"{sum(len(v) for v in self.officers.values()):,} officers, "
              f"{sum(len(v) for v in self.justice_staff.values())} justice staff, 1 admin")

    # enterprises ---------------------------------------------------------------------------------------------

    def enterprises(self, total: int) -> None:
        from enterprises.uscc import make_uscc

        rng = self.rng
        c = self.copy
        c.table("enterprises_enterprise", ["id", "uscc", "name", "legal_representative", "address", "division",
                                           "industry", "created_at", "updated_at"])
        c.table("enterprises_enterprise_themes", ["enterprise_id", "theme_id"])
        c.table("credit_creditprofile", ["id", "enterprise_id", "grade", "whitelisted", "whitelisted_since",
                                         "updated_at"])
        c.table("enterprises_licence", ["id", "enterprise_id", "licence_type", "number", "issuing_agency",
                                        "valid_from", "valid_to"])
        divisions, dweights = list(DIVISION_WEIGHTS), list(DIVISION_WEIGHTS.values())
        industries, iweights = list(INDUSTRY_WEIGHTS), list(INDUSTRY_WEIGHTS.values())
        licence_types = [t for t, _w in LICENCE_TYPES]
        self.enterprises_in: dict[str, list[int]] = {d: [] for d in divisions}
        self.themed_in: dict[tuple[str, str], list[int]] = {}
        self.whitelisted: set[int] = set()
        self.uscc: dict[int, str] = {}
        self.division_of: dict[int, str] = {}
        division_draw = rng.choices(divisions, weights=dweights, k=total)
        industry_draw = rng.choices(industries, weights=iweights, k=total)
        licence_draw = rng.choices(LICENCES_PER_ENTERPRISE[0], weights=LICENCES_PER_ENTERPRISE[1], k=total)
        grade_draw = rng.choices(GRADES[0], weights=GRADES[1], k=total)
        today = self.today
        for n in range(total):
            eid = self.new_id("enterprises_enterprise")
            division, industry = division_draw[n], industry_draw[n]
            uscc = make_uscc(f"91{division}{n:09d}")
            name = (f"烟台{rng.choice(BRAND)}{rng.choice(BRAND)}{rng.choice(WORDS)}{rng.choice(TRADES)}"
                    f"{rng.choice(FORMS)}")
            created = ts(today - dt.timedelta(days=rng.randint(300, 4000)))
            c.add("enterprises_enterprise", eid, uscc, name, rng.choice(SURNAMES) + rng.choice(GIVEN),
                  f"山东省烟台市{rng.choice(WORDS)}路{rng.randint(1, 999)}号", division, industry, created, created)
            self.enterprises_in[division].append(eid)
            self.uscc[eid], self.division_of[eid] = uscc, division
            theme = THEME_OF_INDUSTRY.get(industry)
            if theme and rng.random() < 0.8:
                c.add("enterprises_enterprise_themes", eid, self.themes[theme][0])
                self.themed_in.setdefault((division, theme), []).append(eid)
            grade = grade_draw[n]
            whitelisted = grade == "A" and rng.random() < WHITELIST_SHARE_OF_A
            if whitelisted:
                self.whitelisted.add(eid)
            c.add("credit_creditprofile", self.new_id("credit_creditprofile"), eid, grade, whitelisted,
                  (today - dt.timedelta(days=rng.randint(30, 900))).isoformat() if whitelisted else None, self.now)
            for k, licence_type in enumerate(rng.sample(licence_types, licence_draw[n]) if licence_draw[n] else ()):
                valid_to = today + dt.timedelta(days=rng.randint(-120, 1200))
                valid_from = valid_to - dt.timedelta(days=365 * rng.randint(3, 5))
                c.add("enterprises_licence", self.new_id("enterprises_licence"), eid, licence_type,
                      f"JY{division}{n:08d}{k}", "烟台市行政审批服务局", valid_from.isoformat(), valid_to.isoformat())
            if (n + 1) % 200_000 == 0:
                print(f"   {n + 1:,} / {total:,} enterprises", flush=True)
        c.flush_all()
        print(f"   {total:,} enterprises, {c.counts['enterprises_licence']:,} licences, "
              f"{len(self.whitelisted):,} whitelisted, {c.counts['enterprises_enterprise_themes']:,} theme links")

    # plans and visits ----------------------------------------------------------------------------------------

    def _visit_days(self):
        """Workdays of the year (routine visits) and every day (green channel), weighted by season."""
        from plans.workdays import default_calendar

        calendar = default_calendar()
        start = self.today - dt.timedelta(days=DAYS_BEFORE)
        days = [start + dt.timedelta(days=k) for k in range(DAYS_BEFORE + DAYS_AFTER + 1)]
        self.workdays = [d for d in days if calendar.is_workday(d)]
        self.alldays = days

        def cumulative(pool, theme=None):
            weights = [MONTH_WEIGHTS[d.month] * THEME_SEASON.get(theme, {}).get(d.month, 1.0) for d in pool]
            return list(itertools.accumulate(weights))

        self.day_cum = {None: cumulative(self.workdays)}
        for theme in self.themes:
            self.day_cum[theme] = cumulative(self.workdays, theme)
        self.pastdays = [d for d in days if d <= self.today]  # a green-channel visit is entered when it happens
        self.urgent_cum = cumulative(self.pastdays)

    def _day(self, theme=None) -> dt.date:
        cum = self.day_cum[theme]
        return self.workdays[bisect.bisect(cum, self.rng.random() * cum[-1])]

    def _agency(self, division: str, department_id: int) -> int:
        if self.rng.random() < CITY_AGENCY_SHARE:
            division = "370600"
        return self.rng.choice(self.agencies_of[division, department_id])

    def plans(self, total: int) -> None:
        rng = self.rng
        c = self.copy
        c.table("plans_jointtask", ["id", "enterprise_id", "visit_date", "status", "fixed", "fixed_at", "urgent",
                                    "lead_agency_id", "theme_id", "created_at", "updated_at", "n_plans",
                                    "n_agencies", "division"])
        c.table("plans_plan", ["id", "agency_id", "filed_by_id", "enterprise_id", "theme_id", "window_start",
                               "window_end", "filed_at", "filed_on", "campaign", "urgent", "urgent_category",
                               "urgent_reason", "status", "review_note", "reviewed_by_id", "reviewed_at",
                               "post_review", "post_review_note", "post_reviewed_by_id", "post_reviewed_at",
                               "joint_task_id", "invitation_id", "ahead_from", "withdrawn_at"])
        c.table("plans_plan_officers", ["plan_id", "user_id"])
        c.table("plans_plan_matters", ["plan_id", "matter_id"])
        c.table("plans_invitation", ["id", "lead_plan_id", "agency_id", "deadline", "status", "reminded_at",
                                     "created_at"])
        c.table("inspections_checkin", ["id", "task_id", "officer_id", "at", "latitude", "longitude", "accepted",
                                        "refusal", "token_fingerprint"])
        c.table("inspections_inspectionrecord", ["id", "task_id", "status", "summary", "started_at", "finalised_at",
                                                 "finalised_by_id", "content_hash", "pdf_path", "pdf_generated_at"])
        c.table("inspections_recorditem", ["id", "record_id", "matter_id", "result", "note", "updated_by_id",
                                           "updated_at"])
        c.table("inspections_finding", ["id", "record_id", "item_id", "enterprise_id", "matter_id", "agency_id",
                                        "description", "severity", "deadline", "status", "recheck_plan_id",
                                        "overdue_flagged_on", "closed_at", "created_at"])
        c.table("inspections_rectification", ["id", "finding_id", "submitted_by_id", "submitted_at", "note",
                                              "status", "reviewed_by_id", "reviewed_at", "review_reason"])
        c.table("inspections_signature", ["id", "record_id", "signer_id", "signed_at", "refused", "objection",
                                          "method", "typed_name", "image_path", "content_hash", "seal"])
        c.table("notifications_notification", ["id", "kind", "agency_id", "enterprise_id", "title", "body", "link",
                                               "dedupe_key", "created_at", "read_at"])
        c.table("audit_auditentry", ["id", "actor_id", "actor_repr", "action", "object_type", "object_id",
                                     "object_repr", "details", "created_at"])
        self._visit_days()
        self.signers: dict[int, int] = {}  # enterprise -> its account's user id (assigned when first needed)
        self.user_ids_for_accounts = []
        self.stats = {"plans": 0, "joint_plans": 0, "urgent": 0, "visits": 0}

        urgent_n = round(total * URGENT_SHARE)
        withdrawn_n, rejected_n, pending_n = (round(total * s) for s in (WITHDRAWN_SHARE, REJECTED_SHARE,
                                                                          PENDING_SHARE))
        joint_target = round(total * JOINT_SHARE)
        solo_n = total - urgent_n - withdrawn_n - rejected_n - pending_n - joint_target
        # The visits: joint ones of 2-6 agencies until their plans reach 71 %, then solo ones, shuffled.
        kinds = []
        placed = 0
        while placed < joint_target:
            size = min(rng.choices(JOINT_SIZES[0], weights=JOINT_SIZES[1])[0], max(2, joint_target - placed))
            kinds.append(size)
            placed += size
        kinds += [1] * solo_n + [-1] * urgent_n  # -1: green channel
        rng.shuffle(kinds)
        for n, size in enumerate(kinds):
            if size == -1:
                self._urgent_visit()
            else:
                self._visit(size)
            if (n + 1) % 100_000 == 0:
                print(f"   {n + 1:,} / {len(kinds):,} visits, {self.stats['plans']:,} plans", flush=True)
        for _ in range(withdrawn_n):
            self._unserved("withdrawn")
        for _ in range(rejected_n):
            self._unserved("rejected")
        for _ in range(pending_n):
            self._unserved("pending_review")
        c.flush_all()
        s = self.stats
        print(f"   {s['plans']:,} plans on {s['visits']:,} visits; {s['joint_plans'] / s['plans']:.1%} served jointly, "
              f"{s['urgent'] / s['plans']:.1%} green channel; {c.counts['inspections_inspectionrecord']:,} records, "
              f"{c.counts['inspections_finding']:,} findings")

    def _pick_enterprise(self, division: str, theme: str | None, whitelisted: bool = False) -> int:
        rng = self.rng
        if whitelisted:
            while True:
                eid = rng.choice(self.enterprises_in[division])
                if eid in self.whitelisted:
                    return eid
                if rng.random() < 0.02:  # a division with few whitelisted enterprises: any will do
                    return eid
        pool = self.themed_in.get((division, theme)) if theme else None
        return rng.choice(pool or self.enterprises_in[division])

    def _plan_row(self, *, plan_id, agency_id, enterprise_id, theme_id, start, end, filed_on, status, task_id,
                  urgent=False, category="", reason="", reviewed=None, post_review="", post_reviewed=None,
                  invitation_id=None, withdrawn_at=None):
        rng = self.rng
        staff = self.officers[agency_id]
        officers = rng.sample(staff, 2) if len(staff) >= 2 else staff[:1]
        department_id = self.agencies[agency_id][1]
        matters = rng.sample(self.matters[department_id], min(len(self.matters[department_id]),
                                                              rng.choice((1, 1, 2, 2, 3))))
        filed_at = ts(filed_on, rng.randint(8, 17), rng.randint(0, 59))
        division = self.agencies[agency_id][0]
        justice = self.justice_staff[division]
        reviewer, reviewed_at = (rng.choice(justice), ts(reviewed)) if reviewed else (None, None)
        post_reviewer, post_reviewed_at = (rng.choice(justice), ts(post_reviewed)) if post_reviewed else (None, None)
        review_note = "不符合白名单检查条件" if status == "rejected" else ("同意" if reviewed else "")
        self.copy.add("plans_plan", plan_id, agency_id, officers[0], enterprise_id, theme_id, start.isoformat(),
                      end.isoformat(), filed_at, filed_on.isoformat(), "", urgent, category, reason, status,
                      review_note,
                      reviewer, reviewed_at, post_review, "", post_reviewer, post_reviewed_at, task_id, invitation_id,
                      None, withdrawn_at)  # ahead_from: set in SQL after the load, by Plan.ahead_from_for's rule
        for officer in officers:
            self.copy.add("plans_plan_officers", plan_id, officer)
        for matter_id, _code in matters:
            self.copy.add("plans_plan_matters", plan_id, matter_id)
        self.copy.add("audit_auditentry", self.new_id("audit_auditentry"), officers[0], self.officer_names[officers[0]],
                      "plan.file", "plans.plan", plan_id, f"plan {plan_id}",
                      jsonb({"enterprise": self.uscc[enterprise_id], "window": [start.isoformat(), end.isoformat()],
                             "urgent": urgent, "status": "pending_review" if reviewed else status,
                             "matters": [code for _m, code in matters]}), filed_at)
        self.stats["plans"] += 1
        return officers, matters

    def _window(self, day: dt.date) -> tuple[dt.date, dt.date, dt.date]:
        """A window holding ``day`` and its filing day, filed at least 7 days ahead and not after today."""
        rng = self.rng
        start = day - dt.timedelta(days=rng.choice((0, 0, 1, 2, 3, 5, 7, 10)))
        if day > self.today + dt.timedelta(days=7):
            start = max(start, self.today + dt.timedelta(days=7))
        end = day + dt.timedelta(days=rng.choice((0, 1, 2, 4, 6, 9, 13, 20)))
        filed_on = min(self.today, start - dt.timedelta(days=7 + rng.choice((0, 0, 1, 2, 3, 5, 8, 13, 20))))
        return start, end, filed_on

    def _visit(self, size: int) -> None:
        rng = self.rng
        division = rng.choices(list(DIVISION_WEIGHTS), weights=list(DIVISION_WEIGHTS.values()))[0]
        theme_code = None
        themes = [code for code, (_pk, _lead, others) in self.themes.items() if len(others) >= size - 1]
        if size >= 2 and themes and rng.random() < THEMED_JOINT_SHARE:
            theme_code = rng.choice(themes)
            theme_id, lead_department, participants = self.themes[theme_code]
            departments = [lead_department] + rng.sample(participants, size - 1)
        else:
            pool = [d for code, d in self.departments.items() if code != "justice"]
            departments = rng.sample(pool, size)
            theme_id = None
        whitelisted = size == 1 and rng.random() < WHITELIST_SOLO_SHARE
        enterprise_id = self._pick_enterprise(division, theme_code, whitelisted)
        whitelisted = enterprise_id in self.whitelisted
        day = self._day(theme_code)
        task_id = self.new_id("plans_jointtask")
        agencies = list(dict.fromkeys(self._agency(division, d) for d in departments))
        lead = agencies[0]
        past, today = day < self.today, self.today
        if past:
            status, fixed = "done", True
        elif day == today:
            status, fixed = rng.choice(("in_progress", "fixed")), True
        elif day < today + dt.timedelta(days=3):
            status, fixed = "fixed", True
        else:
            status, fixed = "scheduled", False  # today + 3 is tomorrow's fixing job's work
        fixed_at = ts(day - dt.timedelta(days=3), 2) if fixed else None
        created = None
        plan_status = "done" if past else ("approved" if whitelisted else "filed")
        plan_ids, plan_officers, plan_matters, filed_days = [], [], [], []
        lead_plan = None
        for k, agency_id in enumerate(agencies):
            start, end, filed_on = self._window(day)
            plan_id = self.new_id("plans_plan")
            invitation_id = None
            if theme_id and k > 0:
                invitation_id = self.new_id("plans_invitation")
            reviewed = filed_on + dt.timedelta(days=rng.randint(1, 3)) if whitelisted else None
            officers, matters = self._plan_row(
                plan_id=plan_id, agency_id=agency_id, enterprise_id=enterprise_id,
                theme_id=theme_id if (theme_id and rng.random() < 0.9) or k == 0 and theme_id else None,
                start=start, end=end, filed_on=filed_on, status=plan_status, task_id=task_id,
                reviewed=reviewed if reviewed and reviewed <= today else None, invitation_id=invitation_id)
            if invitation_id:
                self.copy.add("plans_invitation", invitation_id, lead_plan, agency_id,
                              max(filed_days[0] + dt.timedelta(days=1), start - dt.timedelta(days=4)).isoformat(),
                              "responded", None, ts(filed_days[0], 10))
            if k == 0:
                lead_plan = plan_id
            plan_ids.append(plan_id)
            plan_officers.append((agency_id, officers))
            plan_matters.append((agency_id, matters))
            filed_days.append(filed_on)
            created = min(created or filed_on, filed_on)
        if theme_id and rng.random() < 0.5:
            # One invited agency of the theme that did not (or not yet) respond.
            others = [d for d in self.themes[theme_code][2] if d not in departments]
            if others:
                invited = self._agency(division, rng.choice(others))
                deadline = max(filed_days[0] + dt.timedelta(days=1), day - dt.timedelta(days=4))
                state = "open" if deadline >= today else rng.choice(("declined", "expired", "expired"))
                self.copy.add("plans_invitation", self.new_id("plans_invitation"), lead_plan, invited,
                              deadline.isoformat(), state, None, ts(filed_days[0], 10))
        self.copy.add("plans_jointtask", task_id, enterprise_id, day.isoformat(), status, fixed, fixed_at, False,
                      lead, theme_id, ts(created), fixed_at or ts(created), 0, 0, "")  # division: derived_columns
        self.stats["visits"] += 1
        if len(agencies) > 1:
            self.stats["joint_plans"] += len(agencies)
        if fixed:
            self.copy.add("audit_auditentry", self.new_id("audit_auditentry"), None, "system", "joint_task.fix",
                          "plans.jointtask", task_id, f"visit {task_id}", jsonb({"visit_date": day.isoformat()}),
                          fixed_at)
        if status in ("done", "in_progress"):
            self._on_site(task_id, enterprise_id, day, plan_officers, plan_matters, done=status == "done")

    def _urgent_visit(self) -> None:
        rng = self.rng
        division = rng.choices(list(DIVISION_WEIGHTS), weights=list(DIVISION_WEIGHTS.values()))[0]
        pool = [d for code, d in self.departments.items() if code != "justice"]
        agency_id = self._agency(division, rng.choice(pool))
        enterprise_id = self._pick_enterprise(division, None)
        day = self.pastdays[bisect.bisect(self.urgent_cum, rng.random() * self.urgent_cum[-1])]
        past = day < self.today
        task_id, plan_id = self.new_id("plans_jointtask"), self.new_id("plans_plan")
        if day < self.today - dt.timedelta(days=14):
            post_review = rng.choices(("justified", "unjustified"), weights=(9, 1))[0]
            post_reviewed = day + dt.timedelta(days=rng.randint(2, 12))
        else:
            post_review, post_reviewed = "pending", None
        category = rng.choices(["state_council_tour", "public_report", "accident", "higher_assignment", "other"],
                               weights=(5, 50, 15, 25, 5))[0]
        officers, matters = self._plan_row(
            plan_id=plan_id, agency_id=agency_id, enterprise_id=enterprise_id, theme_id=None, start=day, end=day,
            filed_on=day, status="done" if past else "filed", task_id=task_id, urgent=True, category=category,
            reason="群众举报，需立即核查" if category == "public_report" else "上级交办，需立即检查",
            post_review=post_review, post_reviewed=post_reviewed)
        status = "done" if past else "fixed"
        self.copy.add("plans_jointtask", task_id, enterprise_id, day.isoformat(), status, True, ts(day, 8), True,
                      agency_id, None, ts(day, 8), ts(day, 8), 0, 0, "")
        bureau = self.justice_of[self.agencies[agency_id][0]]
        self.copy.add("notifications_notification", self.new_id("notifications_notification"), "general", bureau,
                      None, "绿色通道检查待事后审查", f"plan {plan_id}", f"/justice/plans/{plan_id}/",
                      f"plan-green:{plan_id}", ts(day, 8), ts(post_reviewed) if post_reviewed else None)
        self.stats["visits"] += 1
        self.stats["urgent"] += 1
        if past:
            self._on_site(task_id, enterprise_id, day, [(agency_id, officers)], [(agency_id, matters)], done=True)

    def _unserved(self, status: str) -> None:
        """A plan on no visit: withdrawn, rejected by the justice bureau, or awaiting its review."""
        rng = self.rng
        division = rng.choices(list(DIVISION_WEIGHTS), weights=list(DIVISION_WEIGHTS.values()))[0]
        pool = [d for code, d in self.departments.items() if code != "justice"]
        agency_id = self._agency(division, rng.choice(pool))
        whitelisted = status in ("rejected", "pending_review")
        enterprise_id = self._pick_enterprise(division, None, whitelisted)
        day = self.today + dt.timedelta(days=rng.randint(9, DAYS_AFTER)) if status == "pending_review" else self._day()
        start, end, filed_on = self._window(day)
        if status == "pending_review":
            filed_on = self.today - dt.timedelta(days=rng.randint(0, 2))
        plan_id = self.new_id("plans_plan")
        review_day = filed_on + dt.timedelta(days=2)
        reviewed = review_day if status == "rejected" and review_day <= self.today else None
        withdrawn = ts(min(self.today, filed_on + dt.timedelta(days=rng.randint(1, 6))), 15) if status == "withdrawn" \
            else None
        self._plan_row(plan_id=plan_id, agency_id=agency_id, enterprise_id=enterprise_id, theme_id=None, start=start,
                       end=end, filed_on=filed_on, status=status, task_id=None, reviewed=reviewed,
                       withdrawn_at=withdrawn)
        if whitelisted:
            bureau = self.justice_of[self.agencies[agency_id][0]]
            self.copy.add("notifications_notification", self.new_id("notifications_notification"), "general", bureau,
                          None, "白名单企业检查计划待审核", f"plan {plan_id}", f"/justice/plans/{plan_id}/",
                          f"plan-review:{plan_id}", ts(filed_on, 12), ts(reviewed) if reviewed else None)

    def _signer(self, enterprise_id: int) -> int:
        uid = self.signers.get(enterprise_id)
        if uid is None:
            uid = self.signers[enterprise_id] = self.new_id("accounts_user")
        return uid

    def _on_site(self, task_id, enterprise_id, day, plan_officers, plan_matters, *, done: bool) -> None:
        rng, c, today = self.rng, self.copy, self.today
        for _agency_id, officers in plan_officers:
            for officer in officers:
                c.add("inspections_checkin", self.new_id("inspections_checkin"), task_id, officer,
                      ts(day, 9, rng.randint(0, 30)), None, None, True, "", fake_hash(task_id, officer)[:16])
        record_id = self.new_id("inspections_inspectionrecord")
        first_officer = plan_officers[0][1][0]
        if not done:
            status = "draft"
        elif day >= today - dt.timedelta(days=20) and rng.random() < 0.25:
            status = "final"
        else:
            status = rng.choices(("signed", "refused"), weights=(99, 1))[0]
        finalised = ts(day, 11, rng.randint(0, 59)) if done else None
        c.add("inspections_inspectionrecord", record_id, task_id, status, "现场检查完毕。" if done else "",
              ts(day, 9, 40), finalised, first_officer if done else None,
              fake_hash("record", record_id) if done else "", "", None)
        items = []
        seen = set()
        for agency_id, matters in plan_matters:
            for matter_id, _code in matters:
                if matter_id not in seen:
                    seen.add(matter_id)
                    items.append((agency_id, matter_id))
        bad = set()
        if done and rng.random() < FINDING_RECORD_SHARE:
            bad = set(rng.sample(range(len(items)), min(len(items), rng.choice((1, 1, 2)))))
        for k, (agency_id, matter_id) in enumerate(items):
            item_id = self.new_id("inspections_recorditem")
            result = "non_compliant" if k in bad else ("compliant" if done or rng.random() < 0.5 else "")
            c.add("inspections_recorditem", item_id, record_id, matter_id, result, "", first_officer, ts(day, 10))
            if k in bad:
                self._finding(record_id, item_id, matter_id, agency_id, enterprise_id, day)
        if done:
            c.add("audit_auditentry", self.new_id("audit_auditentry"), first_officer, self.officer_names[first_officer],
                  "record.finalise", "inspections.inspectionrecord", record_id, f"record {record_id}",
                  jsonb({"content_hash": fake_hash("record", record_id)}), finalised)
            signer = self._signer(enterprise_id)
            read = ts(day, 16) if status != "final" else None
            c.add("notifications_notification", self.new_id("notifications_notification"), "general", None,
                  enterprise_id, f"{day.isoformat()}的现场检查记录待签署", "请核对现场检查记录并签署。",
                  f"/enterprise/records/{record_id}/", f"record-to-sign:{record_id}", finalised, read)
        if status in ("signed", "refused"):
            signed = ts(day, 16, rng.randint(0, 59))
            refused = status == "refused"
            c.add("inspections_signature", self.new_id("inspections_signature"), record_id, signer, signed, refused,
                  "检查时间与告知不符" if refused else "", "" if refused else "typed", "" if refused else "负责人", "",
                  fake_hash("record", record_id), fake_hash("seal", record_id))
            c.add("audit_auditentry", self.new_id("audit_auditentry"), signer, f"e{enterprise_id}",
                  "record.refuse" if refused else "record.sign", "inspections.inspectionrecord", record_id,
                  f"record {record_id}", jsonb({"content_hash": fake_hash("record", record_id), "method": "typed"}),
                  signed)

    def _finding(self, record_id, item_id, matter_id, agency_id, enterprise_id, day) -> None:
        rng, c, today = self.rng, self.copy, self.today
        finding_id = self.new_id("inspections_finding")
        severity = rng.choices(("minor", "serious"), weights=(8, 2))[0]
        deadline = day + dt.timedelta(days=rng.choice((7, 15, 15, 30, 30)))
        if deadline < today:
            status = rng.choices(("accepted", "recheck", "open", "returned", "submitted"), weights=(85, 3, 6, 2, 4))[0]
        else:
            status = rng.choices(("open", "submitted", "accepted", "returned"), weights=(45, 30, 20, 5))[0]
        overdue = status in ("open", "returned") and deadline < today
        # Flagged by the overdue job on the day after the deadline, except yesterday's: today's job's work.
        flagged = (deadline + dt.timedelta(days=1)).isoformat() if overdue and deadline < today - dt.timedelta(days=1) \
            else None
        submitted = min(today, deadline - dt.timedelta(days=rng.randint(0, 5)))
        submitted = max(submitted, day)
        closed = ts(min(today, submitted + dt.timedelta(days=2)), 15) if status == "accepted" else None
        c.add("inspections_finding", finding_id, record_id, item_id, enterprise_id, matter_id, agency_id,
              "现场发现问题，责令限期整改", severity, deadline.isoformat(), status, None, flagged, closed,
              ts(day, 10, 30))
        reviewer = self.officers[agency_id][0]
        if status in ("submitted", "accepted", "returned"):
            state = {"submitted": "pending", "accepted": "accepted", "returned": "returned"}[status]
            c.add("inspections_rectification", self.new_id("inspections_rectification"), finding_id,
                  self._signer(enterprise_id), ts(submitted, 14), "已按要求完成整改，附整改照片。", state,
                  reviewer if state != "pending" else None,
                  ts(min(today, submitted + dt.timedelta(days=2)), 15) if state != "pending" else None,
                  "整改不到位，请补充材料" if state == "returned" else "")
        c.add("audit_auditentry", self.new_id("audit_auditentry"), reviewer, self.officer_names[reviewer],
              "finding.add", "inspections.finding", finding_id, f"finding {finding_id}",
              jsonb({"severity": severity, "deadline": deadline.isoformat()}), ts(day, 10, 30))

    # accounts, warnings, busy periods ------------------------------------------------------------------------

    def enterprise_accounts(self) -> None:
        """An account for every enterprise that signed or rectified (their user ids are taken already), and
        for a tenth of the others; each with its EnterpriseAccount row and guardian's object permission."""
        from django.contrib.auth.models import Permission
        from django.contrib.contenttypes.models import ContentType

        from enterprises.models import Enterprise

        rng, c = self.rng, self.copy
        content_type = ContentType.objects.get_for_model(Enterprise)
        permission = Permission.objects.get(content_type=content_type, codename="view_enterprise")
        for division_ids in self.enterprises_in.values():
            for eid in division_ids:
                if eid not in self.signers and rng.random() < ENTERPRISE_ACCOUNT_SHARE:
                    self._signer(eid)
        c.table("enterprises_enterpriseaccount", ["id", "user_id", "enterprise_id"])
        c.table("guardian_userobjectpermission", ["id", "permission_id", "content_type_id", "object_pk", "user_id"])
        for eid, uid in sorted(self.signers.items(), key=lambda pair: pair[1]):
            c.add("accounts_user", uid, self.password_hash, None, False, f"e{self.uscc[eid]}", "", "", "", False, True,
                  self.now, "enterprise", rng.choice(SURNAMES) + rng.choice(GIVEN), None, "", "", "", None, None)
            c.add("enterprises_enterpriseaccount", self.new_id("enterprises_enterpriseaccount"), uid, eid)
            c.add("guardian_userobjectpermission", self.new_id("guardian_userobjectpermission"), permission.pk,
                  content_type.pk, str(eid), uid)
        c.flush_all()
        print(f"   {len(self.signers):,} enterprise accounts (username e<credit code>)")

    def licence_warnings(self) -> None:
        """The warnings already sent: licences expiring within the next 29 days (yesterday's and earlier runs);
        the licences reaching the 30-day horizon today are today's job's work."""
        from accounts.divisions import CITY_CODE
        from enterprises.licences import regulator_department

        c = self.copy
        horizon = self.today + dt.timedelta(days=29)
        rows = sql("SELECT id, enterprise_id, licence_type, number, valid_to FROM enterprises_licence "
                   "WHERE valid_to BETWEEN %s AND %s", [self.today, horizon])
        for pk, eid, licence_type, number, valid_to in rows:
            key = f"licence-expiry:{pk}:{valid_to.isoformat()}"
            sent = ts(valid_to - dt.timedelta(days=30), 2)
            title = f"证照将于{valid_to.isoformat()}到期：{licence_type}"
            c.add("notifications_notification", self.new_id("notifications_notification"), "licence_expiry", None, eid,
                  title, f"{licence_type} {number}", "/enterprise/", f"{key}:enterprise", sent, None)
            department = self.departments[regulator_department(licence_type)]
            regulator = self.agencies_of.get((self.division_of[eid], department)) or \
                self.agencies_of[CITY_CODE, department]
            c.add("notifications_notification", self.new_id("notifications_notification"), "licence_expiry",
                  regulator[0], None, title, f"{licence_type} {number}", f"/enterprises/{self.uscc[eid]}/",
                  f"{key}:agency", sent, None)
            c.add("audit_auditentry", self.new_id("audit_auditentry"), None, "system", "licence.expiry_warning",
                  "enterprises.licence", pk, f"{licence_type} {number}", jsonb({"valid_to": valid_to.isoformat()}),
                  sent)
        c.flush_all()
        # The job's claim: these licences are warned about for their current expiry date.
        sql("UPDATE enterprises_licence SET expiry_warned_for = valid_to WHERE valid_to BETWEEN %s AND %s",
            [self.today, horizon])
        print(f"   {len(rows):,} licences warned about (2 notifications each)")

    def busy_periods(self) -> None:
        """1 % of the enterprises with no visit ahead declare a busy period in the coming months."""
        rng, c = self.rng, self.copy
        c.table("enterprises_busyperiod", ["id", "enterprise_id", "start", "end", "reason"])
        ahead = {row[0] for row in sql("SELECT DISTINCT enterprise_id FROM plans_jointtask WHERE visit_date >= %s",
                                       [self.today])}
        n = 0
        for division_ids in self.enterprises_in.values():
            for eid in division_ids:
                if eid not in ahead and rng.random() < 0.01:
                    start = self.today + dt.timedelta(days=rng.randint(5, 80))
                    c.add("enterprises_busyperiod", self.new_id("enterprises_busyperiod"), eid, start.isoformat(),
                          (start + dt.timedelta(days=rng.randint(3, 30))).isoformat(), "生产旺季")
                    n += 1
        c.flush_all()
        print(f"   {n:,} busy periods")


def audit_chain() -> int:
    """Number and hash the loaded audit entries (``audit.chain``), so that ``manage.py audit_verify`` and the
    daily anchor job pass on the city. The entries are COPYed after the migrations ran, so the chain's
    backfill (migration audit 0004) saw an empty table and left them outside the chain. This runs that same
    backfill, the one definition of how existing entries are chained: in id order, one SELECT and one UPDATE
    per 5,000 entries, the readers' scope filled from the actor's agency, then the head row written at the
    last link. Returns the chain's length."""
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    from audit.models import AuditChainHead

    chain_existing = import_module("audit.migrations.0004_chain_and_scope").chain_existing
    with connection.schema_editor() as editor:  # one transaction, as the migration's
        AuditChainHead.objects.filter(pk=1).delete()  # the empty chain's head, written by the migration
        chain_existing(apps, editor)
    return AuditChainHead.objects.get(pk=1).seq


def derived_columns() -> None:
    """What the writers store beside the rows (plans.models.Plan.ahead_from_for, plans.matching's counts,
    plans.participation's rows, the statistics' cells), computed set-based after the load."""
    from django.conf import settings

    sql("UPDATE plans_plan SET ahead_from = filed_on + %s WHERE NOT urgent AND invitation_id IS NULL",
        [settings.PLAN_ADVANCE_DAYS])
    sql("UPDATE plans_plan p SET ahead_from = l.ahead_from FROM plans_invitation i JOIN plans_plan l "
        "ON l.id = i.lead_plan_id WHERE p.invitation_id = i.id AND NOT p.urgent")
    sql("UPDATE plans_jointtask t SET n_plans = c.n, n_agencies = c.a FROM (SELECT joint_task_id, COUNT(*) n, "
        "COUNT(DISTINCT agency_id) a FROM plans_plan WHERE status IN ('filed', 'approved', 'done') "
        "AND joint_task_id IS NOT NULL GROUP BY joint_task_id) c WHERE c.joint_task_id = t.id")
    sql("UPDATE plans_jointtask t SET division = e.division FROM enterprises_enterprise e WHERE e.id = t.enterprise_id")
    # plans.participation: who takes part in which visit (as its migration fills it).
    sql("INSERT INTO plans_participation (agency_id, joint_task_id, visit_date) SELECT DISTINCT p.agency_id, "
        "p.joint_task_id, t.visit_date FROM plans_plan p JOIN plans_jointtask t ON t.id = p.joint_task_id")
    from plans.statistics import cells_rebuild

    cells_rebuild(batch_days=31)  # the statistics' cells, from the counts above


def check_references() -> None:
    """An anti-join per single-column foreign key of the loaded tables: a dangling reference stops the build."""
    rows = sql(
        """SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, af.attname
           FROM pg_constraint c
           JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
           JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1]
           WHERE c.contype = 'f' AND array_length(c.conkey, 1) = 1 AND c.conrelid::regclass::text = ANY(%s)""",
        [BIG_TABLES + ["accounts_agency"]],
    )
    bad = []
    for table, column, target, target_column in rows:
        n = sql(f'SELECT count(*) FROM {table} t WHERE t."{column}" IS NOT NULL AND NOT EXISTS '
                f'(SELECT 1 FROM {target} r WHERE r."{target_column}" = t."{column}")')[0][0]
        if n:
            bad.append(f"{table}.{column} -> {target}: {n:,} dangling")
    if bad:
        sys.exit("dangling references:\n  " + "\n  ".join(bad))
    print(f"   {len(rows)} foreign keys checked: none dangling")


def real_content_hashes(limit: int) -> int:
    """The first ``limit`` records awaiting a signature get the real SM3 hash of their content, so that their
    enterprise can sign them (the load test signs these). The others keep a placeholder, as do the signed ones:
    signing one of them is refused as "does not match" (hashing them all through the ORM takes ~50 ms each)."""
    from django.db import transaction

    from inspections import signing
    from inspections.models import InspectionRecord

    n = 0
    records = InspectionRecord.objects.filter(status=InspectionRecord.Status.FINAL).select_related("task__enterprise")
    for start in range(0, min(limit, records.count()), 2000):
        with transaction.atomic():
            for record in records.order_by("pk")[start:min(limit, start + 2000)]:
                InspectionRecord.objects.filter(pk=record.pk).update(content_hash=signing.content_hash(record))
                n += 1
    return n


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None,
                        help="the data set's reference day (default: the real local date)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of the city's enterprises and plans (agencies stay; officers >= 2 per agency)")
    parser.add_argument("--rebuild", action="store_true", help="drop and recreate the database first")
    parser.add_argument("--signable", type=int, default=300,
                        help="records awaiting a signature given their real content hash (the load test signs them)")
    parser.add_argument("--password", default=DEFAULT_PASSWORD, help="the password of every generated user")
    parser.add_argument("--chain-audit", action="store_true",
                        help="only chain the audit entries of a city built before the build did (then exit)")
    options = parser.parse_args()

    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    os.environ.update({"DATABASE_URL": url, "DJANGO_ENV": "local", "DEBUG": "False", "LOG_LEVEL": "WARNING",
                       "DJANGO_SETTINGS_MODULE": "yantai_inspect.settings"})
    if options.chain_audit:
        name = url.rsplit("/", 1)[-1]
        if "bench" not in name and not name.endswith("_city"):  # a city or a copy of one, as bench/loadtest.py
            sys.exit(f"refusing to chain {name!r}: not a bench database (its name contains 'bench' or ends in '_city')")
        import django

        django.setup()
        with step("audit chain (the audit migration's backfill over the loaded entries)"):
            print(f"   {audit_chain():,} entries chained")
        return
    prepare_database(url, rebuild=options.rebuild)

    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    started = time.perf_counter()
    with step("migrate"):
        call_command("migrate", verbosity=0, interactive=False)
    refuse_if_populated()
    today = options.today or timezone.localdate()
    print(f"seed {options.seed}, today {today}, scale {options.scale}")
    city = City(seed=options.seed, today=today, scale=options.scale, password_hash=make_password(options.password))
    sql("SET session_replication_role = replica")  # no FK triggers during the load: the generator keeps them
    sql("SET maintenance_work_mem = '512MB'")
    with step("drop secondary indexes"):
        indexes = drop_secondary_indexes()
        print(f"   {len(indexes)} indexes dropped, rebuilt after the load")
    with step("catalogue (manage.py load_catalogue)"):
        city.catalogue()
    with step("agencies and staff"):
        city.agencies_and_staff()
    with step(f"enterprises, licences, credit ({round(930_000 * options.scale):,})"):
        city.enterprises(round(930_000 * options.scale))
    with step(f"plans, visits, records ({round(1_000_000 * options.scale):,} plans)"):
        city.plans(round(1_000_000 * options.scale))
    with step("enterprise accounts"):
        city.enterprise_accounts()
    with step("busy periods"):
        city.busy_periods()
    with step("licence warnings already sent"):
        city.licence_warnings()
    with step("sequences"):
        for table in city.next_id:
            sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
    with step("derived columns: plans' 7-day reference day, visits' served counts"):
        derived_columns()
    with step("audit chain (the audit migration's backfill over the loaded entries)"):
        print(f"   {audit_chain():,} entries chained")
    sql("SET session_replication_role = DEFAULT")
    with step("recreate secondary indexes"):
        for definition in indexes:
            sql(definition)
    with step("check every foreign key (they were not enforced during the load)"):
        check_references()
    with step("ANALYZE"):
        sql("ANALYZE")
    with step("real content hashes of the records awaiting a signature"):
        print(f"   {real_content_hashes(options.signable):,} records")
    counts = {table: sql(f"SELECT reltuples::bigint FROM pg_class WHERE relname = '{table}'")[0][0]
              for table in BIG_TABLES}
    seconds = time.perf_counter() - started
    sql("CREATE TABLE IF NOT EXISTS bench_city_meta (seed integer, today date, scale double precision, "
        "password text, built_at timestamptz, seconds double precision, counts jsonb)")
    sql("INSERT INTO bench_city_meta VALUES (%s, %s, %s, %s, now(), %s, %s)",
        [options.seed, today, options.scale, options.password, seconds, json.dumps(counts)])
    connection.close()
    print("\n== rows (planner estimates after ANALYZE)")
    for table, n in counts.items():
        print(f"   {table:34} {n:>12,}")
    print("\n== steps")
    for label, s in STEPS:
        print(f"   {label:62} {s:7.1f} s")
    print(f"   {'total':62} {seconds:7.1f} s")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"   (this process used {usage.ru_utime + usage.ru_stime:.0f} s of CPU; on a shared machine the wall time "
          f"above also counts the waiting: load average now {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
