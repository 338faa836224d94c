"""The user's ``portal_version``: which cached portal context is still right (issue 17).

``portale.core.context`` derives a user's profiles from the records on every request (the
referent rows and the line of the user's mobile number, with their contracts). Reading them
cost two queries on every page; the context is now kept in the cache under the user's
``portal_version``, which is on the user row every request reads anyway. Database triggers
bump it in the same transaction as any change that could alter the context, whoever makes it
(the portal's services, the fulfilment engine, the back office, the admin, raw SQL):

- a referent row added or removed, or its mobile, role or contract changed;
- a line added or removed, or its number, state, contract or tariff plan changed;
- a contract or its administration changed (their cached rows: code, offer, name…), for
  the referents and the users of the lines of the contracts concerned.

A line's credits, which rating changes with every batch, are not part of the cached context:
the line itself is read when a page asks for it.

A stale ``User`` instance saved later must not take the version back (an old key would come
alive again): a trigger on the user row keeps the larger value.

Used by migrations: change the SQL only with a new migration that drops and recreates it.
"""

from __future__ import annotations

BUMP = "UPDATE accounts_user SET portal_version = portal_version + 1 WHERE mobile"
LINE_COLS = ("msisdn", "state", "contract_id", "tariff_plan_id")
REFERENT_COLS = ("mobile", "role", "contract_id")
# The users whose context holds the contract: its referents and the users of its lines.
CONTRACT_USERS = """
    IN (SELECT mobile FROM records_referent WHERE contract_id = {row}.id
        UNION SELECT msisdn FROM records_line WHERE contract_id = {row}.id)"""
ADMINISTRATION_USERS = """
    IN (SELECT r.mobile FROM records_referent r
          JOIN records_contract c ON c.id = r.contract_id WHERE c.administration_id = {row}.id
        UNION SELECT l.msisdn FROM records_line l
          JOIN records_contract c ON c.id = l.contract_id WHERE c.administration_id = {row}.id)"""


def _changed(cols: tuple[str, ...], ne: str) -> str:
    return " OR ".join(f"OLD.{c} {ne} NEW.{c}" for c in cols)


def _postgresql() -> tuple[list[str], list[str]]:
    create = [
        # Statement triggers: a bulk insert of 100,000 lines bumps in one UPDATE.
        *(
            f"""CREATE FUNCTION portal_version_rows_{rows}() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_TABLE_NAME = 'records_line' THEN
        {BUMP} IN (SELECT msisdn FROM {rows}_rows);
      ELSE
        {BUMP} IN (SELECT mobile FROM {rows}_rows);
      END IF;
      RETURN NULL;
    END $$"""
            for rows in ("new", "old")
        ),
        f"""CREATE FUNCTION portal_version_line_upd() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      {BUMP} IN (OLD.msisdn, NEW.msisdn);
      RETURN NULL;
    END $$""",
        f"""CREATE FUNCTION portal_version_referent_upd() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      {BUMP} IN (OLD.mobile, NEW.mobile);
      RETURN NULL;
    END $$""",
        f"""CREATE FUNCTION portal_version_contract_upd() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      {BUMP} {CONTRACT_USERS.format(row="NEW")};
      RETURN NULL;
    END $$""",
        f"""CREATE FUNCTION portal_version_administration_upd() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      {BUMP} {ADMINISTRATION_USERS.format(row="NEW")};
      RETURN NULL;
    END $$""",
        """CREATE FUNCTION portal_version_keep() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.portal_version := GREATEST(OLD.portal_version, NEW.portal_version);
      RETURN NEW;
    END $$""",
    ]
    for table in ("records_line", "records_referent"):
        short = table.removeprefix("records_")
        create += [
            f"CREATE TRIGGER portal_version_{short}_ins AFTER INSERT ON {table} "
            "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
            "EXECUTE FUNCTION portal_version_rows_new()",
            f"CREATE TRIGGER portal_version_{short}_del AFTER DELETE ON {table} "
            "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
            "EXECUTE FUNCTION portal_version_rows_old()",
        ]
    ne = "IS DISTINCT FROM"
    create += [
        f"CREATE TRIGGER portal_version_line_upd AFTER UPDATE OF {', '.join(LINE_COLS)} "
        f"ON records_line FOR EACH ROW WHEN ({_changed(LINE_COLS, ne)}) "
        "EXECUTE FUNCTION portal_version_line_upd()",
        f"CREATE TRIGGER portal_version_referent_upd AFTER UPDATE OF {', '.join(REFERENT_COLS)} "
        f"ON records_referent FOR EACH ROW WHEN ({_changed(REFERENT_COLS, ne)}) "
        "EXECUTE FUNCTION portal_version_referent_upd()",
        "CREATE TRIGGER portal_version_contract_upd AFTER UPDATE ON records_contract "
        "FOR EACH ROW EXECUTE FUNCTION portal_version_contract_upd()",
        "CREATE TRIGGER portal_version_administration_upd AFTER UPDATE ON records_administration "
        "FOR EACH ROW EXECUTE FUNCTION portal_version_administration_upd()",
        "CREATE TRIGGER portal_version_keep BEFORE UPDATE OF portal_version ON accounts_user "
        "FOR EACH ROW WHEN (NEW.portal_version < OLD.portal_version) "
        "EXECUTE FUNCTION portal_version_keep()",
    ]
    drop = [
        f"DROP FUNCTION IF EXISTS {f}() CASCADE"
        for f in (
            "portal_version_rows_new",
            "portal_version_rows_old",
            "portal_version_line_upd",
            "portal_version_referent_upd",
            "portal_version_contract_upd",
            "portal_version_administration_upd",
            "portal_version_keep",
        )
    ]
    return create, drop


def _sqlite() -> tuple[list[str], list[str]]:
    ne = "IS NOT"
    create = [
        f"CREATE TRIGGER portal_version_line_ins AFTER INSERT ON records_line "
        f"BEGIN {BUMP} = NEW.msisdn; END",
        f"CREATE TRIGGER portal_version_line_del AFTER DELETE ON records_line "
        f"BEGIN {BUMP} = OLD.msisdn; END",
        f"CREATE TRIGGER portal_version_line_upd AFTER UPDATE ON records_line "
        f"WHEN {_changed(LINE_COLS, ne)} BEGIN {BUMP} IN (OLD.msisdn, NEW.msisdn); END",
        f"CREATE TRIGGER portal_version_referent_ins AFTER INSERT ON records_referent "
        f"BEGIN {BUMP} = NEW.mobile; END",
        f"CREATE TRIGGER portal_version_referent_del AFTER DELETE ON records_referent "
        f"BEGIN {BUMP} = OLD.mobile; END",
        f"CREATE TRIGGER portal_version_referent_upd AFTER UPDATE ON records_referent "
        f"WHEN {_changed(REFERENT_COLS, ne)} BEGIN {BUMP} IN (OLD.mobile, NEW.mobile); END",
        f"CREATE TRIGGER portal_version_contract_upd AFTER UPDATE ON records_contract "
        f"BEGIN {BUMP} {CONTRACT_USERS.format(row='NEW')}; END",
        f"CREATE TRIGGER portal_version_administration_upd AFTER UPDATE ON records_administration "
        f"BEGIN {BUMP} {ADMINISTRATION_USERS.format(row='NEW')}; END",
        # SQLite cannot change NEW: put the larger value back (triggers do not recurse).
        "CREATE TRIGGER portal_version_keep AFTER UPDATE OF portal_version ON accounts_user "
        "WHEN NEW.portal_version < OLD.portal_version BEGIN "
        "UPDATE accounts_user SET portal_version = OLD.portal_version WHERE id = NEW.id; END",
    ]
    names = [s.split()[2] for s in create]
    return create, [f"DROP TRIGGER IF EXISTS {n}" for n in names]


def portal_version_create(schema_editor) -> None:
    """The migration's forward step."""
    for statement in _sql(schema_editor)[0]:
        schema_editor.execute(statement, params=None)


def portal_version_drop(schema_editor) -> None:
    """The backward step: the triggers go (the column goes with the field)."""
    for statement in _sql(schema_editor)[1]:
        schema_editor.execute(statement, params=None)


def _sql(schema_editor) -> tuple[list[str], list[str]]:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        return _postgresql()
    if vendor == "sqlite":
        return _sqlite()
    raise NotImplementedError(f"portal_version triggers for {vendor}")
