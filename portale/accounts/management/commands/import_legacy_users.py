"""Import the users of the earlier portals (Convenzione 5, 6, 7) so they log in without
registering again (F-3 "Legacy users", G-39)."""

import csv

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import identify_hasher
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from portale.accounts import validators as v

COLUMNS = [
    "username",
    "email",
    "first_name",
    "last_name",
    "fiscal_code",
    "mobile",
    "entity_fiscal_code",
    "password_hash",
]

HELP = """Import legacy portal users from a CSV file (UTF-8, comma-separated, header row).

Columns (all required except password_hash):
  username            the old username (may be numeric); must not exist already
  email               the registration e-mail (not a PEC address)
  first_name          nome
  last_name           cognome
  fiscal_code         codice fiscale personale (16 characters, check character verified)
  mobile              the registered TIM mobile number (e.g. 3351234567)
  entity_fiscal_code  codice fiscale of the Ente/Amministrazione (11 digits)
  password_hash       the password hash in Django's format ("algorithm$..."), e.g. the
                      old portal's hashes wrapped for a Django hasher; an empty value
                      leaves the account with no usable password (the user sets one through
                      "Recupera username e password")

All-or-nothing: every row is checked first; if any row is wrong, every error is reported
(row number, column, message) and nothing is imported. Imported users get origin=legacy.
They log in with their old username and password, then the SMS code, provided their line
is active in Convenzione 8.
"""


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name, subcommand, **kwargs):
        from argparse import RawDescriptionHelpFormatter

        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser):
        parser.add_argument("csv_path", help="path of the CSV file")
        parser.add_argument("--delimiter", default=",", help="field separator (default ,)")

    def handle(self, csv_path, delimiter=",", **options):
        try:
            with open(csv_path, newline="", encoding="utf-8-sig") as fh:
                reader = csv.DictReader(fh, delimiter=delimiter)
                missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
                if missing:
                    raise CommandError(f"missing columns: {', '.join(missing)}")
                rows = list(reader)
        except OSError as exc:
            raise CommandError(f"cannot read {csv_path}: {exc}") from exc
        users, errors = self.check_rows(rows)
        if errors:
            for line_no, column, message in errors:
                self.stderr.write(f"riga {line_no}, {column}: {message}")
            raise CommandError(f"{len(errors)} errors: nothing imported")
        with transaction.atomic():
            get_user_model().objects.bulk_create(users)
        self.stdout.write(self.style.SUCCESS(f"{len(users)} users imported"))

    def check_rows(self, rows):
        User = get_user_model()
        existing = {u.lower() for u in User.objects.values_list("username", flat=True)}
        seen: set[str] = set()
        users, errors = [], []
        for i, row in enumerate(rows, start=2):  # row 1 is the header
            row = {k: (row.get(k) or "").strip() for k in COLUMNS}
            row_errors = []

            def err(column, message, row_errors=row_errors, line=i):
                row_errors.append((line, column, message))

            username = row["username"]
            if not username:
                err("username", "obbligatoria")
            elif username.lower() in existing:
                err("username", "già presente nel portale")
            elif username.lower() in seen:
                err("username", "ripetuta nel file")
            else:
                try:
                    User.username_validator(username)
                except ValidationError:
                    err("username", "caratteri non ammessi")
            seen.add(username.lower())
            try:
                validate_email(row["email"])
                v.validate_not_pec(row["email"])
            except ValidationError as exc:
                err("email", exc.messages[0])
            for column in ("first_name", "last_name"):
                if not row[column]:
                    err(column, "obbligatorio")
            try:
                row["fiscal_code"] = v.validate_personal_fiscal_code(row["fiscal_code"])
            except ValidationError as exc:
                err("fiscal_code", exc.messages[0])
            try:
                row["mobile"] = v.validate_msisdn(row["mobile"])
            except ValidationError as exc:
                err("mobile", exc.messages[0])
            try:
                row["entity_fiscal_code"] = v.validate_entity_fiscal_code(row["entity_fiscal_code"])
            except ValidationError as exc:
                err("entity_fiscal_code", exc.messages[0])
            if row["password_hash"]:
                try:
                    identify_hasher(row["password_hash"])
                except ValueError:
                    err("password_hash", "formato dell'hash non riconosciuto")
            errors.extend(row_errors)
            if row_errors:
                continue
            user = User(
                username=username,
                email=row["email"],
                first_name=row["first_name"],
                last_name=row["last_name"],
                fiscal_code=row["fiscal_code"],
                mobile=row["mobile"],
                entity_fiscal_code=row["entity_fiscal_code"],
                origin=User.Origin.LEGACY,
            )
            if row["password_hash"]:
                user.password = row["password_hash"]
            else:
                user.set_unusable_password()
            users.append(user)
        return users, errors
