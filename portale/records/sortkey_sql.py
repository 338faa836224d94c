"""SQL of the line's sort key copied onto the rows listed by it (issue 17), for PostgreSQL
and SQLite, shared by the migrations that create it.

"Su linea" (SIMs), "Servizi su linea (STS)" and "Monitoring soglie" list rows of a
contract's lines sorted by the line's number. Sorted and scoped through the join, a page
typed without a cursor (``?page=5000``) had to walk the joined list (``OFFSET 49,990``,
382 ms on the 100,000-line contract). So each listed row carries its line's number and
contract, and an index of the listed table leads with them: the list component's boundary
jump (``portale.core.lists.keyset``) reads the page as an index range.

- ``records_sim``: ``line_msisdn`` (the line's number, '' on no line), ``listed_role`` (the
  SIM's role on a One Number line, else '': the list's second sort key, "One number") and
  ``listed_contract_id`` (the line's contract when "Su linea" lists the SIM — on a line, and
  not ceased unless the line is — else NULL).
- ``records_lineservice``, ``records_threshold``: ``line_msisdn`` and ``line_contract_id``.

The row's own trigger computes them from its line on insert and on any update of the
columns they derive from, and of the copied columns themselves (a stale instance saved in
full writes them back: the trigger puts them right). A line's update of its number,
contract, One Number flag, or ceasing (into or out of CESSATO) updates its rows, whose own
trigger recomputes them. PostgreSQL sets them in a BEFORE trigger (no second row version),
SQLite in an AFTER trigger (it cannot change NEW; its triggers do not fire themselves).

Used by migrations: change the SQL only with a new migration that drops and recreates it.
"""

from __future__ import annotations


def _text(value: str) -> str:
    """An SQL string literal (the state codes below)."""
    return "'" + value.replace("'", "''") + "'"


SIM_CEASED, LINE_CEASED = _text("CESSATA"), _text("CESSATO")

# The copied columns from the row ``NEW`` and its line ``l`` (``LINE_OF_NEW``, LEFT JOINed:
# no line gives '' and NULL), in the order of the copied columns of ``TABLES``.
SIM_KEYS = f"""COALESCE(l.msisdn, ''),
           CASE WHEN l.one_number THEN NEW.role ELSE '' END,
           CASE WHEN NEW.state <> {SIM_CEASED} OR l.state = {LINE_CEASED} THEN l.contract_id END"""
CHILD_KEYS = "COALESCE(l.msisdn, ''), l.contract_id"
LINE_OF_NEW = "FROM (SELECT 1) AS one LEFT JOIN records_line l ON l.id = NEW.line_id"

# table → (copied columns, the row's own columns they derive from, their values)
TABLES = {
    "records_sim": (
        ("line_msisdn", "listed_role", "listed_contract_id"),
        ("line_id", "state", "role"),
        SIM_KEYS,
    ),
    "records_lineservice": (("line_msisdn", "line_contract_id"), ("line_id",), CHILD_KEYS),
    "records_threshold": (("line_msisdn", "line_contract_id"), ("line_id",), CHILD_KEYS),
}

LINE_COLS = ("msisdn", "state", "contract_id", "one_number")


def _line_changed(ne: str) -> str:
    """A line change that moves its rows' keys (a state change only into or out of
    CESSATO: suspending a line lists the same SIMs)."""
    return (
        f"OLD.msisdn {ne} NEW.msisdn OR OLD.contract_id {ne} NEW.contract_id "
        f"OR OLD.one_number {ne} NEW.one_number "
        f"OR (OLD.state = {LINE_CEASED}) {ne} (NEW.state = {LINE_CEASED})"
    )


def _line_updates(ne: str) -> str:
    """The line's rows touched so their own trigger recomputes their keys (SIMs on any key
    change, STS and thresholds on a new number or contract)."""
    children = f"(OLD.msisdn {ne} NEW.msisdn OR OLD.contract_id {ne} NEW.contract_id)"
    return f"""
      UPDATE records_sim SET line_msisdn = NEW.msisdn WHERE line_id = NEW.id;
      UPDATE records_lineservice SET line_msisdn = NEW.msisdn
       WHERE line_id = NEW.id AND {children};
      UPDATE records_threshold SET line_msisdn = NEW.msisdn
       WHERE line_id = NEW.id AND {children};"""


def _postgresql() -> tuple[list[str], list[str]]:
    create, drop = [], []
    for table, (copied, sources, keys) in TABLES.items():
        name = table.removeprefix("records_")
        targets = ", ".join(f"NEW.{c}" for c in copied)
        create += [
            f"""CREATE FUNCTION {name}_sortkey() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      SELECT {keys} INTO {targets}
      {LINE_OF_NEW};
      RETURN NEW;
    END $$""",
            f"CREATE TRIGGER {name}_sortkey BEFORE INSERT OR UPDATE OF "
            f"{', '.join((*sources, *copied))} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {name}_sortkey()",
        ]
        drop.append(f"DROP FUNCTION IF EXISTS {name}_sortkey() CASCADE")
    ne = "IS DISTINCT FROM"
    create += [
        f"""CREATE FUNCTION line_sortkey() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {_line_updates(ne)}
      RETURN NULL;
    END $$""",
        f"CREATE TRIGGER line_sortkey AFTER UPDATE OF {', '.join(LINE_COLS)} ON records_line "
        f"FOR EACH ROW WHEN ({_line_changed(ne)}) EXECUTE FUNCTION line_sortkey()",
    ]
    drop.append("DROP FUNCTION IF EXISTS line_sortkey() CASCADE")
    return create, drop


def _sqlite() -> tuple[list[str], list[str]]:
    create = []
    for table, (copied, sources, keys) in TABLES.items():
        name = table.removeprefix("records_")
        recompute = (
            f"UPDATE {table} SET ({', '.join(copied)}) = (SELECT {keys} {LINE_OF_NEW}) "
            "WHERE id = NEW.id;"
        )
        create += [
            f"CREATE TRIGGER {name}_sortkey_ins AFTER INSERT ON {table} BEGIN {recompute} END",
            f"CREATE TRIGGER {name}_sortkey_upd AFTER UPDATE OF "
            f"{', '.join((*sources, *copied))} ON {table} BEGIN {recompute} END",
        ]
    ne = "IS NOT"
    create.append(
        f"CREATE TRIGGER line_sortkey AFTER UPDATE OF {', '.join(LINE_COLS)} ON records_line "
        f"WHEN {_line_changed(ne)} BEGIN {_line_updates(ne)} END"
    )
    names = [s.split()[2] for s in create]
    return create, [f"DROP TRIGGER IF EXISTS {n}" for n in names]


# The first fill: every row touched, its own trigger computes its keys.
FILL = [f"UPDATE {table} SET line_msisdn = line_msisdn" for table in TABLES]


def _sql(schema_editor) -> tuple[list[str], list[str]]:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        return _postgresql()
    if vendor == "sqlite":
        return _sqlite()
    raise NotImplementedError(f"sort key triggers for {vendor}")


def sortkey_create(schema_editor) -> None:
    """The migration's forward step: the triggers, then the first fill."""
    for statement in [*_sql(schema_editor)[0], *FILL]:
        schema_editor.execute(statement, params=None)


def sortkey_drop(schema_editor) -> None:
    """The backward step: the triggers go (the columns go with the fields)."""
    for statement in _sql(schema_editor)[1]:
        schema_editor.execute(statement, params=None)
