"""Tests for ngopt_course.data: two moons, the synthetic London year, the large cached set."""

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import ngopt_course.data as data
from ngopt_course.data import (
    HADCET_ANOMALY_SD_C,
    HEATHROW_MONTHLY_MEAN_C,
    LONDON_CSV,
    LONDON_SEED,
    MONTH_LENGTHS,
    default_cache_dir,
    generate_london_temperatures,
    large_dataset,
    large_dataset_paths,
    large_dataset_teacher,
    london_temperatures,
    make_moons,
    seasonal_cycle,
    write_london_csv,
)

MONTH = np.repeat(np.arange(12), MONTH_LENGTHS)      # month index (0 = Jan) of days 1..365
# The facts file's monthly means in Fahrenheit (converted and rounded there, not here).
PUBLISHED_F = [42.0, 42.5, 46.3, 50.9, 56.7, 62.2, 66.3, 65.7, 60.7, 54.1, 47.1, 42.7]


# ---------------------------------------------------------------------------
# make_moons
# ---------------------------------------------------------------------------

def test_moons_shapes_dtypes_and_class_sizes():
    X, Y = make_moons(n_samples=301, noise=0.1, seed=3)
    assert X.shape == (2, 301) and Y.shape == (1, 301)
    assert X.dtype == np.float64 and Y.dtype == np.float64
    assert set(np.unique(Y)) == {0.0, 1.0}
    assert (Y == 0).sum() == 150 and (Y == 1).sum() == 151        # outer gets m // 2


def test_noiseless_moons_lie_on_their_half_circles():
    X, Y = make_moons(n_samples=200, noise=0.0, seed=0)
    outer, inner = X[:, Y[0] == 0], X[:, Y[0] == 1]
    # outer: unit circle around (0, 0), upper half; inner: unit circle around (1, 0.5), lower half
    np.testing.assert_allclose(outer[0] ** 2 + outer[1] ** 2, 1.0, rtol=1e-12)
    assert (outer[1] >= -1e-12).all()
    np.testing.assert_allclose((inner[0] - 1) ** 2 + (inner[1] - 0.5) ** 2, 1.0, rtol=1e-12)
    assert (inner[1] <= 0.5 + 1e-12).all()
    # t runs over [0, pi] with both ends included
    assert outer[0].max() == pytest.approx(1.0) and outer[0].min() == pytest.approx(-1.0)
    assert inner[0].min() == pytest.approx(0.0, abs=1e-12) and inner[0].max() == pytest.approx(2.0)


def test_moons_noise_has_the_requested_sd_and_examples_are_shuffled():
    clean, Y0 = make_moons(n_samples=4000, noise=0.0, seed=7)
    noisy, Y1 = make_moons(n_samples=4000, noise=0.2, seed=7)
    np.testing.assert_array_equal(Y0, Y1)                    # same shuffle
    residual = noisy - clean
    assert residual.std() == pytest.approx(0.2, rel=0.05)
    assert abs(residual.mean()) < 0.02
    # shuffled: the first half is not one class
    assert 0.4 < Y1[0, :2000].mean() < 0.6


def test_moons_are_reproducible_and_seeded():
    a = make_moons(seed=1)
    b = make_moons(seed=1)
    c = make_moons(seed=2)
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.array_equal(a[0], c[0])
    X, _ = make_moons(seed=np.random.default_rng(1))
    np.testing.assert_array_equal(X, a[0])


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"n_samples": 1}, ValueError, r"n_samples == 1, must be an integer in \[2, inf\]"),
        ({"n_samples": 300.0}, TypeError, "n_samples must be an integer"),
        ({"noise": -0.1}, ValueError, r"noise == -0.1, must be in \[0, inf\)"),
        ({"noise": float("nan")}, ValueError, "noise == nan, must be a finite number"),
        ({"seed": "a"}, TypeError, "seed must be a non-negative int"),
    ],
)
def test_moons_validate_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        make_moons(**kwargs)


# ---------------------------------------------------------------------------
# The London year: the smooth cycle, the generator, the committed file
# ---------------------------------------------------------------------------

def _monthly_means(values):
    return np.array([values[MONTH == k].mean() for k in range(12)])


def test_seasonal_cycle_reproduces_the_published_monthly_means():
    days = np.arange(1, 366)
    means_f = _monthly_means(seasonal_cycle(days, unit="F"))
    assert np.abs(means_f - PUBLISHED_F).max() < 1.0            # the requirement
    means_c = _monthly_means(seasonal_cycle(days, unit="C"))
    assert np.abs(means_c - HEATHROW_MONTHLY_MEAN_C).max() < 0.3


def test_seasonal_cycle_is_smooth_periodic_and_in_the_right_season():
    days = np.arange(1, 366)
    cycle = seasonal_cycle(days)
    np.testing.assert_allclose(seasonal_cycle(days + 365.0), cycle, rtol=1e-12)
    assert np.abs(np.diff(cycle)).max() < 0.3                    # < 0.3 F per day
    assert days[cycle.argmin()] <= 31 or days[cycle.argmin()] >= 335    # coldest mid-winter
    assert 182 <= days[cycle.argmax()] <= 243                          # warmest July-August
    # C and F are the same curve
    np.testing.assert_allclose(seasonal_cycle(days, "F"), seasonal_cycle(days, "C") * 1.8 + 32, rtol=1e-12)


def test_generator_reproduces_hadcet_variability_and_persistence():
    # 1000 synthetic years: each month's anomaly has HadCET's SD, and neighbouring days
    # its season's lag-1 autocorrelation (E[z_d z_d-1] = phi_d, z the anomaly / its SD).
    # Sampling error: about 0.5 % on the SDs, 0.01 on the autocorrelations.
    days = np.arange(1, 366)
    rng = np.random.default_rng(12345)
    anomalies = np.stack([
        generate_london_temperatures(seed=rng, unit="C")[1] - seasonal_cycle(days, unit="C")
        for _ in range(1000)
    ])
    assert abs(anomalies.mean()) < 0.05
    sd = np.array([anomalies[:, MONTH == k].std() for k in range(12)])
    np.testing.assert_allclose(sd, HADCET_ANOMALY_SD_C, rtol=0.03)
    z = anomalies / np.array(HADCET_ANOMALY_SD_C)[MONTH]
    for months, phi in [((11, 0, 1), 0.84), ((2, 3, 4), 0.78), ((5, 6, 7), 0.75), ((8, 9, 10), 0.74)]:
        d = np.flatnonzero(np.isin(MONTH, months))
        d = d[d > 0]
        assert np.mean(z[:, d] * z[:, d - 1]) == pytest.approx(phi, abs=0.03), months


def test_generator_units_days_and_seed():
    days, f = generate_london_temperatures(seed=5)
    _, c = generate_london_temperatures(seed=5, unit="C")
    np.testing.assert_array_equal(days, np.arange(1, 366))
    assert days.dtype.kind == "i" and f.dtype == np.float64 and f.shape == (365,)
    np.testing.assert_allclose(f, c * 1.8 + 32, rtol=1e-12)
    assert not np.array_equal(f, generate_london_temperatures(seed=6)[1])
    with pytest.raises(ValueError, match="unit == 'K', must be 'F' .* or 'C'"):
        generate_london_temperatures(unit="K")


def test_committed_file_is_the_default_generator_output_rounded():
    days, f = london_temperatures()
    _, c = london_temperatures(unit="C")
    _, f_gen = generate_london_temperatures()
    _, c_gen = generate_london_temperatures(unit="C")
    np.testing.assert_array_equal(days, np.arange(1, 366))
    assert f.dtype == np.float64 and days.dtype.kind == "i"
    assert np.abs(f - f_gen).max() <= 0.005 + 1e-9
    assert np.abs(c - c_gen).max() <= 0.005 + 1e-9
    assert np.abs((f - 32) / 1.8 - c).max() <= 0.01


def test_rewriting_the_csv_reproduces_the_committed_file(tmp_path):
    path = write_london_csv(tmp_path / "london.csv")
    assert path.read_bytes() == LONDON_CSV.read_bytes()


def test_the_package_ships_the_year_and_the_repository_shows_the_same_bytes():
    # The loader reads package data (there in a wheel too); data/ is the copy people see.
    package_dir = Path(data.__file__).resolve().parent
    assert Path(str(LONDON_CSV)).resolve() == package_dir / "package_data" / "london_temperatures.csv"
    visible, packaged = data.checkout_london_csvs()
    assert visible == package_dir.parent / "data" / "london_temperatures.csv"
    assert Path(str(packaged)).resolve() == Path(str(LONDON_CSV)).resolve()
    assert visible.read_bytes() == LONDON_CSV.read_bytes()
    assert LONDON_CSV.read_bytes().count(b"\n") == 365 + 11      # 10 comment lines, the header, 365 days


def test_csv_header_states_provenance():
    comments = [line for line in LONDON_CSV.read_text().splitlines() if line.startswith("#")]
    text = "\n".join(comments)
    for phrase in ("SYNTHETIC", "not observations", "Heathrow, 1991-2020", "HadCET daily, 1991-2020",
                   f"seed={LONDON_SEED}", "python -m ngopt_course.make_data --write-london", "365-day"):
        assert phrase in text, phrase


def test_committed_year_looks_like_the_slides_and_like_london():
    days, f = london_temperatures()
    _, c = london_temperatures(unit="C")
    # the slides: theta_1 = 40 F, theta_180 = 60 F
    assert abs(f[0] - 40) <= 2 and abs(f[179] - 60) <= 2
    anomaly = c - seasonal_cycle(days, unit="C")
    assert anomaly.std() == pytest.approx(2.61, rel=0.05)                   # HadCET all-year SD
    assert np.corrcoef(anomaly[:-1], anomaly[1:])[0, 1] == pytest.approx(0.785, abs=0.03)
    assert np.abs(_monthly_means(c) - HEATHROW_MONTHLY_MEAN_C).max() <= 2.0
    assert _monthly_means(f)[6] - _monthly_means(f)[0] > 15                 # July far warmer than January


def test_london_seed_is_the_first_typical_seed():
    for seed in range(LONDON_SEED):
        assert not data._is_typical_year(*generate_london_temperatures(seed=seed))
    assert data._is_typical_year(*generate_london_temperatures(seed=LONDON_SEED))


# ---------------------------------------------------------------------------
# The loader's errors
# ---------------------------------------------------------------------------

def _committed_lines():
    return LONDON_CSV.read_text().splitlines()


def _write(tmp_path, lines):
    path = tmp_path / "broken.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_loader_reads_another_path(tmp_path):
    path = _write(tmp_path, _committed_lines())
    days, f = london_temperatures(path=path)
    np.testing.assert_array_equal(f, london_temperatures()[1])


def test_missing_file_names_the_file_and_the_fix(tmp_path):
    path = tmp_path / "nowhere.csv"
    with pytest.raises(FileNotFoundError, match=r"nowhere\.csv.*python -m ngopt_course\.make_data --write-london"):
        london_temperatures(path=path)


def test_a_missing_package_copy_says_the_install_is_broken(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "LONDON_CSV", tmp_path / "package_data" / "london_temperatures.csv")
    with pytest.raises(FileNotFoundError, match=r"package's copy of the London year is missing .*reinstall ngopt-course"):
        london_temperatures()


def test_write_london_csv_has_no_default_path():
    # An installed package must never pick its own folder: the caller names the file.
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'path'"):
        write_london_csv()
    with pytest.raises(TypeError, match="path must be a file path"):
        write_london_csv(None)


def test_missing_column_is_named(tmp_path):
    lines = [",".join(line.split(",")[:3]) if not line.startswith("#") else line for line in _committed_lines()]
    path = _write(tmp_path, lines)
    assert london_temperatures(path=path)[1].shape == (365,)                 # F still there
    with pytest.raises(ValueError, match=r"broken\.csv, line \d+: missing column\(s\) \['temperature_C'\]"):
        london_temperatures(unit="C", path=path)


def test_non_numeric_value_gives_the_line_number(tmp_path):
    lines = _committed_lines()
    i = next(i for i, line in enumerate(lines) if line.startswith("100,"))
    fields = lines[i].split(",")
    fields[2] = "warm"
    lines[i] = ",".join(fields)
    path = _write(tmp_path, lines)
    with pytest.raises(ValueError, match=rf"broken\.csv, line {i + 1}: temperature_F 'warm' is not a finite number"):
        london_temperatures(path=path)
    lines[i] = "100,4,nan,1.0"
    with pytest.raises(ValueError, match=rf"line {i + 1}: temperature_F 'nan' is not a finite number"):
        london_temperatures(path=_write(tmp_path, lines))
    lines[i] = "100.5,4,50.0,10.0"
    with pytest.raises(ValueError, match=rf"line {i + 1}: day '100.5' is not a whole number"):
        london_temperatures(path=_write(tmp_path, lines))
    lines[i] = "100,4,50.0"
    with pytest.raises(ValueError, match=rf"line {i + 1}: 3 fields, the header has 4"):
        london_temperatures(path=_write(tmp_path, lines))


def test_wrong_number_of_days(tmp_path):
    path = _write(tmp_path, _committed_lines()[:-1])
    with pytest.raises(ValueError, match=r"broken\.csv: 364 days of data, expected 365"):
        london_temperatures(path=path)
    path = _write(tmp_path, _committed_lines() + ["366,12,40.0,4.4"])
    with pytest.raises(ValueError, match="366 days of data, expected 365"):
        london_temperatures(path=path)


def test_days_out_of_order(tmp_path):
    lines = _committed_lines()
    i = next(i for i, line in enumerate(lines) if line.startswith("10,"))
    lines[i], lines[i + 1] = lines[i + 1], lines[i]
    with pytest.raises(ValueError, match="data row 10 has day 11, expected 10"):
        london_temperatures(path=_write(tmp_path, lines))


def test_empty_file(tmp_path):
    with pytest.raises(ValueError, match="no header line and no data"):
        london_temperatures(path=_write(tmp_path, ["# only a comment"]))


def test_command_line_rewrites_the_csv(tmp_path):
    target = tmp_path / "again.csv"
    out = subprocess.run(
        [sys.executable, "-m", "ngopt_course.make_data", "--write-london", str(target)],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    assert target.read_bytes() == LONDON_CSV.read_bytes()


def _fake_root(tmp_path, monkeypatch, checkout):
    root = tmp_path / ("repo" if checkout else "site-packages")
    root.mkdir()
    if checkout:
        (root / "pyproject.toml").write_text("")
    monkeypatch.setattr(data, "_REPO_ROOT", root)
    return root


def test_command_line_in_a_checkout_rewrites_both_committed_copies(tmp_path, monkeypatch, capsys):
    from ngopt_course.make_data import main

    root = _fake_root(tmp_path, monkeypatch, checkout=True)
    assert main(["--write-london"]) == 0
    written = sorted(str(p.relative_to(root)) for p in root.rglob("*.csv"))
    assert written == ["data/london_temperatures.csv", "ngopt_course/package_data/london_temperatures.csv"]
    for name in written:
        assert (root / name).read_bytes() == LONDON_CSV.read_bytes()
    assert capsys.readouterr().out.count("wrote ") == 2


def test_command_line_installed_needs_an_explicit_path(tmp_path, monkeypatch, capsys):
    from ngopt_course.make_data import main

    root = _fake_root(tmp_path, monkeypatch, checkout=False)
    assert data.checkout_london_csvs() is None
    with pytest.raises(SystemExit) as stop:
        main(["--write-london"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "--write-london needs a PATH here" in err and "not run from a repository checkout" in err
    assert list(root.iterdir()) == []                                         # nothing written
    assert main(["--write-london", str(tmp_path / "mine.csv")]) == 0          # a path works anywhere
    assert (tmp_path / "mine.csv").read_bytes() == LONDON_CSV.read_bytes()


def test_command_line_without_arguments_prints_help(capsys):
    from ngopt_course.make_data import main

    assert main([]) == 2
    assert "--write-london" in capsys.readouterr().out


# ---------------------------------------------------------------------------
# The large set
# ---------------------------------------------------------------------------

M, N = 10_000, 20


def _files(folder):
    return sorted(p.name for p in Path(folder).iterdir())


def test_large_dataset_layout(tmp_path):
    X, Y = large_dataset(m=M, n=N, seed=0, cache_dir=tmp_path, progress=False)
    assert isinstance(X, np.memmap) and isinstance(Y, np.memmap)
    assert X.shape == (N, M) and Y.shape == (1, M)
    assert X.dtype == np.float32 and Y.dtype == np.float32
    assert X.flags.f_contiguous and not X.flags.writeable and not Y.flags.writeable
    with pytest.raises(ValueError):
        X[0, 0] = 1.0
    # In the file each example's n features are contiguous: the data, read as (m, n)
    # rows, are the columns of X.
    x_path, y_path = large_dataset_paths(M, N, 0, tmp_path)
    raw = np.fromfile(x_path, dtype=np.float32)[-M * N:].reshape(M, N)
    np.testing.assert_array_equal(raw, np.asarray(X).T)
    idx = np.array([5, 9999, 0, 1234])
    np.testing.assert_array_equal(np.take(X, idx, axis=1), np.asarray(X)[:, idx])
    assert _files(tmp_path) == sorted([x_path.name, y_path.name])


def test_large_dataset_labels_come_from_the_teacher_and_are_balanced(tmp_path):
    X, Y = large_dataset(m=M, n=N, seed=3, cache_dir=tmp_path, progress=False)
    teacher = large_dataset_teacher(N, 3)
    assert teacher["W1"].shape == (8, N) and teacher["W2"].shape == (1, 8)
    expected = (teacher["W2"] @ np.tanh(teacher["W1"] @ np.asarray(X, dtype=np.float64)) > 0)
    np.testing.assert_array_equal(Y, expected.astype(np.float32))
    assert set(np.unique(Y)) == {0.0, 1.0}
    assert 0.45 < Y.mean() < 0.55                       # odd teacher, symmetric x: P(y = 1) = 1/2
    assert abs(float(X.mean())) < 0.01 and float(X.std()) == pytest.approx(1.0, abs=0.01)


def test_large_dataset_is_reused_not_rewritten(tmp_path, monkeypatch):
    large_dataset(m=M, n=N, seed=0, cache_dir=tmp_path, progress=False)
    x_path, y_path = large_dataset_paths(M, N, 0, tmp_path)
    before = [(p.stat().st_ino, p.stat().st_mtime_ns) for p in (x_path, y_path)]

    def no_writing(*args, **kwargs):
        raise AssertionError("rewrote a cached file")

    monkeypatch.setattr(data, "_write_large", no_writing)
    X, Y = large_dataset(m=M, n=N, seed=0, cache_dir=tmp_path, progress=True)
    assert [(p.stat().st_ino, p.stat().st_mtime_ns) for p in (x_path, y_path)] == before
    assert X.shape == (N, M)


def test_large_dataset_is_deterministic(tmp_path):
    a = large_dataset(m=M, n=N, seed=0, cache_dir=tmp_path / "a", progress=False)
    b = large_dataset(m=M, n=N, seed=0, cache_dir=tmp_path / "b", progress=False)
    c = large_dataset(m=M, n=N, seed=1, cache_dir=tmp_path / "a", progress=False)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])
    assert len(_files(tmp_path / "a")) == 4


def test_interrupted_write_leaves_nothing_behind(tmp_path, monkeypatch):
    calls = []
    real_labels = data._teacher_labels

    def fail_on_third_chunk(X, teacher):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt("simulated interruption")
        return real_labels(X, teacher)

    monkeypatch.setattr(data, "_CHUNK", 1000)
    monkeypatch.setattr(data, "_teacher_labels", fail_on_third_chunk)
    with pytest.raises(KeyboardInterrupt):
        large_dataset(m=M, n=N, seed=0, cache_dir=tmp_path, progress=False)
    assert _files(tmp_path) == []
    monkeypatch.undo()
    X, Y = large_dataset(m=M, n=N, seed=0, cache_dir=tmp_path, progress=False)
    fresh = large_dataset(m=M, n=N, seed=0, cache_dir=tmp_path / "fresh", progress=False)
    np.testing.assert_array_equal(X, fresh[0])


def test_chunk_size_does_not_change_the_data(tmp_path, monkeypatch):
    X, Y = large_dataset(m=M, n=N, seed=0, cache_dir=tmp_path / "a", progress=False)
    monkeypatch.setattr(data, "_CHUNK", 999)
    X2, Y2 = large_dataset(m=M, n=N, seed=0, cache_dir=tmp_path / "b", progress=False)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(Y, Y2)


def test_truncated_or_stray_files_are_not_reused(tmp_path):
    x_path, y_path = large_dataset_paths(M, N, 0, tmp_path)
    reference = large_dataset(m=M, n=N, seed=0, cache_dir=tmp_path / "ref", progress=False)
    tmp_path.mkdir(exist_ok=True)
    # a finished-looking X cut short (e.g. copied by hand) and a killed run's leftover
    x_path.write_bytes((tmp_path / "ref" / x_path.name).read_bytes()[:5000])
    y_path.write_bytes((tmp_path / "ref" / y_path.name).read_bytes())
    stray = x_path.with_name(x_path.name + ".partial-1-dead")
    stray.write_bytes(b"garbage")
    X, Y = large_dataset(m=M, n=N, seed=0, cache_dir=tmp_path, progress=False)
    np.testing.assert_array_equal(X, reference[0])
    np.testing.assert_array_equal(Y, reference[1])


def test_progress_bar_shows_while_writing_without_warnings(tmp_path, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        large_dataset(m=M, n=N, seed=0, cache_dir=tmp_path, progress=True)
    assert "writing large_m10000_n20_seed0" in capsys.readouterr().err


def test_too_little_disk_space_is_refused_before_writing(tmp_path, monkeypatch):
    monkeypatch.setattr(data.shutil, "disk_usage", lambda path: type("U", (), {"free": 1000})())
    with pytest.raises(OSError, match=r"large_dataset needs 1 MB in .* but only 0 MB are free; set NGOPT_CACHE"):
        large_dataset(m=M, n=N, seed=0, cache_dir=tmp_path, progress=False)
    assert _files(tmp_path) == []


def test_default_cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("NGOPT_CACHE", str(tmp_path / "env"))
    assert default_cache_dir() == tmp_path / "env"
    assert large_dataset_paths(M, N, 0)[0].parent == tmp_path / "env"

    monkeypatch.delenv("NGOPT_CACHE")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "pyproject.toml").write_text("")
    monkeypatch.setattr(data, "_REPO_ROOT", repo)
    assert default_cache_dir() == repo / ".cache" / "ngopt_course"

    # installed elsewhere (no pyproject.toml beside the package): the user's cache folder
    monkeypatch.setattr(data, "_REPO_ROOT", tmp_path / "site-packages")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "ngopt_course"


def test_default_cache_dir_of_an_install_is_never_inside_the_package(tmp_path, monkeypatch):
    monkeypatch.delenv("NGOPT_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    site = _fake_root(tmp_path, monkeypatch, checkout=False)
    folder = default_cache_dir()
    assert folder == tmp_path / "xdg" / "ngopt_course" and site not in folder.parents
    assert list(site.iterdir()) == []                                        # nothing created there
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "ngopt_course"


def test_large_m_is_the_lectures_unless_memory_is_small():
    assert data.LARGE_M == 5_000_000
    assert data.large_m(memory_bytes=16 * 1024**3, platform="linux") == 5_000_000
    assert data.large_m(memory_bytes=2 * 1024**3, platform="linux") == 5_000_000    # 2 GiB is enough
    assert data.large_m(memory_bytes=2 * 1024**3 - 1, platform="linux") == 500_000
    assert data.large_m(memory_bytes=64 * 1024**3, platform="emscripten") == 500_000  # a browser (Pyodide)
    assert data.large_m(memory_bytes=0, platform="win32") == 500_000


def test_large_m_reads_this_machines_memory(monkeypatch):
    monkeypatch.setattr(data, "_physical_memory", lambda: 1024**3)
    assert data.large_m(platform="linux") == 500_000
    monkeypatch.setattr(data, "_physical_memory", lambda: None)                   # unknown: enough
    assert data.large_m(platform="win32") == 5_000_000
    monkeypatch.setattr(data.sys, "platform", "emscripten")
    assert data.large_m() == 500_000
    monkeypatch.undo()
    memory = data._physical_memory()
    assert memory is None or memory > 0


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"memory_bytes": -1}, ValueError, r"memory_bytes == -1, must be an integer in \[0, inf\]"),
        ({"memory_bytes": 1.5e9}, TypeError, "memory_bytes must be an integer"),
        ({"platform": 3}, TypeError, "platform must be a str"),
    ],
)
def test_large_m_validates_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        data.large_m(**kwargs)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"m": 0}, ValueError, r"m == 0, must be an integer in \[1, inf\]"),
        ({"n": 2.0}, TypeError, "n must be an integer"),
        ({"seed": np.random.default_rng(0)}, TypeError, "seed must be an integer"),
        ({"seed": -1}, ValueError, r"seed == -1, must be an integer in \[0, inf\]"),
    ],
)
def test_large_dataset_validates_arguments(tmp_path, kwargs, error, message):
    with pytest.raises(error, match=message):
        large_dataset(**{"m": M, "n": N, "cache_dir": tmp_path, "progress": False, **kwargs})
