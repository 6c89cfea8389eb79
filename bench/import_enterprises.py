"""Benchmark of ``manage.py import_enterprises`` at register scale.

Generates a CSV of N valid enterprises (credit codes from enterprises.uscc.make_uscc, spread over
Yantai's divisions, a third with themes), then, on a FRESH bench database:

1. first import   (everything created)
2. rerun          (the same file: everything unchanged)
3. changed rerun  (every 10th name changed: 10 % updated)
4. with --licences: a first import of one licence per enterprise, and its rerun

Each run is the real command in a child process (``--no-progress``); the figures are its wall time
and peak memory. The database is taken from DATABASE_URL and is DROPPED AND RECREATED, so its name
must contain "bench":

    .venv/bin/python bench/import_enterprises.py --rows 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yantai_bench \
        .venv/bin/python bench/import_enterprises.py --rows 100000

Default DATABASE_URL: sqlite:////tmp/yantai-bench.sqlite3.
"""
import argparse
import csv
import datetime
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

DEFAULT_DATABASE_URL = "sqlite:////tmp/yantai-bench.sqlite3"
THEMES = [("catering", "餐饮"), ("education", "教育"), ("industry", "工业"), ("construction", "建筑"),
          ("medical", "医疗"), ("transport", "交通"), ("culture-tourism", "文旅")]
SUMMARY = re.compile(r"imported: (\d+) created, (\d+) updated, (\d+) unchanged, (\d+) bad rows in ([\d.]+) s")


def generate_enterprises(path: Path, rows: int, *, renamed_every: int = 0) -> None:
    """N valid enterprises; with ``renamed_every`` k, every k-th name differs (for the update path)."""
    from accounts.divisions import DIVISIONS, division_name
    from enterprises.industries import INDUSTRIES
    from enterprises.uscc import make_uscc

    rng = random.Random(930)
    divisions = [code for code, _label in DIVISIONS]
    industries = [code for code, _label in INDUSTRIES] + [""]
    surnames = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
    words = ["海洋", "金港", "鲁东", "蓬莱", "芝罘", "福山", "龙口", "莱州", "招远", "栖霞", "海阳", "黄渤海", "仙境"]
    trades = ["食品", "机械", "贸易", "建筑", "医药", "物流", "文化旅游", "电子", "化工", "餐饮管理"]
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["uscc", "name", "legal_representative", "address", "division", "industry", "themes"])
        for n in range(rows):
            division = divisions[n % len(divisions)]
            name = f"烟台{rng.choice(words)}{rng.choice(trades)}有限公司第{n}号"
            if renamed_every and n % renamed_every == 0:
                name += "（更名）"
            themes = ";".join(rng.sample([c for c, _ in THEMES], k=rng.choice([1, 1, 2]))) if n % 3 == 0 else ""
            writer.writerow([
                make_uscc(f"91{division}{n:09d}"),
                name,
                rng.choice(surnames) + rng.choice("伟芳娜敏静丽强磊军洋勇艳杰"),
                f"山东省烟台市{division_name(division)}测试路{n % 500 + 1}号",
                division,
                rng.choice(industries),
                themes,
            ])


def generate_licences(path: Path, rows: int) -> None:
    from accounts.divisions import DIVISIONS
    from enterprises.uscc import make_uscc

    rng = random.Random(2024)
    divisions = [code for code, _label in DIVISIONS]
    today = datetime.date(2025, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["uscc", "licence_type", "number", "issuing_agency", "valid_from", "valid_to"])
        for n in range(rows):
            valid_from = today - datetime.timedelta(days=rng.randrange(1, 1500))
            writer.writerow([make_uscc(f"91{divisions[n % len(divisions)]}{n:09d}"), "食品经营许可证",
                             f"JY1370600{n:08d}", "烟台市市场监督管理局", valid_from.isoformat(),
                             (valid_from + datetime.timedelta(days=5 * 365)).isoformat()])


def fresh_database(database_url: str) -> dict:
    import dj_database_url

    db = dj_database_url.parse(database_url)
    if "bench" not in str(db["NAME"]):
        sys.exit(f"refusing to drop {db['NAME']!r}: a bench database name must contain 'bench'")
    if db["ENGINE"].endswith("sqlite3"):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db['NAME']}{suffix}").unlink(missing_ok=True)
    elif db["ENGINE"].endswith("postgresql"):
        where = ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"] or "postgres"]
        subprocess.run(["dropdb", *where, "--if-exists", db["NAME"]], check=True)
        subprocess.run(["createdb", *where, db["NAME"]], check=True)
    else:
        sys.exit(f"unsupported database {db['ENGINE']}")
    return db


def manage(env: dict, *args: str) -> tuple[float, float, str]:
    """Run manage.py in a child; (wall seconds, peak RSS in MB, stderr)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        child = subprocess.Popen([sys.executable, str(BASE_DIR / "manage.py"), *args], cwd=BASE_DIR, env=env,
                                 stdout=out, stderr=err)
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.monotonic() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode()
        if child.returncode:
            out.seek(0)
            sys.exit(f"manage.py {' '.join(args)} failed:\n{out.read().decode()}\n{stderr}")
    return seconds, usage.ru_maxrss / 1024, stderr


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--licences", action="store_true", help="also import one licence per enterprise")
    parser.add_argument("--analyze", action="store_true",
                        help="PostgreSQL: ANALYZE after each run, as autovacuum would (this server has it off)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "yantai-bench",
                        help="where the generated CSV files go")
    options = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_ENV": "local", "DEBUG": "False"}
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yantai_inspect.settings")

    db = fresh_database(database_url)
    print(f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}; rows: {options.rows}; "
          f"batch size: {options.batch_size}")
    print(f"machine: {os.cpu_count()} CPUs, {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}")
    manage(env, "migrate", "--noinput", "-v", "0")

    import django

    django.setup()
    from django.db import connection, connections

    from accounts.models import Department
    from catalogue.models import Theme

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW autovacuum")
            print(f"PostgreSQL autovacuum: {cursor.fetchone()[0]}; ANALYZE after each run: {options.analyze}")
    department, _created = Department.objects.get_or_create(code="bench", defaults={"name": "基准测试部门"})
    for order, (code, name) in enumerate(THEMES):
        Theme.objects.get_or_create(code=code, defaults={"name": name, "lead_department": department,
                                                         "order": order})
    connections.close_all()

    options.workdir.mkdir(parents=True, exist_ok=True)
    first = options.workdir / f"enterprises-{options.rows}.csv"
    renamed = options.workdir / f"enterprises-{options.rows}-renamed.csv"
    started = time.monotonic()
    generate_enterprises(first, options.rows)
    generate_enterprises(renamed, options.rows, renamed_every=10)
    runs = [("first import", first, []), ("rerun, same file", first, []),
            ("rerun, 10 % renamed", renamed, [])]
    if options.licences:
        licences = options.workdir / f"licences-{options.rows}.csv"
        generate_licences(licences, options.rows)
        runs += [("licences, first import", licences, ["--licences"]),
                 ("licences, rerun", licences, ["--licences"])]
    print(f"generated in {time.monotonic() - started:.1f} s: {first} ({first.stat().st_size / 1e6:.1f} MB)")

    print()
    # wall s: the whole child process, Django start-up included; import s: the command's own figure.
    print("| run | rows | created | updated | unchanged | bad | wall s | import s | rows/s | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label, path, extra in runs:
        seconds, rss, stderr = manage(env, "import_enterprises", str(path), "--no-progress",
                                      "--batch-size", str(options.batch_size), *extra)
        match = SUMMARY.search(stderr)
        if not match:
            sys.exit(f"no summary line in:\n{stderr}")
        created, updated, unchanged, bad = (int(g) for g in match.groups()[:4])
        rows, import_seconds = created + updated + unchanged + bad, float(match.group(5))
        print(f"| {label} | {rows:,} | {created:,} | {updated:,} | {unchanged:,} | {bad:,} | {seconds:.1f} | "
              f"{import_seconds:.1f} | {rows / seconds:,.0f} | {rss:.0f} |", flush=True)
        if options.analyze and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            connections.close_all()

    from audit.models import AuditEntry
    from enterprises.models import Enterprise

    links = Enterprise.themes.through.objects.count()
    print()
    print(f"in the database: {Enterprise.objects.count():,} enterprises, {links:,} theme links, "
          f"{AuditEntry.objects.filter(action__endswith='.import_batch').count()} import audit entries")
    connections.close_all()


if __name__ == "__main__":
    main()
