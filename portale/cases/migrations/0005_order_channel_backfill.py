"""Every ordine carries its "Canale di acquisizione": the ordini filed before it was derived
from their pratica's channel had it blank unless they came from the portal ("Web").

Fills the blank ones from their pratica, with the words ``cases.services.ORDER_CHANNELS``
uses (copied here: a migration does not import the code it outlives).
"""

from django.db import migrations

ORDER_CHANNELS = {"CONSIP8": "Web", "TELEFONO": "Telefono", "FAX": "Fax", "EMAIL": "Email"}


def backfill(apps, schema_editor):
    Order = apps.get_model("cases", "Order")
    for case_channel, channel in ORDER_CHANNELS.items():
        Order.objects.filter(channel="", case__channel=case_channel).update(channel=channel)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_case_number_label_n_degree"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
