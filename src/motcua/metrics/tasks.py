"""Background work of the metrics app, run by the task queue."""

from crontask import cron
from django.tasks import task

from . import exports, facts


@task
def write_export(export_id: int) -> str:
    """Write the file of a register or report asked for on the reports page (`exports.run`)."""
    return exports.run(export_id)


@cron("* * * * *")
@task
def refresh_index() -> int:
    """Bring the index's facts and tallies up to date with the dossiers changed since the last run."""
    return facts.refresh()


@cron("10 0 * * *")
@task
def take_month_end_snapshots() -> int:
    """Record the dossiers in progress at the end of each month that has ended (once per month)."""
    return facts.take_snapshots()
