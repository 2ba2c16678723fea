"""Reading many YAML files on two cores: a second interpreter parses while we validate.

The worker parses the files after a cut, in order, and streams its outcomes back as
marshal frames (plain data: nothing is built twice). We parse the files before the
cut; then we take the worker's answers as they come and, while some are missing,
parse the remaining files ourselves from the end (work stealing). So a busy machine,
where the worker gets no core, costs little more than reading everything here, and a
worker that fails leaves its files to us: the outcomes are the same either way.
"""

from __future__ import annotations

import marshal
import os
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Iterator
from pathlib import Path

from scheduler.input.yamlio import Located, YamlProblem, read_yaml

Outcome = Located | YamlProblem | OSError
PARALLEL_FROM = 5000  # files; below this a second process saves too little for its start
CHUNK = 100  # files per answer the worker sends
# Run with -I: the current folder (a user's mission folder, say) is never on the worker's
# path; it imports from this package's home and this process's own absolute path entries.
_WORKER = ("import gc, marshal, sys; gc.disable(); "
           "path, files, chunk = marshal.load(sys.stdin.buffer); sys.path[:0] = path; "
           "from scheduler.input.yamlworker import serve; serve(files, chunk)")


def read_outcome(path: Path | str) -> Outcome:
    """A file read as YAML, or the problem that stopped it."""
    try:
        return read_yaml(path)
    except (YamlProblem, OSError) as exc:
        return exc


def read_all(paths: list[str], parallel_from: int | None = None) -> Iterator[Outcome]:
    """Every file's outcome, in order; a second process helps with a long list."""
    cut = len(paths) // 5  # ours: while the worker starts; then we validate what it sends
    enough = len(paths) >= (PARALLEL_FROM if parallel_from is None else parallel_from)
    worker = Worker.start(paths[cut:]) if enough and spare_core() else None
    if worker is None:
        yield from map(read_outcome, paths)
        return
    try:
        yield from map(read_outcome, paths[:cut])
        yield from worker.finish(paths[cut:])
    finally:  # also when the caller stops early: no worker left behind
        worker.stop()


def spare_core() -> bool:
    """Whether a second process would get a core of its own: two or more cores, not all busy.

    On a saturated machine the worker only shares our time (and duplicates a little of
    our work), so the 1-minute load average must leave a core free.
    """
    affinity = getattr(os, "sched_getaffinity", None)
    cores = len(affinity(0)) if affinity else (os.cpu_count() or 1)
    try:
        return cores > 1 and os.getloadavg()[0] < cores - 0.5
    except OSError:
        return False


def serve(paths: list[str], chunk: int = CHUNK) -> None:
    """In the worker: read the files in order, sending outcomes in length-prefixed frames."""
    out = sys.stdout.buffer
    for first in range(0, len(paths), chunk):
        blob = marshal.dumps([_encode(read_outcome(p)) for p in paths[first:first + chunk]])
        out.write(len(blob).to_bytes(8, "little") + blob)
        out.flush()


class Worker:
    """A second interpreter reading files for us; its answers arrive on a pipe."""

    def __init__(self, process: subprocess.Popen[bytes], request: bytes) -> None:
        if process.stdin is None or process.stdout is None:
            raise ValueError("the worker must be started with pipes for its input and output")
        self.process, self.stdin, self.stdout = process, process.stdin, process.stdout
        self.received: list[bytes] = []  # raw bytes, appended by the reader thread
        self.buffer = b""
        self.offset = 0  # start of the first answer not yet taken from `buffer`
        self.ended = False
        self.writer = threading.Thread(target=self._send, args=(request,), daemon=True)
        self.reader = threading.Thread(target=self._receive, daemon=True)
        self.writer.start()
        self.reader.start()

    @classmethod
    def start(cls, paths: list[str], chunk: int = CHUNK) -> Worker | None:
        """A worker reading `paths`, or None if no interpreter could be started."""
        home = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        path = [home] + [p for p in sys.path if isinstance(p, str) and os.path.isabs(p)]
        try:
            process = subprocess.Popen([sys.executable, "-I", "-c", _WORKER],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       stderr=subprocess.DEVNULL)
        except (OSError, ValueError, TypeError):
            return None
        return cls(process, marshal.dumps((path, paths, chunk)))

    def _send(self, request: bytes) -> None:
        """Write the request (larger than a pipe holds) and close the worker's input."""
        try:
            with self.stdin:
                self.stdin.write(request)
        except OSError:
            pass

    def _receive(self) -> None:
        """Drain the worker's output as it comes, so it never waits for us to read."""
        fd = self.stdout.fileno()
        try:
            while chunk := os.read(fd, 1 << 20):
                self.received.append(chunk)
        except OSError:
            pass
        self.ended = True

    def answers(self, into: deque[Outcome]) -> bool:
        """Append every complete answer received so far; False once no more will come."""
        ended = self.ended  # read before the bytes: anything sent before the end is in them
        count = len(self.received)
        if count:
            self.buffer = self.buffer[self.offset:] + b"".join(self.received[:count])
            self.offset = 0
            del self.received[:count]
        view = memoryview(self.buffer)
        while len(view) - self.offset >= 8:
            size = int.from_bytes(view[self.offset:self.offset + 8], "little")
            if len(view) - self.offset < 8 + size:
                break
            try:
                into += map(_decode, marshal.loads(view[self.offset + 8:self.offset + 8 + size]))
            except (ValueError, EOFError, TypeError, IndexError):
                return False
            self.offset += 8 + size
        return not ended

    def finish(self, paths: list[str]) -> Iterator[Outcome]:
        """The outcomes of `paths` in order: the worker's as they come (the caller validates
        them meanwhile) and, whenever none is waiting, ours parsed from the end."""
        waiting: deque[Outcome] = deque()
        stolen: list[Outcome] = []
        given, end, alive = 0, len(paths), True
        while given < end:
            if not waiting and alive:
                alive = self.answers(waiting)
            if waiting:
                given += 1
                yield waiting.popleft()
            else:
                end -= 1
                stolen.append(read_outcome(paths[end]))
        self.stop()
        yield from reversed(stolen)

    def stop(self) -> None:
        """End the worker (it may still be reading files we no longer need); idempotent."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.writer.join()
        self.reader.join()
        self.stdout.close()


def _encode(outcome: Outcome) -> tuple:
    """An outcome as marshal-able plain values."""
    if isinstance(outcome, Located):
        return ("ok", outcome.data, outcome.text)
    if isinstance(outcome, YamlProblem):
        return ("yaml", outcome.message, outcome.line, outcome.col)
    return ("os", outcome.errno, outcome.strerror)


def _decode(encoded: tuple) -> Outcome:
    """The outcome an _encode produced."""
    if encoded[0] == "ok":
        return Located(encoded[1], encoded[2])
    if encoded[0] == "yaml":
        return YamlProblem(*encoded[1:])
    return OSError(*encoded[1:])
