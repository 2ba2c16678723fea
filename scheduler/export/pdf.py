"""PDF agendas and table signs, rendered by WeasyPrint from the same HTML pages.

WeasyPrint needs no browser, only Debian's pango libraries. Nothing is fetched:
the URL fetcher refuses every URL, and fonts come from the system (Noto CJK for
Japanese and Chinese names). The PDF's dates come from schedule.generated (the
pages' dcterms meta tags), never from the clock, so the bytes are repeatable.

Rendering is nearly all of an export's time: each process keeps one font
configuration and the print stylesheet parsed once (a fifth less CPU per page than a
fresh configuration each time), and many pages go to one forked process per core.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from scheduler.errors import ExportError
from scheduler.export.agenda import all_agendas, check_references
from scheduler.export.files import Publisher
from scheduler.export.html import TEMPLATES, agenda_html, signage_html
from scheduler.export.options import ExportOptions
from scheduler.input.model import MissionFolder
from scheduler.schedule import Schedule, write_atomic

SIGNAGE_PDF = "signage.pdf"
STYLESHEET = "print.css"  # inlined into every page by base.html.j2
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


@dataclass(frozen=True)
class _Renderer:
    """What every page of one process shares: fonts, the parsed stylesheet, the fetcher."""

    pid: int
    fonts: object
    css: object
    css_text: str
    fetcher: object


_RENDERER: list[_Renderer] = []  # this process's, made on first use


def _renderer() -> _Renderer:
    """This process's renderer (a forked worker makes its own: fontconfig is per process)."""
    if _RENDERER and _RENDERER[0].pid == os.getpid():
        return _RENDERER[0]
    try:
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration
    except (ImportError, OSError) as exc:
        raise ExportError(f"PDF export needs WeasyPrint and the pango libraries: {exc}") from None
    fonts = FontConfiguration()
    css_text = (TEMPLATES / STYLESHEET).read_text(encoding="utf-8")
    css = weasyprint.CSS(string=css_text, font_config=fonts, url_fetcher=_offline_fetcher())
    _RENDERER[:] = [_Renderer(os.getpid(), fonts, css, css_text, _offline_fetcher())]
    return _RENDERER[0]


def pdf_bytes(html: str) -> bytes:
    """Render one self-contained HTML page to the bytes of a PDF."""
    import weasyprint

    tools = _renderer()
    # The pages inline the print stylesheet (they open alone); it is parsed once per process
    # instead, which renders the same bytes.
    shared = tools.css_text in html
    page = html.replace(tools.css_text, "", 1) if shared else html
    return weasyprint.HTML(string=page, url_fetcher=tools.fetcher).write_pdf(
        font_config=tools.fonts, stylesheets=[tools.css] if shared else None)


def html_to_pdf(html: str, path: Path) -> Path:
    """Render one self-contained HTML page to a PDF file (written atomically)."""
    write_atomic(path, pdf_bytes(html))
    return path


def workers(jobs: int) -> int:
    """How many processes to render `jobs` documents with (1: in this process)."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(MAX_WORKERS, cpus or 1, jobs // PER_WORKER))


def render_all(pages: list[str]) -> Iterator[bytes]:
    """PDF bytes of each HTML page in order, rendered in forked worker processes when there
    are many; yielded one by one, so a large event's PDFs are never all in memory."""
    count = workers(len(pages))
    done = 0
    if count > 1 and "fork" in multiprocessing.get_all_start_methods():
        # fork, not spawn: spawn re-runs the caller's __main__ module. Each file is
        # independent, so the bytes do not depend on the number of workers. WeasyPrint is
        # imported before the fork, so the workers share it instead of each importing it.
        _renderer()
        try:
            with ProcessPoolExecutor(count,
                                     mp_context=multiprocessing.get_context("fork")) as pool:
                for data in pool.map(pdf_bytes, pages, chunksize=2):
                    done += 1
                    yield data
        except BrokenProcessPool:
            pass  # a worker died: render the rest here
    for html in pages[done:]:
        yield pdf_bytes(html)


def write_pdf(folder: MissionFolder, schedule: Schedule, out: Path,
              options: ExportOptions) -> list[Path]:
    """Write agendas/<company>.pdf, agendas/<company>/<delegate>.pdf and signage.pdf under
    `out`, never through a link leading out of it."""
    check_references(folder, schedule)
    names = [SIGNAGE_PDF]
    pages = [signage_html(folder, schedule)]
    for agenda in all_agendas(folder, schedule, options.links):
        names.append(agenda.file("pdf"))
        pages.append(agenda_html(folder, schedule, agenda))
    publisher = Publisher(out)
    return [publisher.write(name, data)
            for name, data in zip(names, render_all(pages), strict=True)]
