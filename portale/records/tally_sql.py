"""SQL of the maintained totals of rows that hang on a line (issue 17), shared by the
migrations that create them: a tally table counts the rows of ``source`` per contract of
their line and per some of their columns, and triggers keep it right on PostgreSQL and on
SQLite whenever a row is added, removed or changed in a grouped column, and whenever a line
moves to another contract with its rows. Reading a contract's total is then a handful of
rows instead of a scan of the contract.

Used by migrations: change the SQL only with a new migration that drops and recreates the
triggers.
"""

from __future__ import annotations


def line_child_tally_sql(source: str, tally: str, cols: tuple[str, ...], count: str):
    name = source.removeprefix("records_")
    group = ", ".join(cols)
    upsert = f"""
    ON CONFLICT (contract_id, {group}) DO UPDATE
       SET {count} = {tally}.{count} + excluded.{count};"""

    def row_delta(row: str, sign: str) -> str:
        """One ``row`` (OLD/NEW) more or less in the group of its line's contract."""
        picked = ", ".join(f"{row}.{c}" for c in cols)
        return f"""
    INSERT INTO {tally} (contract_id, {group}, {count})
    SELECT l.contract_id, {picked}, {sign}1
      FROM records_line l WHERE l.id = {row}.line_id {upsert}"""

    def line_move(row: str, sign: str) -> str:
        """Every row of line ``row`` (OLD/NEW) more or less in the groups of its contract."""
        picked = ", ".join(f"s.{c}" for c in cols)
        return f"""
    INSERT INTO {tally} (contract_id, {group}, {count})
    SELECT {row}.contract_id, {picked}, {sign}count(*)
      FROM {source} s WHERE s.line_id = {row}.id
     GROUP BY {picked} {upsert}"""

    changed = " OR ".join(f"OLD.{c} {{ne}} NEW.{c}" for c in ("line_id", *cols))
    moved = "OLD.contract_id {ne} NEW.contract_id"
    pg_ne, lite_ne = "IS DISTINCT FROM", "IS NOT"
    postgres = [
        f"""CREATE FUNCTION {name}_tally() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF lower(TG_OP) IN ('update', 'delete') THEN {row_delta("OLD", "-")} END IF;
      IF lower(TG_OP) IN ('insert', 'update') THEN {row_delta("NEW", "+")} END IF;
      RETURN NULL;
    END $$""",
        f"CREATE TRIGGER {name}_tally_ins AFTER INSERT ON {source} "
        f"FOR EACH ROW EXECUTE FUNCTION {name}_tally()",
        f"CREATE TRIGGER {name}_tally_del AFTER DELETE ON {source} "
        f"FOR EACH ROW EXECUTE FUNCTION {name}_tally()",
        f"CREATE TRIGGER {name}_tally_upd AFTER UPDATE ON {source} "
        f"FOR EACH ROW WHEN ({changed.format(ne=pg_ne)}) EXECUTE FUNCTION {name}_tally()",
        f"""CREATE FUNCTION {name}_line_move() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      {line_move("OLD", "-")}
      {line_move("NEW", "+")}
      RETURN NULL;
    END $$""",
        f"CREATE TRIGGER {name}_line_move AFTER UPDATE ON records_line FOR EACH ROW "
        f"WHEN ({moved.format(ne=pg_ne)}) EXECUTE FUNCTION {name}_line_move()",
    ]
    postgres_drop = [
        f"DROP FUNCTION IF EXISTS {name}_tally() CASCADE",
        f"DROP FUNCTION IF EXISTS {name}_line_move() CASCADE",
    ]
    sqlite = [
        f"CREATE TRIGGER {name}_tally_ins AFTER INSERT ON {source} "
        f"BEGIN {row_delta('NEW', '+')} END",
        f"CREATE TRIGGER {name}_tally_del AFTER DELETE ON {source} "
        f"BEGIN {row_delta('OLD', '-')} END",
        f"CREATE TRIGGER {name}_tally_upd AFTER UPDATE ON {source} "
        f"WHEN {changed.format(ne=lite_ne)} "
        f"BEGIN {row_delta('OLD', '-')} {row_delta('NEW', '+')} END",
        f"CREATE TRIGGER {name}_line_move AFTER UPDATE ON records_line "
        f"WHEN {moved.format(ne=lite_ne)} "
        f"BEGIN {line_move('OLD', '-')} {line_move('NEW', '+')} END",
    ]
    sqlite_drop = [
        *(f"DROP TRIGGER IF EXISTS {name}_tally_{op}" for op in ("ins", "del", "upd")),
        f"DROP TRIGGER IF EXISTS {name}_line_move",
    ]
    picked = ", ".join(f"s.{c}" for c in cols)
    fill = f"""
    INSERT INTO {tally} (contract_id, {group}, {count})
    SELECT l.contract_id, {picked}, count(*)
      FROM {source} s JOIN records_line l ON l.id = s.line_id
     GROUP BY l.contract_id, {picked}"""
    return {
        "postgresql": (postgres, postgres_drop),
        "sqlite": (sqlite, sqlite_drop),
        "fill": fill,
    }


def tally_storage_sql(table: str) -> str:
    """PostgreSQL storage of a tally table. A tally row is updated by every change of a row
    of its group: 100,000 rows loaded leave 100,000 dead versions of a handful of rows, and
    every read walks them until VACUUM (measured on the served benchmark's database, where
    autovacuum was off: 21,473 row versions, 51 ms for 16 live rows). So the table is
    vacuumed after a fixed number of dead rows, not a share of a table that never grows, and
    leaves room on each page for HOT updates."""
    return (
        f"ALTER TABLE {table} SET (fillfactor = 50, autovacuum_vacuum_scale_factor = 0, "
        "autovacuum_vacuum_threshold = 1000, autovacuum_analyze_scale_factor = 0, "
        "autovacuum_analyze_threshold = 1000)"
    )


def tallies_create(schema_editor, specs, *, storage=()) -> None:
    """A migration's forward step: the storage of the ``storage`` tally tables (PostgreSQL),
    then for each (source, tally, columns, count) spec its triggers and its first fill."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in storage:
            schema_editor.execute(tally_storage_sql(table), params=None)
    for spec in specs:
        sql = line_child_tally_sql(*spec)
        if vendor not in sql:
            raise NotImplementedError(f"tally triggers for {vendor}")
        for statement in [*sql[vendor][0], sql["fill"]]:
            schema_editor.execute(statement, params=None)


def tallies_drop(schema_editor, specs) -> None:
    """The backward step: the triggers of each spec go (the tables go with the model)."""
    vendor = schema_editor.connection.vendor
    for spec in specs:
        for statement in line_child_tally_sql(*spec).get(vendor, ([], []))[1]:
            schema_editor.execute(statement, params=None)
