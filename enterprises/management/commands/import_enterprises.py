"""manage.py import_enterprises: the command line of enterprises.importing (which holds the rules)."""
import argparse
import csv
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, DjangoHelpFormatter
from tqdm import tqdm

from enterprises.importing import DEFAULT_BATCH_SIZE, KEPT_BAD_ROWS, enterprises_import, licences_import
from enterprises.importing.csvbatch import data_lines
from yantai_inspect.errors import DomainError

HELP = f"""Import enterprises (or, with --licences, their licences) from a CSV file.

The file is UTF-8 (a BOM is tolerated); line 1 is the header naming the columns, in any order.

Enterprises:  uscc,name,legal_representative,address,division,industry,themes
  uscc                  unified social credit code, 18 characters (required)
  name                  at most 200 characters (required)
  legal_representative  at most 60 characters
  address               at most 300 characters
  division              Yantai division code, e.g. 370611 (required)
  industry              GB/T 4754 section letter A-T, or empty
  themes                theme codes separated by ";", or empty; themes are only added, never removed

Licences (--licences):  uscc,licence_type,number,issuing_agency,valid_from,valid_to
  uscc                  credit code of a registered enterprise (required)
  licence_type, number  at most 100 characters each (required); with uscc they identify the licence
  issuing_agency        at most 120 characters
  valid_from, valid_to  dates YYYY-MM-DD, valid_to not before valid_from (required)

Bad rows are skipped and reported with their line number (header = line 1) and reason, on stderr
(the first {KEPT_BAD_ROWS}) and, with --report, all of them in a CSV file. Known enterprises and licences
whose data differ are updated; rerunning the same file changes nothing. Each batch is one
transaction with one audit entry.
"""


class _HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Keeps the column tables of the description as written."""


def _data_lines(path: Path) -> int:
    """Lines after the header, for the progress bar's total (``enterprises.importing.csvbatch.data_lines``)."""
    with path.open("rb") as file:
        return data_lines(file)


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs.setdefault("formatter_class", _HelpFormatter)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the CSV file")
        parser.add_argument("--licences", action="store_true", help="the file holds licences, not enterprises")
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE,
                            help=f"rows per transaction (default {DEFAULT_BATCH_SIZE})")
        parser.add_argument("--report", type=Path, metavar="BAD_ROWS.csv",
                            help="write every bad row (line, uscc, reason) to this CSV file")
        parser.add_argument("--user", metavar="USERNAME",
                            help="the account recorded in the audit trail (default: system)")
        parser.add_argument("--no-progress", action="store_true",
                            help="no progress bar (there is none anyway when stderr is not a terminal)")

    def handle(self, *args, file: Path, licences: bool, batch_size: int, report: Path | None, user: str | None,
               no_progress: bool, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"{user}: no such user")

        show_progress = not no_progress and sys.stderr.isatty()
        bar = tqdm(total=_data_lines(file) if show_progress else None, unit=" rows", file=sys.stderr,
                   disable=not show_progress, dynamic_ncols=True)
        report_file = report.open("w", encoding="utf-8-sig", newline="") if report else None
        writer = csv.writer(report_file) if report_file else None
        if writer:
            writer.writerow(["line", "uscc", "reason"])
        run = licences_import if licences else enterprises_import
        try:
            with file.open("rb") as stream:
                result = run(file=stream, source=file.name, actor=actor, batch_size=batch_size,
                             on_bad_row=(lambda bad: writer.writerow([bad.line, bad.uscc, bad.reason])) if writer
                             else None,
                             on_progress=bar.update)
        except DomainError as exc:
            raise CommandError(str(exc.message))
        finally:
            bar.close()
            if report_file:
                report_file.close()

        for bad in result.bad_rows:
            self.stderr.write(f"line {bad.line}: {bad.reason}")
        if result.bad > len(result.bad_rows):
            more = result.bad - len(result.bad_rows)
            self.stderr.write(f"... and {more} more bad rows" + (f"; all are in {report}" if report else
                                                                    "; use --report FILE to list them all"))
        elif report and result.bad:
            self.stderr.write(f"bad rows written to {report}")
        self.stderr.write(result.summary(), style_func=self.style.WARNING if result.bad else self.style.SUCCESS)
