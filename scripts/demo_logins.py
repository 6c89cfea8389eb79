"""Prints the demo logins from the credentials file that ``seed_demo --credentials`` writes.

The file is a JSON list of accounts: ``{"role", "username", "password", "agency" | "enterprise"}``.
Shows every account, grouped by role (the demo has a dozen: all fit on a screen).
"""
import json
import sys
from collections import defaultdict

ROLE_TITLES = {
    "officer": "执法人员 / officer → /agency/",
    "justice": "司法局 / justice bureau → /justice/",
    "enterprise": "企业 / enterprise → /enterprise/",
    "admin": "管理员 / admin → /admin/",
}


def main(path: str) -> int:
    with open(path, encoding="utf-8") as fh:
        accounts = json.load(fh)
    if isinstance(accounts, dict):  # tolerate {"accounts": [...]}
        accounts = accounts.get("accounts", [])
    by_role = defaultdict(list)
    for account in accounts:
        by_role[account.get("role", "?")].append(account)
    print(f" Demo logins ({len(accounts)} accounts, all in {path}):")
    for role in [*ROLE_TITLES, *sorted(set(by_role) - set(ROLE_TITLES))]:
        rows = by_role.get(role)
        if not rows:
            continue
        print(f"  {ROLE_TITLES.get(role, role)}")
        for account in rows:
            where = account.get("agency") or account.get("enterprise") or ""
            if account.get("head"):
                where += "  负责人 / agency head → /agency/approvals/"
            print(f"    {account['username']:<24} {account['password']:<20} {where}".rstrip())
    print(" Change a password after logging in: the name at the top right, 修改密码 (/account/password/).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "var/demo-credentials.json"))
