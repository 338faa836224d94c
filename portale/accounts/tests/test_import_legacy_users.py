import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import CommandError, call_command
from django.urls import reverse

from portale.accounts.testing import otp_from_outbox

pytestmark = pytest.mark.django_db
User = get_user_model()
HEADER = "username,email,first_name,last_name,fiscal_code,mobile,entity_fiscal_code,password_hash\n"


def write(tmp_path, body):
    path = tmp_path / "legacy.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return str(path)


def test_import_and_login_with_old_credentials(tmp_path, client, employee_line):
    entity = employee_line.contract.administration.fiscal_code
    hashed = make_password("Vecchia.Pass7")
    path = write(
        tmp_path,
        f"3245618902,mario.rossi@comune.example.it,Mario,Rossi,RSSMRA66A02F839D,"
        f"{employee_line.msisdn},{entity},{hashed}\n",
    )
    call_command("import_legacy_users", path)
    user = User.objects.get(username="3245618902")
    assert user.origin == "legacy" and user.mobile == employee_line.msisdn
    r = client.post(
        reverse("accounts:login"), {"username": "3245618902", "password": "Vecchia.Pass7"}
    )
    assert r["Location"] == reverse("accounts:login_otp")
    r = client.post(reverse("accounts:login_otp"), {"code": otp_from_outbox(to=user.mobile)})
    assert r["Location"] == reverse("home:index")


def test_all_or_nothing_with_every_error_reported(tmp_path, capsys, employee):
    path = write(
        tmp_path,
        "nuovo1,ok@comune.example.it,Anna,Bianchi,RSSMRA66A02F839D,3351234567,80000000001,\n"
        f"{employee.username},x@pec.comune.it,Luca,,RSSMRA66A02F839E,123,8000,md5$bad\n",
    )
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import_legacy_users", path)
    err = capsys.readouterr().err
    for fragment in (
        "riga 3, username: già presente",
        "riga 3, email: Non sono ammessi indirizzi di Posta Elettronica Certificata",
        "riga 3, last_name: obbligatorio",
        "riga 3, fiscal_code:",
        "riga 3, mobile:",
        "riga 3, entity_fiscal_code:",
    ):
        assert fragment in err
    assert not User.objects.filter(username="nuovo1").exists()


def test_missing_columns(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("username,email\nx,y\n")
    with pytest.raises(CommandError, match="missing columns"):
        call_command("import_legacy_users", str(path))
