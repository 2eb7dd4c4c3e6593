from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mirakl_sandbox", "0002_shop_debit_delay"),
    ]

    operations = [
        migrations.AddField(
            model_name="sandboxofferexport",
            name="include_inactive_offers",
            field=models.BooleanField(
                default=False, help_text="Full export only: also list inactive offers."
            ),
        ),
    ]
