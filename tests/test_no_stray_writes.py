"""No stray writes: the package writes only where it is told to, and is repeatable.

Every public function that writes (``large_dataset`` into its cache folder,
``save_checkpoint``, ``train(checkpoint=...)``, ``write_london_csv``, the data command
line (which, installed, refuses to write without a path), the learner-edition writer,
the hosting script) runs here with its target in ``tmp_path`` and
``NGOPT_CACHE`` pointing into ``tmp_path``. Two independent witnesses check that
nothing lands anywhere else:

- an audit hook (``sys.addaudithook``, PEP 578) records every file the process opens
  for writing, creates, renames, replaces or deletes while a test is watching: each
  path must lie inside ``tmp_path``;
- a snapshot of the repository's files (name, size, modification time) taken before
  and compared after: nothing in the work tree may appear, change or vanish.

The functions that only read (the whole compute floor, the progress summary) must write
nothing at all. Running the same writing calls twice gives byte-identical files
(repeatable). And no writer replaces a file it did not make unless told to: each one,
aimed at an existing file, leaves it byte for byte as it was and names the path and the
flag that would replace it (the section "Nothing a learner owns is overwritten").
(The ban on pickle, eval and exec in the package's source is tests/test_architecture.py.)
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

nbformat = pytest.importorskip("nbformat")

import ngopt_course as ng
from ngopt_course.experiments import noisy
from ngopt_course.data import write_london_csv

REPO = Path(__file__).resolve().parents[1]
# Not the package's doing: git's own files, the virtual environment, and the caches
# Python and pytest write for themselves (bytecode, .pytest_cache, .hypothesis).
SKIP_DIRS = {".git", ".venv", "__pycache__", ".pytest_cache", ".hypothesis", ".ipynb_checkpoints"}

# ---------------------------------------------------------------------------
# The audit hook: one per process (hooks cannot be removed), active while watching
# ---------------------------------------------------------------------------

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_PATH_EVENTS = {  # event -> positions of the path arguments it writes to
    "os.rename": (0, 1), "os.replace": (0, 1), "os.remove": (0,), "os.rmdir": (0,), "os.mkdir": (0,),
    "os.truncate": (0,), "os.symlink": (1,), "os.link": (1,), "os.chmod": (0,), "os.utime": (0,),
    "shutil.rmtree": (0,), "shutil.copyfile": (1,), "shutil.move": (1,),
}
_recording: list | None = None
_lock = threading.Lock()


def _as_path(value):
    if isinstance(value, bytes):
        value = os.fsdecode(value)
    if isinstance(value, (str, os.PathLike)):
        return Path(os.path.abspath(value))
    return None  # a file descriptor: its path was recorded when it was opened


def _hook(event, args):
    if _recording is None:
        return
    paths = []
    if event == "open":
        path, mode, flags = args
        writes = any(c in mode for c in "wax+") if isinstance(mode, str) else bool(flags & _WRITE_FLAGS)
        if writes:
            paths = [path]
    elif event in _PATH_EVENTS:
        paths = [args[i] for i in _PATH_EVENTS[event] if i < len(args)]
    elif event == "subprocess.Popen":
        paths = [f"<subprocess {args[1]!r}>"]
    for path in paths:
        resolved = _as_path(path)
        if resolved is not None or isinstance(path, str):
            with _lock:
                _recording.append((event, resolved or path))


sys.addaudithook(_hook)  # idle (one check) whenever no test is recording


@contextlib.contextmanager
def recording_writes():
    """Collect ``(event, path)`` for every write the process makes inside the block."""
    global _recording
    writes: list = []
    _recording = writes
    try:
        yield writes
    finally:
        _recording = None


def repo_snapshot():
    """{relative path: (size, mtime_ns)} of every file in the work tree but SKIP_DIRS."""
    snap = {}
    for folder, dirs, files in os.walk(REPO):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
        for name in files:
            path = Path(folder) / name
            try:
                st = path.stat()
            except FileNotFoundError:  # vanished while walking
                continue
            snap[str(path.relative_to(REPO))] = (st.st_size, st.st_mtime_ns)
    return snap


def assert_only_inside(writes, *roots):
    roots = [Path(os.path.abspath(r)) for r in roots]
    stray = [(event, path) for event, path in writes
             if not (isinstance(path, Path) and any(path == r or r in path.parents for r in roots))]
    assert not stray, f"writes outside {[str(r) for r in roots]}: {stray}"


def assert_repo_unchanged(before):
    after = repo_snapshot()
    changed = sorted(k for k in before.keys() & after.keys() if before[k] != after[k])
    assert (sorted(after.keys() - before.keys()), sorted(before.keys() - after.keys()), changed) == ([], [], []), (
        "the work tree changed (new, removed, modified files)"
    )


@pytest.fixture
def watch(tmp_path, monkeypatch):
    """Point NGOPT_CACHE into tmp_path, then record writes and check the repository around the test."""
    monkeypatch.setenv("NGOPT_CACHE", str(tmp_path / "cache"))
    from tqdm.auto import tqdm  # noqa: F401  (imported lazily by train: load it before watching)

    before = repo_snapshot()
    with recording_writes() as writes:
        yield writes
    assert_repo_unchanged(before)


def _files(folder):
    return sorted(str(p.relative_to(folder)) for p in Path(folder).rglob("*") if p.is_file())


# ---------------------------------------------------------------------------
# The witnesses themselves work
# ---------------------------------------------------------------------------

def test_the_audit_hook_sees_each_kind_of_write(tmp_path):
    with recording_writes() as writes:
        (tmp_path / "a.txt").write_text("x")
        with open(tmp_path / "b.bin", "xb"):
            pass
        (tmp_path / "d").mkdir()
        os.replace(tmp_path / "a.txt", tmp_path / "c.txt")
        np.save(tmp_path / "e.npy", np.zeros(2))
        (tmp_path / "b.bin").unlink()
        (tmp_path / "c.txt").read_text()  # reading is not writing
    events = [(e, p.name) for e, p in writes]
    # (os.replace is audited as "os.rename", with both paths)
    assert events == [("open", "a.txt"), ("open", "b.bin"), ("os.mkdir", "d"), ("os.rename", "a.txt"),
                      ("os.rename", "c.txt"), ("open", "e.npy"), ("os.remove", "b.bin")]
    with pytest.raises(AssertionError, match="writes outside"):
        assert_only_inside(writes, tmp_path / "d")
    assert_only_inside(writes, tmp_path)


def test_the_snapshot_sees_a_new_file():
    before = repo_snapshot()
    probe = REPO / "build" / "ngopt-stray-write-probe.txt"  # build/ is git-ignored
    probe.parent.mkdir(exist_ok=True)
    try:
        probe.write_text("x")
        with pytest.raises(AssertionError, match="the work tree changed"):
            assert_repo_unchanged(before)
    finally:
        probe.unlink()
        with contextlib.suppress(OSError):
            probe.parent.rmdir()
    assert_repo_unchanged(before)


# ---------------------------------------------------------------------------
# The functions that write
# ---------------------------------------------------------------------------

def test_large_dataset_writes_only_into_its_cache_folder(tmp_path, watch):
    X, Y = ng.large_dataset(m=300, n=3, seed=1, progress=False)       # NGOPT_CACHE
    X2, Y2 = ng.large_dataset(m=300, n=3, seed=1, progress=True)      # reused, nothing written
    other = tmp_path / "other"
    X3, _ = ng.large_dataset(m=300, n=3, seed=1, cache_dir=other, progress=False)
    assert_only_inside(watch, tmp_path / "cache", other)
    assert _files(tmp_path / "cache") == ["large_m300_n3_seed1_v1_X.npy", "large_m300_n3_seed1_v1_Y.npy"]
    assert _files(other) == _files(tmp_path / "cache")
    # repeatable: the same arguments give the same bytes, wherever they are written
    for name in _files(other):
        assert (other / name).read_bytes() == (tmp_path / "cache" / name).read_bytes()
    np.testing.assert_array_equal(X2, X)
    np.testing.assert_array_equal(X3, X)
    del X, Y, X2, Y2, X3


def test_checkpoints_write_only_the_file_named(tmp_path, watch):
    X, Y = ng.make_moons(40, seed=0)
    target = tmp_path / "runs" / "first.npz"
    ng.train(X, Y, [2, 3, 1], ng.Adam(0.01), num_epochs=3, checkpoint=target, checkpoint_every=1,
             progress=True, print_every=1)
    saved = ng.load_checkpoint(target)
    ng.save_checkpoint(tmp_path / "copy.npz", saved)
    ng.save_checkpoint(tmp_path / "copy.npz", saved)  # over the file this session wrote
    ng.train(X, Y, [2, 3, 1], ng.Adam(0.01), num_epochs=4, resume_from=target,
             checkpoint=tmp_path / "resumed.npz", progress=False)
    assert_only_inside(watch, tmp_path)
    # the file named and nothing else: the temporary files were renamed or removed
    assert _files(tmp_path) == ["copy.npz", "resumed.npz", "runs/first.npz"]
    assert (tmp_path / "copy.npz").read_bytes() == target.read_bytes()  # repeatable, byte for byte
    assert saved.epoch == 3 and ng.load_checkpoint(tmp_path / "resumed.npz").epoch == 4


def test_a_failed_save_leaves_no_file_behind(tmp_path, watch):
    X, Y = ng.make_moons(20, seed=0)
    ng.train(X, Y, [2, 1], ng.GradientDescent(0.1), num_epochs=1, checkpoint=tmp_path / "ok.npz", progress=False)
    broken = ng.load_checkpoint(tmp_path / "ok.npz")
    broken.optimizer_name = "Nesterov"
    with pytest.raises(TypeError, match="optimizer_name == 'Nesterov'"):
        ng.save_checkpoint(tmp_path / "bad.npz", broken)
    assert _files(tmp_path) == ["ok.npz"]
    assert_only_inside(watch, tmp_path)


def test_london_csv_writers_write_only_the_path_given(tmp_path, watch):
    from ngopt_course.make_data import main

    first = write_london_csv(tmp_path / "csv" / "london.csv")
    assert main(["--write-london", str(tmp_path / "again.csv")]) == 0
    assert_only_inside(watch, tmp_path)
    assert _files(tmp_path) == ["again.csv", "csv/london.csv"]
    assert first.read_bytes() == (tmp_path / "again.csv").read_bytes() == ng.data.LONDON_CSV.read_bytes()


def test_an_installed_package_writes_no_london_csv_without_a_path(tmp_path, monkeypatch, watch, capsys):
    # Installed (no pyproject.toml beside the package, as in site-packages): refused, not
    # written into the package's own folder.
    from ngopt_course.make_data import main

    site = tmp_path / "site-packages"
    site.mkdir()
    monkeypatch.setattr(ng.data, "_REPO_ROOT", site)
    already = len(watch)                              # the test's own mkdir above
    with pytest.raises(SystemExit):
        main(["--write-london"])
    assert "--write-london needs a PATH" in capsys.readouterr().err
    assert watch[already:] == [] and list(site.iterdir()) == []


def test_the_learner_edition_writes_only_into_its_out_folder(tmp_path, watch):
    editions = pytest.importorskip("ngopt_course.editions")
    notebooks = sorted((REPO / "notebooks").glob("*.ipynb"))
    assert notebooks, "the course has notebooks"
    written = editions.write_learner_edition(notebooks, tmp_path / "learner")
    assert editions.main(["learner", "--out", str(tmp_path / "again"), *map(str, notebooks)]) == 0
    assert_only_inside(watch, tmp_path)
    assert sorted(p.name for p in written) == [p.name for p in notebooks] == _files(tmp_path / "learner")
    for nb in notebooks:  # repeatable
        assert (tmp_path / "learner" / nb.name).read_bytes() == (tmp_path / "again" / nb.name).read_bytes()


def test_the_hosting_script_writes_only_the_files_named(tmp_path, watch):
    from ngopt_course import hosting

    notebook = tmp_path / "nb" / "00_welcome.ipynb"
    readme = tmp_path / "README.md"
    notebook.parent.mkdir()
    notebook.write_bytes((REPO / "notebooks" / "00_welcome.ipynb").read_bytes())
    readme.write_text("# Course\n\n## Quick start\n\nRun it.\n")
    assert hosting.main(["colab-cell", "--write", str(notebook)]) == 0
    assert hosting.main(["readme", "--write", str(readme), "--notebooks", str(notebook.parent)]) == 0
    assert_only_inside(watch, tmp_path)
    assert _files(tmp_path) == ["README.md", "nb/00_welcome.ipynb"]
    assert hosting.README_HEADING in readme.read_text()


def test_the_default_cache_is_outside_the_work_tree_when_told(tmp_path, watch):
    # NGOPT_CACHE wins: nothing is created in <repository>/.cache
    assert ng.data.default_cache_dir() == tmp_path / "cache"
    assert watch == []


# ---------------------------------------------------------------------------
# The functions that only compute write nothing, anywhere
# ---------------------------------------------------------------------------

def test_the_compute_floor_writes_nothing(tmp_path, watch):
    X, Y = ng.make_moons(60, seed=0)
    days, temps = ng.london_temperatures()
    ng.generate_london_temperatures()
    ng.seasonal_cycle(days)
    ng.random_mini_batches(X, Y, 16)
    list(ng.iter_mini_batches(X, Y, 16))
    ng.ewa(temps, 0.9, bias_correction=True)
    ng.ewa_loop(temps, 0.9)
    ng.tabulate_schedule(lambda e: ng.inverse_time_decay(0.2, e, 1.0), 10)
    params = ng.initialize_parameters([2, 4, 1])
    ng.cost_and_grads(X, Y, params)
    ng.gradient_check(X[:, :5], Y[:, :5], ng.initialize_parameters([2, 2, 1]))
    ng.accuracy(X, Y, params)
    for name in ng.SURFACES:
        ng.run_on_surface(name, "adam", num_steps=20)
        ng.surface_grid(name, 20)
    ng.train(X, Y, [2, 4, 1], ng.Momentum(0.1), num_epochs=3, progress=True, print_every=1, time_budget=60)
    line_X, line_Y = noisy.make_line_data(50)
    run = noisy.run_minibatch_gd(line_X, line_Y, 0.05, num_epochs=3)
    noisy.mean_distance_last_epochs(run, 2)
    assert watch == [], f"a function that only computes wrote: {watch}"


# ---------------------------------------------------------------------------
# Nothing a learner owns is overwritten: each writer, aimed at an existing file
# ---------------------------------------------------------------------------

def _bytes(folder):
    return {name: (Path(folder) / name).read_bytes() for name in _files(folder)}


def test_the_learner_edition_over_a_worked_folder_changes_no_byte(tmp_path, watch, capsys):
    from ngopt_course import editions

    notebooks = sorted((REPO / "notebooks").glob("*.ipynb"))
    folder = tmp_path / "my-course"
    assert editions.main(["learner", "--out", str(folder)]) == 0
    # The learner works: solves an exercise, writes a note, runs a cell (an output).
    worked = folder / "02_exponentially_weighted_averages.ipynb"
    text = worked.read_text(encoding="utf-8")
    assert 'raise NotImplementedError(\\"Exercise: write the body of ewa\\")' in text
    worked.write_text(text.replace('raise NotImplementedError(\\"Exercise: write the body of ewa\\")',
                                   "return theta  # my try"), encoding="utf-8")
    (folder / "notes.txt").write_text("beta = 0.9 averages about 10 days")
    before = _bytes(folder)
    capsys.readouterr()
    assert editions.main(["learner", "--out", str(folder)]) == 0      # again, e.g. after an update
    assert _bytes(folder) == before                                      # every byte, no new file
    said = capsys.readouterr().out.splitlines()
    assert said[2] == ("kept 02_exponentially_weighted_averages.ipynb (you changed it; the course's version "
                       "is still the one it was written from)")
    assert said[0] == "unchanged 00_welcome.ipynb (already the course's current version)"
    assert said[-1] == f"the learner edition of {len(notebooks)} notebook(s) in {folder}: 1 kept, 9 unchanged"
    assert_only_inside(watch, tmp_path)


def test_save_checkpoint_refuses_a_file_it_did_not_write(tmp_path, watch, monkeypatch):
    from ngopt_course import checkpoints

    X, Y = ng.make_moons(40, seed=0)
    ng.train(X, Y, [2, 3, 1], ng.Adam(0.01), num_epochs=2, checkpoint=tmp_path / "a.npz", progress=False)
    saved = ng.load_checkpoint(tmp_path / "a.npz")
    theirs = tmp_path / "yesterday.npz"
    theirs.write_bytes(b"the learner's 500 epochs")
    with pytest.raises(FileExistsError, match=r"refusing to replace '.*yesterday\.npz'.*overwrite=True"):
        ng.save_checkpoint(theirs, saved)
    steps = []
    with pytest.raises(FileExistsError, match=r"yesterday\.npz"):       # train refuses it too, before training
        ng.train(X, Y, [2, 3, 1], ng.Adam(0.01), num_epochs=1, checkpoint=theirs, progress=False,
                 callback=lambda params, step, seconds: steps.append(step))
    assert steps == []                                                   # not one step was trained for nothing
    assert theirs.read_bytes() == b"the learner's 500 epochs"
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["a.npz", "yesterday.npz"]  # no temp file
    # A file this session wrote, changed since by someone else: refused as well.
    mine = tmp_path / "mine.npz"
    ng.save_checkpoint(mine, saved)
    ng.save_checkpoint(mine, saved)                                      # its own file: replaced
    mine.write_bytes(mine.read_bytes() + b"\0")
    with pytest.raises(FileExistsError, match="changed since"):
        ng.save_checkpoint(mine, saved)
    # Told: replaced.
    ng.save_checkpoint(theirs, saved, overwrite=True)
    assert theirs.read_bytes() == (tmp_path / "a.npz").read_bytes()
    with pytest.raises(TypeError, match="overwrite must be True or False, got 'yes'"):
        ng.save_checkpoint(theirs, saved, overwrite="yes")
    # A new session resumes from a file and saves its continuation there: allowed.
    monkeypatch.setattr(checkpoints, "_OWN_FILES", {})
    ng.train(X, Y, [2, 3, 1], ng.Adam(0.01), num_epochs=3, resume_from=tmp_path / "a.npz",
             checkpoint=tmp_path / "a.npz", progress=False)
    assert ng.load_checkpoint(tmp_path / "a.npz").epoch == 3
    assert_only_inside(watch, tmp_path)


def test_london_csv_writers_refuse_an_existing_file(tmp_path, watch, capsys):
    from ngopt_course.make_data import main

    theirs = tmp_path / "london.csv"
    theirs.write_text("day,temperature\n1,41\n")
    with pytest.raises(FileExistsError, match=r"refusing to replace '.*london\.csv'.*overwrite=True"):
        write_london_csv(theirs)
    with pytest.raises(SystemExit) as stop:
        main(["--write-london", str(theirs)])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "london.csv" in err and "--overwrite" in err
    assert theirs.read_text() == "day,temperature\n1,41\n"
    assert main(["--write-london", str(theirs), "--overwrite"]) == 0     # told
    assert theirs.read_bytes() == ng.data.LONDON_CSV.read_bytes()
    assert_only_inside(watch, tmp_path)


def test_the_hosting_script_without_write_changes_nothing(tmp_path, watch, capsys):
    from ngopt_course import hosting

    notebook = tmp_path / "nb" / "00_welcome.ipynb"
    notebook.parent.mkdir()
    nb = nbformat.read(REPO / "notebooks" / "00_welcome.ipynb", as_version=4)
    nb.cells = [c for c in nb.cells if hosting.COLAB_TAG not in c.metadata.get("tags", [])]
    nbformat.write(nb, notebook)
    readme = tmp_path / "README.md"
    readme.write_text("# Course\n\n## Quick start\n\nRun it.\n")
    before = _bytes(tmp_path)
    already = len(watch)
    assert hosting.main(["colab-cell", str(notebook)]) == 1               # would change: says so
    assert hosting.main(["readme", str(readme), "--notebooks", str(notebook.parent)]) == 1
    assert watch[already:] == [] and _bytes(tmp_path) == before
    out = capsys.readouterr().out.splitlines()
    assert out == [f"would update {notebook} (run again with --write to rewrite it)",
                   f"would update {readme} (run again with --write to rewrite it)"]


def test_the_progress_summary_writes_nothing(tmp_path, watch):
    from ngopt_course import editions, progress

    editions.write_learner_edition(sorted((REPO / "notebooks").glob("*.ipynb")), tmp_path / "course")
    before = _bytes(tmp_path / "course")
    already = len(watch)
    summary = progress.summary(tmp_path / "course")
    assert editions.main(["progress", str(tmp_path / "course")]) == 0
    assert watch[already:] == [] and _bytes(tmp_path / "course") == before
    assert summary.total > 10 and summary.count("done") == 0
