from django.core.management.base import BaseCommand, CommandError

from catalogue.services import DEFAULT_PATH, catalogue_load
from yantai_inspect.errors import DomainError


class Command(BaseCommand):
    help = "Load departments, themes, supervision matters and thematic checklists from the catalogue file."

    def add_arguments(self, parser):
        parser.add_argument("--path", default=None, help=f"catalogue JSON file (default: {DEFAULT_PATH})")

    def handle(self, *args, path=None, **options):
        try:
            counts = catalogue_load(actor=None, path=path)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            "catalogue: {departments} departments, {themes} themes, {matters} matters, {checklists} checklists "
            "({created} created, {updated} updated)".format(**counts)
        )
