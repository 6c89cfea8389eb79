"""manage.py import_credit_grades: the command line of credit.importing (which holds the rules)."""
import csv
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from credit.importing import GRADE_COLUMNS, IMPORTED_SOURCES, credit_grades_import
from enterprises.importing import DEFAULT_BATCH_SIZE, KEPT_BAD_ROWS
from enterprises.management.commands.import_enterprises import _data_lines, _HelpFormatter
from yantai_inspect.errors import DomainError

HELP = f"""Import credit grades from a CSV file.

The file is UTF-8 (a BOM is tolerated); line 1 is the header naming the columns, in any order:
{",".join(GRADE_COLUMNS)}
  uscc        credit code of a registered enterprise (required)
  grade       A, B, C or D (required)
  source      {" or ".join(IMPORTED_SOURCES)} (required)
  valid_from  date YYYY-MM-DD (required)
  valid_to    date YYYY-MM-DD, or empty for open-ended

A grade is identified by uscc, source and valid_from: rerunning the same file changes nothing. The
current grade of each enterprise touched is derived again; a whitelisted enterprise that falls below A
leaves the whitelist, with the reason. Bad rows are skipped and reported with their line number (header =
line 1) and reason, on stderr (the first {KEPT_BAD_ROWS}) and, with --report, all in a CSV file.
"""


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs.setdefault("formatter_class", _HelpFormatter)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the CSV file")
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE,
                            help=f"rows per transaction (default {DEFAULT_BATCH_SIZE})")
        parser.add_argument("--report", type=Path, metavar="BAD_ROWS.csv",
                            help="write every bad row (line, uscc, reason) to this CSV file")
        parser.add_argument("--user", metavar="USERNAME", help="the account recorded in the audit trail")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, file: Path, batch_size: int, report: Path | None, user: str | None, no_progress: bool,
               **options):
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
        try:
            with file.open("rb") as stream:
                result = credit_grades_import(
                    file=stream, source=file.name, actor=actor, batch_size=batch_size,
                    on_bad_row=(lambda bad: writer.writerow([bad.line, bad.uscc, bad.reason])) if writer else None,
                    on_progress=bar.update,
                )
        except DomainError as exc:
            raise CommandError(str(exc.message))
        finally:
            bar.close()
            if report_file:
                report_file.close()
        for bad in result.bad_rows:
            self.stderr.write(f"line {bad.line}: {bad.reason}")
        if result.bad > len(result.bad_rows):
            self.stderr.write(f"... and {result.bad - len(result.bad_rows)} more bad rows"
                              + (f"; all are in {report}" if report else "; use --report FILE to list them all"))
        self.stderr.write(result.summary(), style_func=self.style.WARNING if result.bad else self.style.SUCCESS)
