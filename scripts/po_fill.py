"""Fill Chinese translations into locale/zh_Hans from a JSON object {msgid: msgstr}; clears fuzzy marks.

    .venv/bin/python scripts/po_fill.py translations.json      (needs polib: pip install polib)
Lists what is still untranslated or fuzzy afterwards and exits 1 if anything is.
"""
import json
import sys

import polib

PO = "locale/zh_Hans/LC_MESSAGES/django.po"


def main(path: str | None) -> int:
    po = polib.pofile(PO)
    given = {}
    if path:
        with open(path, encoding="utf-8") as fh:
            given = json.load(fh)
    for entry in po:
        if entry.msgid in given:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: given[entry.msgid]}
            else:
                entry.msgstr = given[entry.msgid]
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
            entry.previous_msgid = None
            entry.previous_msgid_plural = None
            entry.previous_msgctxt = None
    po.save()
    left = [e.msgid for e in po if not e.translated() or "fuzzy" in e.flags]
    for msgid in left:
        print("untranslated:", msgid)
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else None))
