import warnings

from django.db import DatabaseError, migrations, transaction

# The planner thinks testing a tsvector against a tsquery costs as little as
# comparing two numbers, so for a query with many words (synonyms, Spanish
# stems, concepts) it reads every entry instead of asking the GIN index for
# the few thousand that match: 3 to 4 times slower. A realistic cost fixes
# the choice. Only a superuser may change a built-in function's cost.
TS_MATCH_COST = 100


def reindex(apps, schema_editor):
    # Indexed documents now hold a word for each of their service's terms,
    # which concepts search for: every entry is rewritten once.
    from resources.search import rebuild_index

    rebuild_index()


def set_cost(cost):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        statement = f"ALTER FUNCTION ts_match_vq(tsvector, tsquery) COST {cost}"
        try:
            connection = schema_editor.connection
            with transaction.atomic(using=connection.alias), connection.cursor() as c:
                c.execute(statement)
        except DatabaseError:
            warnings.warn(
                f"Could not run `{statement}` (it needs a superuser): searches "
                "with many words will be slower. See README, PostgreSQL.",
                stacklevel=1,
            )

    return run


class Migration(migrations.Migration):
    # Not one transaction: the rebuild commits batch by batch, as
    # `manage.py rebuild_indexes` does, so search keeps working meanwhile.
    atomic = False

    dependencies = [("resources", "0017_service_coverage")]

    operations = [
        migrations.RunPython(set_cost(TS_MATCH_COST), set_cost(1)),
        migrations.RunPython(reindex, migrations.RunPython.noop),
    ]
