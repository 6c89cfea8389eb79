"""A GIN index over the character bigrams of enterprise names, on PostgreSQL only.

The filing form searches enterprises by any fragment of their name, often two Chinese characters
("海药"). pg_trgm cannot serve that: its trigrams need three characters, so ``LIKE '%海药%'`` falls back to a
sequential scan of the 930,000 names. Every fragment of two or more characters contains at least one
bigram, and a name containing the fragment contains all of its bigrams, so ``bigrams(name) @>
bigrams(fragment)`` is a correct pre-filter that a GIN index answers; ``LIKE`` rechecks the order.
The index is on an immutable function of ``name``, so every writer (forms, the CSV import, COPY) keeps
it current with no code of its own. SQLite keeps the plain ``LIKE``.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION enterprise_name_bigrams(name text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(name, i, 2)), '{}')
    FROM generate_series(1, char_length(name) - 1) AS i
$$
"""
INDEX = "CREATE INDEX IF NOT EXISTS enterprise_name_bigrams_gin ON enterprises_enterprise USING gin (enterprise_name_bigrams(name))"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    schema_editor.execute(INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS enterprise_name_bigrams_gin")
    schema_editor.execute("DROP FUNCTION IF EXISTS enterprise_name_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
