"""The fast paths of loading and of the domain rules give what the plain paths give.

Loading: the fast YAML conversion (no positions) against the one that records positions,
and the second reading process against reading everything here. Domain rules: the
solver's allowed slots and free delegates against slots.company_availability, which
compares datetimes directly.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from helpers.solver_kit import company, folder, mission

from scheduler.input import yamlio, yamlworker
from scheduler.load.loader import company_paths, load
from scheduler.meaning.slots import build_slots, company_availability
from scheduler.solver import rules
from scheduler.solver.space import Space
from scheduler.tooling.generate import generate

SEEDS = sorted(p for p in (Path(__file__).parent.parent / "seeds").iterdir()
               if (p / "mission.yaml").is_file())

DOCUMENTS = [
    "id: x\nname: Genomix\ncountry: NO\nstart: 10:30\nzip: 0123\nok: yes\n",
    "a: ~\nb: null\nc: ''\nd: 'null'\ne: \"~\"\nf:\ng: [~, null, '', x]\nh: {i: , j: NULL}\n",
    "a: !!str 10:30\nb: !!null ''\nc: ! plain\nd: !!int 7\ne: !!map {x: 1}\nf: !!seq [1]\n",
    "base: &b {x: 1, y: [a, b]}\ncopy: *b\nlist: [*b, *b]\n",
    "text: |\n  two\n  lines\nfolded: >\n  one\n  line\nquoted: \"a\\tb \\u00e9\"\n",
    "- a\n- [b, c]\n- {d: e}\n- - f\n  - g\n",
    "plain\n",
    "a: 1\na: 2\n",
    "a:\n  b: 1\n  b: 2\n",
    "[a, b]: 1\n",
    "? {a: 1}\n: 2\n",
    "a: !!python/object:os.system {}\n",
    "a: !!binary aGVsbG8=\n",
    "a: !custom x\n",
    "a: [1, 2\n",
    "a: *missing\n",
    "a: b: c\n",
    "a: 'x\n",
    "%YAML 1.2\n---\na: 1\n",
    "a: 1\n---\nb: 2\n",
    "a: &a [1, 2]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
]


def outcome(text: str, record: bool) -> object:
    """Data, or the problem (message and position), from one conversion."""
    try:
        return yamlio._build(text, record)[0]
    except yamlio.YamlProblem as exc:
        return ("problem", exc.message, exc.line, exc.col)


@pytest.mark.parametrize("text", DOCUMENTS, ids=range(len(DOCUMENTS)))
def test_fast_conversion_reads_what_the_positions_reader_reads(text):
    assert outcome(text, record=False) == outcome(text, record=True)


def test_yaml_1_2_values_and_nulls_as_written():
    data = yamlio.parse_text(DOCUMENTS[0] + DOCUMENTS[1]).data
    assert (data["country"], data["start"], data["zip"], data["ok"]) == ("NO", "10:30", "0123",
                                                                         "yes")
    assert [data[k] for k in "abcdef"] == [None, None, "", "null", "~", None]
    assert data["g"] == [None, None, "", "x"] and data["h"] == {"i": None, "j": None}


def write_folder(root: Path, preset: str = "mission") -> Path:
    """A generated mission folder with a few broken company files among the good ones."""
    generate(preset, 3, root)
    files = sorted((root / "companies").glob("*.yaml"))
    files[0].write_text("id: x\nname: [unclosed\n")
    files[1].write_text(files[1].read_text().replace("name:", "nmae:", 1))
    files[2].write_bytes(b"\xff\xfe not utf-8\n")
    files[3].write_text("a: !!python/object:os.system {}\n")
    files[4].write_text(files[4].read_text() + "unavailable: [\"2026-13-01\"]\n")
    (root / "companies" / "sub").mkdir()
    (root / "companies" / "sub" / "late.yml").write_text(files[6].read_text())
    return root


def encoded(outcomes: list) -> list:
    """Outcomes in a comparable form."""
    return [yamlworker._encode(o) for o in outcomes]


def test_second_process_reads_what_this_process_reads(tmp_path, monkeypatch):
    monkeypatch.setattr(yamlworker, "spare_core", lambda: True)
    paths = [p for p, _ in company_paths(write_folder(tmp_path / "m"))]
    here = encoded(yamlworker.read_all(paths, parallel_from=len(paths) + 1))
    assert encoded(yamlworker.read_all(paths, parallel_from=1)) == here
    assert ("os", 2, "No such file or directory") in encoded(
        yamlworker.read_all([*paths, str(tmp_path / "gone.yaml")], parallel_from=1))


def test_second_process_answers_and_never_imports_from_the_current_folder(tmp_path, monkeypatch):
    paths = [p for p, _ in company_paths(write_folder(tmp_path / "m"))]
    here = encoded(yamlworker.read_all(paths, parallel_from=len(paths) + 1))
    trap = tmp_path / "cwd"
    trap.mkdir()
    (trap / "yaml.py").write_text(f"open({str(trap / 'ran')!r}, 'w').close()\n")
    monkeypatch.chdir(trap)
    worker = yamlworker.Worker.start(paths)
    assert worker is not None
    worker.reader.join()  # every answer is in: nothing left for us to read ourselves
    monkeypatch.setattr(yamlworker, "read_outcome", lambda p: pytest.fail("read here: " + p))
    assert encoded(worker.finish(paths)) == here
    assert not (trap / "ran").exists()


def test_answers_and_stolen_files_meet_in_order(tmp_path, monkeypatch):
    root = tmp_path / "b"
    generate("brokerage", 2, root)
    paths = [p for p, _ in company_paths(root)]
    here = encoded(yamlworker.read_all(paths, parallel_from=len(paths) + 1))
    read_here = []
    monkeypatch.setattr(yamlworker, "read_outcome",
                        lambda p: read_here.append(p) or yamlio_outcome(p))
    worker = yamlworker.Worker.start(paths, chunk=1)
    assert worker is not None
    assert encoded(worker.finish(paths)) == here
    assert read_here == paths[len(paths) - len(read_here):][::-1]  # stolen from the end


def yamlio_outcome(path: str) -> object:
    """read_outcome without the test's patch."""
    try:
        return yamlio.read_yaml(path)
    except (yamlio.YamlProblem, OSError) as exc:
        return exc


@pytest.mark.parametrize("breakage", ["exit", "no-python"])
def test_failing_second_process_leaves_the_files_to_this_one(tmp_path, monkeypatch, breakage):
    paths = [p for p, _ in company_paths(write_folder(tmp_path / "m"))]
    here = encoded(yamlworker.read_all(paths, parallel_from=len(paths) + 1))
    monkeypatch.setattr(yamlworker, "spare_core", lambda: True)
    if breakage == "exit":
        monkeypatch.setattr(yamlworker, "_WORKER", "import sys; sys.stdout.write('x'); sys.exit(3)")
    else:
        monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python"))
    assert encoded(yamlworker.read_all(paths, parallel_from=1)) == here


def test_load_with_a_second_process_finds_the_same_folder_and_problems(tmp_path, monkeypatch):
    root = write_folder(tmp_path / "m", "brokerage")
    monkeypatch.setattr(yamlworker, "PARALLEL_FROM", 10**9)
    alone = load(root, tmp_path)
    monkeypatch.setattr(yamlworker, "PARALLEL_FROM", 1)
    monkeypatch.setattr(yamlworker, "spare_core", lambda: True)
    shared = load(root, tmp_path)
    assert [str(p) for p in shared.problems] == [str(p) for p in alone.problems]
    assert any(":3:1: error: YAML syntax: did not find expected ',' or ']' (while parsing a flow "
               "sequence that began at line 2, column 7)" in str(p) for p in shared.problems)
    assert any("unknown key 'nmae'" in str(p) for p in shared.problems)
    assert shared.sources.keys() == alone.sources.keys()
    assert [s.located.data for s in shared.sources.values()] == \
        [s.located.data for s in alone.sources.values()]


def domain(f) -> Space:
    """The domain rules applied to a folder."""
    space = Space(f, [], build_slots(f.mission))
    for add in rules.DOMAIN_RULES:
        add(space)
    return space


def assert_domain_matches_availability(f) -> int:
    """Every company's allowed slots and free delegates equal the datetime computation."""
    space = domain(f)
    slots = build_slots(f.mission)
    for cid, c in f.companies.items():
        expected = company_availability(c, f, slots)
        assert space.people[cid] == expected, cid
        assert list(space.people[cid]) == sorted(expected), cid
        assert space.allowed[cid] == set(expected), cid
    return sum(len(p) for p in space.people.values())


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_domain_rules_match_availability_on_seeds(seed):
    loaded = load(seed)
    assert not loaded.errors
    assert assert_domain_matches_availability(loaded.folder) > 0


def test_domain_rules_match_availability_on_a_generated_fair(tmp_path):
    generate("brokerage", 5, tmp_path / "b")
    loaded = load(tmp_path / "b")
    assert not loaded.errors
    assert assert_domain_matches_availability(loaded.folder) > 0


def test_domain_rules_zones_dst_programme_and_delegates():
    m = mission(start="2026-03-28", end="2026-03-30", programme=[
        {"title": "Lunch", "start": "2026-03-29 10:20", "end": "2026-03-29 10:40",
         "venue": "mad", "attendees": ["hosts"]},
        {"title": "Fair day", "date": "2026-03-30", "blocks_meetings": True,
         "attendees": ["cluster:bio"]},
        {"title": "Flight", "kind": "transfer", "from": "tyo", "to": "mad",
         "start": "2026-03-29 17:00", "end": "2026-03-29 09:20", "attendees": ["group:g"]}],
        groups={"g": ["g1"]})
    m["partnering"][0].update(dates=["2026-03-28", "2026-03-29", "2026-03-30"], date=None,
                              windows=["09:00-11:00"])
    m["partnering"].append({"id": "v", "title": "Online", "virtual": True,
                            "timezone": "America/New_York", "dates": ["2026-03-28"],
                            "windows": ["04:00-06:00"], "meeting_minutes": 30,
                            "changeover_minutes": 0})
    split = company("a", delegates=3, parallel=True, timezone="Asia/Tokyo",
                    unavailable=["2026-03-29 17:00-17:40"])
    split["delegates"][1]["unavailable"] = ["2026-03-28 09:00 - 2026-03-29 09:40"]
    split["delegates"][2]["unavailable"] = ["2026-03-28", "2026-03-30 18:00-19:00"]
    away = company("b", delegates=1)
    away["delegates"][0]["unavailable"] = ["2026-03-28", "2026-03-29", "2026-03-30"]
    f = folder(m, [split, away, company("h", "host", attends=["v"]), company("g1", "host"),
                   company("c", cluster="bio", delegates=2), company("n", delegates=0),
                   company("o", attends=[])])
    assert assert_domain_matches_availability(f) > 0
    space = domain(f)
    assert space.people["b"] == {} and space.people["n"] == {} and space.people["o"] == {}
    assert {1, 3} <= {len(p) for p in space.people["a"].values()}  # everyone, or one left


def test_caller_stopping_early_leaves_no_worker(tmp_path, monkeypatch):
    monkeypatch.setattr(yamlworker, "spare_core", lambda: True)
    paths = [p for p, _ in company_paths(write_folder(tmp_path / "m"))]
    started = []
    start = yamlworker.Worker.start
    monkeypatch.setattr(yamlworker.Worker, "start",
                        lambda p: started.append(start(p)) or started[-1])
    outcomes = yamlworker.read_all(paths, parallel_from=1)
    next(outcomes)
    outcomes.close()
    assert started and started[0].process.returncode is not None
