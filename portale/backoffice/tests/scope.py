"""Scope cases of the console URLs: staff sees every contract; a missing case is a 404."""

from __future__ import annotations

from django.core.files.base import ContentFile

from portale.cases.tests.helpers import attach, phone_case


def case(env):
    own = phone_case(env.contract)
    return {"user": env.users["STAFF"], "own": {"pk": own.pk}, "foreign": {"pk": own.pk + 10_000}}


def summary_pdf(env):
    own = phone_case(env.contract)
    own.summary_pdf.save("riepilogo.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    bare = phone_case(env.contract, operation="sim_block")  # no summary kept: 404
    return {"user": env.users["STAFF"], "own": {"pk": own.pk}, "foreign": {"pk": bare.pk}}


def attachment(env):
    own = phone_case(env.contract)
    other = phone_case(env.contract, operation="sim_block")
    doc = attach(case=own)
    return {
        "user": env.users["STAFF"],
        "own": {"pk": own.pk, "attachment_pk": doc.pk},
        "foreign": {"pk": other.pk, "attachment_pk": doc.pk},  # another pratica's document
    }


SCOPE_CASES = {
    "backoffice:summary_pdf": summary_pdf,
    "backoffice:attachment": attachment,
    "backoffice:case_detail": case,
    "backoffice:take": case,
    "backoffice:close": case,
    "backoffice:reject": case,
    "backoffice:suspend": case,
    "backoffice:resume": case,
    "backoffice:cancel": case,
}
