"""Importing enterprises and their licences from CSV, at the scale of the city's register (930,000+ rows).

Two formats, both UTF-8 (a byte-order mark, as Excel writes it, is tolerated), comma-separated, with a
header row naming the columns (any order, case-insensitive; every column must be present, no others):

Enterprises (``enterprises_import``)::

    uscc,name,legal_representative,address,division,industry,themes

    uscc                  unified social credit code, 18 characters, GB 32100-2015 (required)
    name                  registered name, at most 200 characters (required)
    legal_representative  at most 60 characters (may be empty)
    address               at most 300 characters (may be empty)
    division              administrative division code of Yantai, e.g. 370611 (required)
    industry              GB/T 4754 section letter A-T (may be empty)
    themes                theme codes separated by ";", each existing in the catalogue (may be empty)

Licences (``licences_import``)::

    uscc,licence_type,number,issuing_agency,valid_from,valid_to

    uscc                  credit code of an enterprise already registered (required)
    licence_type          at most 100 characters (required)
    number                at most 100 characters (required)
    issuing_agency        at most 120 characters (may be empty)
    valid_from, valid_to  ISO dates (YYYY-MM-DD), valid_to not before valid_from (required)

The rules:

- Every row is validated on its own; a bad row is reported with its physical line number in the file
  (the header is line 1; a quoted field spanning lines counts every line) and every reason it is bad,
  and skipped. Good rows are kept.
- A credit code (or, for licences, a code + type + number) given twice in one file: the first good
  occurrence is imported, later ones are reported as bad rows naming the line of the first.
- The file is the register: an enterprise already known is updated when its name, legal representative,
  address, division or industry differ from the file (an empty cell clears the field); a licence already
  known (same enterprise, type and number) is updated when its agency or validity differ (a renewal).
  Themes are only ever added: lead departments also assign themes in the platform, and an import must
  not undo their work.
- Rerunning an import of the same file creates nothing, changes nothing and writes no audit entry.
- Rows are read as a stream and written in batches; each batch is one transaction with one audit entry
  (``enterprise.import_batch`` / ``licence.import_batch``) naming the first enterprise or licence it
  changed and, in its details, every code created and every field changed (before and after). A batch
  that changes nothing is not audited. A failure rolls back the current batch only; earlier batches
  stay, and rerunning the file completes the import.

Memory grows only with the duplicate check: one small entry per accepted row (about 110 MB at 930,000
rows). Existing rows are looked up per batch, never loaded all at once.
"""

from .csvbatch import (  # noqa: F401
    DEFAULT_BATCH_SIZE,
    ENTERPRISE_COLUMNS,
    KEPT_BAD_ROWS,
    LICENCE_COLUMNS,
    MAX_BATCH_SIZE,
    BadRow,
    ImportResult,
)
from .enterprise_rows import enterprises_import  # noqa: F401
from .licence_rows import licences_import  # noqa: F401
