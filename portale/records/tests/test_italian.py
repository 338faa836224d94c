"""Identifiers of the demo data."""

import datetime

from stdnum import luhn
from stdnum.it import codicefiscale, iva

from portale.records.demo import italian


def test_fiscal_code_of_the_textbook_example():
    cf = italian.fiscal_code(
        first_name="Mario",
        last_name="Rossi",
        birth_date=datetime.date(1980, 1, 1),
        female=False,
        birthplace_code="H501",
    )
    assert cf == "RSSMRA80A01H501U"


def test_fiscal_code_rules_for_names_women_and_short_surnames():
    cf = italian.fiscal_code(
        first_name="Gianfranco",  # 4+ consonants: 1st, 3rd, 4th
        last_name="Fo",
        birth_date=datetime.date(1975, 12, 31),
        female=True,
        birthplace_code="F205",
    )
    assert cf.startswith("FOXGFR75T71F205")
    assert codicefiscale.is_valid(cf)


def test_entity_code_iccid_and_imei():
    assert iva.is_valid(italian.entity_fiscal_code("8000767042"))
    iccid = italian.iccid(42, block=1)
    assert len(iccid) == 19 and iccid.startswith("893901000") and luhn.is_valid(iccid)
    imei = italian.imei(12345)
    assert len(imei) == 15 and luhn.is_valid(imei)


def test_birthplaces_are_real_comuni_with_a_cap():
    pool = italian.birthplaces()
    assert len(pool) > 500
    assert all(c.caps and len(c.cadastral_code) == 4 for c in pool)
    assert italian.comune("Roma").cadastral_code == "H501"
