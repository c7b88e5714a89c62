"""identity keys

One normalised key column per name that identifies something (gemeente naam, onderzoek titel,
casus code, professional rol), with a unique index, so "Den  Haag" beside "Den Haag" is refused
by the database on every path. Stored names are cleaned (single spaces) and their keys filled
in. The key function is written out here as it was at this revision, so this migration never
changes with the code.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""
import re
import unicodedata

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")

# table, name column, key column, columns that scope the key, length
KEYS = [
    ("gemeente", "naam", "naam_key", (), 200),
    ("onderzoek", "titel", "titel_key", ("gemeente_id",), 200),
    ("casus", "code", "code_key", ("gemeente_id",), 40),
    ("perspectief", "rol", "rol_key", ("casus_id", "soort"), 200),
]
INDEXES = {
    "gemeente": "uq_gemeente_naam_key",
    "onderzoek": "uq_onderzoek_gemeente_titel_key",
    "casus": "uq_casus_gemeente_code_key",
    "perspectief": "uq_perspectief_casus_soort_rol_key",
}


def _clean(text):
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text or ""))
    return " ".join(text.split())


def upgrade() -> None:
    bind = op.get_bind()
    for table, column, key, scope, length in KEYS:
        op.add_column(table, sa.Column(key, sa.String(length=length), server_default='',
                                       nullable=False))
        t = sa.table(table, sa.column("id"), sa.column(column), sa.column(key),
                     *[sa.column(c) for c in scope])
        seen = {}
        for row in bind.execute(sa.select(t)).mappings():
            clean = _clean(row[column])
            identity = tuple(row[c] for c in scope) + (clean.casefold(),)
            if identity in seen:
                raise RuntimeError(
                    f"Migratie 0003: in tabel {table} zijn rij {seen[identity]} en rij {row['id']} "
                    f"dezelfde {column} ('{clean}') op hoofdletters en spaties na. Geef een van "
                    "beide een andere naam en draai 'zet init' opnieuw.")
            seen[identity] = row["id"]
            bind.execute(sa.update(t).where(t.c.id == row["id"]).values(
                {column: clean, key: clean.casefold()}))
        op.create_index(INDEXES[table], table, [*scope, key], unique=True)


def downgrade() -> None:
    for table, _column, key, _scope, _length in reversed(KEYS):
        op.drop_index(INDEXES[table], table_name=table)
        # Not a batch rebuild: that drops the table, and its foreign keys take the rows under it.
        op.execute(f"ALTER TABLE {table} DROP COLUMN {key}")
