"""`mission import` and `mission catalogue`: registration sheets in, the catalogue out."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from scheduler.cli_options import FOLDER, catalogue_options, import_options, progress_bar
from scheduler.commands.common import print_problems


@click.command("import")
@import_options
def import_(folder: Path | None, sheet: Path | None, mapping: Path | None, sheet_name: str | None,
            side: str | None, country: str | None, skip_bad_rows: bool,
            guess: Path | None) -> None:
    """Read a registration sheet (.xlsx, .ods, .csv) into FOLDER/companies/<id>.yaml.

    \b
    One row per company or per delegate; problems named by cell, all at once;
    nothing written while a row has one; hand edits kept on re-import. Example:
      mission import --guess-mapping regs.xlsx > mapping.yaml
      mission import my-mission regs.xlsx --mapping mapping.yaml --side host
      mission import my-mission hosts.xlsx --side host --country JP
    """
    from scheduler.intake.importer import ImportOptions, guessed_mapping, import_sheet

    if guess is not None:
        return click.echo(guessed_mapping(guess, sheet_name), nl=False)
    if folder is None or sheet is None:
        raise click.UsageError("give FOLDER and SHEET (or --guess-mapping SHEET)")
    options = ImportOptions(mapping, sheet_name, side, skip_bad_rows, country)
    result = import_sheet(folder, sheet, options, progress_bar("writing profiles"))
    print_problems(result.problems) if result.problems else None
    click.echo("\n".join(result.lines))
    sys.exit(1 if result.failed else 0)


@click.command()
@click.argument("folder", type=FOLDER)
@catalogue_options
def catalogue(folder: Path, out: Path | None, formats: tuple[str, ...]) -> None:
    """Write the partnering catalogue (HTML, A4 PDF): a cover, cards, indexes.

    \b
    One card per company, grouped by side (delegation first); indexes by
    sector and by country. Example:
      mission catalogue my-mission --format pdf -o print
    """
    from scheduler.intake.catalogue import catalogue_folder

    for path in catalogue_folder(folder, out or folder / "catalogue", formats,
                                 lambda line: click.echo(line, err=True)):
        click.echo(f"wrote {path}")
