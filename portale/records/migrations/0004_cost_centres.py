# Cost centres become rows of their contract (F-7.4.2): the free-text code on the line is
# turned into a CostCentre of the line's contract and a foreign key to it.

import django.db.models.deletion
from django.db import migrations, models


def codes_to_rows(apps, schema_editor):
    Line = apps.get_model("records", "Line")
    CostCentre = apps.get_model("records", "CostCentre")
    pairs = (
        Line.objects.exclude(cost_centre_code="")
        .values_list("contract_id", "cost_centre_code")
        .order_by()  # Line's default ordering (msisdn) would make DISTINCT keep every line
        .distinct()
    )
    for contract_id, code in pairs:
        centre = CostCentre.objects.create(contract_id=contract_id, code=code, name=code)
        Line.objects.filter(contract_id=contract_id, cost_centre_code=code).update(
            cost_centre=centre
        )


def rows_to_codes(apps, schema_editor):
    Line = apps.get_model("records", "Line")
    for line in Line.objects.exclude(cost_centre=None).select_related("cost_centre"):
        line.cost_centre_code = line.cost_centre.code
        line.save(update_fields=["cost_centre_code"])


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0003_einvoicing_codes_and_invoice_cancellation"),
    ]

    operations = [
        migrations.CreateModel(
            name="CostCentre",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=40, verbose_name="Codice")),
                ("name", models.CharField(blank=True, max_length=120, verbose_name="Descrizione")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="Creato il")),
                ("contract", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="cost_centres", to="records.contract")),
            ],
            options={
                "verbose_name": "centro di costo",
                "verbose_name_plural": "centri di costo",
                "ordering": ["contract", "code"],
            },
        ),
        migrations.AddConstraint(
            model_name="costcentre",
            constraint=models.UniqueConstraint(fields=("contract", "code"), name="cost_centre_code_unique"),
        ),
        migrations.AddConstraint(
            model_name="costcentre",
            constraint=models.CheckConstraint(condition=models.Q(("code", ""), _negated=True), name="cost_centre_code_not_empty"),
        ),
        migrations.RenameField(model_name="line", old_name="cost_centre", new_name="cost_centre_code"),
        migrations.AddField(
            model_name="line",
            name="cost_centre",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="lines", to="records.costcentre", verbose_name="Centro di costo"),
        ),
        migrations.RunPython(codes_to_rows, rows_to_codes, elidable=True),
        migrations.RemoveField(model_name="line", name="cost_centre_code"),
    ]
