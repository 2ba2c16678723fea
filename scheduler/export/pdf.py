"""PDF agendas and table signs, rendered by WeasyPrint from the same HTML pages.

WeasyPrint needs no browser, only Debian's pango libraries. Nothing is fetched:
the URL fetcher refuses every URL, and fonts come from the system (Noto CJK for
Japanese and Chinese names). The PDF's dates come from schedule.generated (the
pages' dcterms meta tags), never from the clock, so the bytes are repeatable.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from scheduler.errors import ExportError
from scheduler.export import ExportOptions
from scheduler.export.agenda import all_agendas, check_references
from scheduler.export.html import AGENDAS, agenda_html, signage_html
from scheduler.model import MissionFolder
from scheduler.schedule import Schedule

SIGNAGE_PDF = "signage.pdf"
MAX_WORKERS = 4
PER_WORKER = 6  # a worker process pays for itself from about this many pages


def _offline_fetcher() -> object:
    """A WeasyPrint URL fetcher that refuses every URL: the pages are self-contained."""
    from weasyprint.urls import URLFetcher

    class Offline(URLFetcher):
        """Fetches nothing, from anywhere."""

        def fetch(self, url: str, headers: object = None) -> object:
            raise ValueError(f"offline: not fetching {url}")

    return Offline()


def html_to_pdf(html: str, path: Path) -> Path:
    """Render one self-contained HTML page to a PDF file (written atomically)."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        raise ExportError(f"PDF export needs WeasyPrint and the pango libraries: {exc}") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        weasyprint.HTML(string=html, url_fetcher=_offline_fetcher()).write_pdf(tmp)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


def workers(jobs: int) -> int:
    """How many processes to render `jobs` documents with (1: in this process)."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(MAX_WORKERS, cpus or 1, jobs // PER_WORKER))


def render_all(jobs: list[tuple[str, Path]]) -> list[Path]:
    """Render (html, path) pairs, in forked worker processes when there are many."""
    count = workers(len(jobs))
    if count == 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [html_to_pdf(html, path) for html, path in jobs]
    # fork, not spawn: spawn re-runs the caller's __main__ module. Each file is
    # independent, so the bytes do not depend on the number of workers.
    try:
        with ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(html_to_pdf, *zip(*jobs, strict=True), chunksize=2))
    except BrokenProcessPool:
        return [html_to_pdf(html, path) for html, path in jobs]


def write_pdf(folder: MissionFolder, schedule: Schedule, out: Path,
              options: ExportOptions) -> list[Path]:
    """Write agendas/<company>[--<delegate>].pdf and signage.pdf under `out`."""
    check_references(folder, schedule)
    jobs = [(signage_html(folder, schedule), out / SIGNAGE_PDF)]
    jobs += [(agenda_html(folder, schedule, agenda), out / AGENDAS / f"{agenda.slug}.pdf")
             for agenda in all_agendas(folder, schedule)]
    return render_all(jobs)
