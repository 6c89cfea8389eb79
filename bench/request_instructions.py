"""Instructions per request, which the machine's load does not change: run one signed-in user's request through
Django's test client under callgrind, warm (three requests first), ``N`` times; run it with N=0 and N=20 and
take (Ir(20) - Ir(0)) / 20, the Python process's instructions per request (the database's not included).

    valgrind --tool=callgrind --callgrind-out-file=/tmp/ir-0.out .venv/bin/python bench/request_instructions.py \\
        USERNAME "/api/v1/enterprises/suggestions/?limit=20&q=%E4%BD%B3%E7%9F%B3" 0
    ... the same with 20 and /tmp/ir-20.out, then: grep ^summary /tmp/ir-*.out

DATABASE_URL names the database (a copy of bench/city.py's); nothing is written but the user's session.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yantai_inspect.settings")
os.environ.setdefault("DEBUG", "False")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402


def main() -> None:
    username, path, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
    client = Client()
    client.force_login(User.objects.get(username=username))
    for _ in range(3):
        assert client.get(path).status_code == 200, path
    for _ in range(repeat):
        client.get(path)


if __name__ == "__main__":
    main()
