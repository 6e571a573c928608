"""``newsflow eval``: quality measured on evaluation datasets, always beside a baseline from the same run."""

import typer

from newsflow.evaluation import enrichment, extraction, pubdates

app = typer.Typer(help="Measure extraction and enrichment quality against a dataset.", no_args_is_help=True)
app.command("extraction", help="Article-body extraction F1 / precision / recall vs plain trafilatura.")(
    extraction.command
)
app.command("enrichment", help="Entity and date quality vs a naive spaCy + dateparser baseline.")(enrichment.command)
app.command("pubdates", help="Publication-date precision / accuracy / cost vs htmldate fast and extensive.")(
    pubdates.command
)
