"""The course's datasets: two moons, a synthetic year of London temperatures, a large set.

- ``make_moons``: the classic two interleaving half circles, a small classification set.
- ``london_temperatures``: one year of daily mean temperatures for the lecture's
  exponentially weighted averages. **Synthetic**, calibrated to London climate
  statistics (no package ships real daily London data and the course runs offline);
  shipped inside the package (``ngopt_course/package_data/london_temperatures.csv``,
  read with ``importlib.resources``, so it works from a wheel too; the repository's
  ``data/london_temperatures.csv`` is the same file, for people to look at).
  ``generate_london_temperatures`` made it and ``python -m ngopt_course.make_data
  --write-london`` remakes it.
- ``large_dataset``: "what if m = 5,000,000?": a large synthetic classification set,
  written once to a cache folder (never inside an installed package) and memory-mapped.

Every array follows the lecture's layout: X has shape (n, m) with one example per
column, Y has shape (1, m).
"""

from __future__ import annotations

import math
import os
import secrets
import shutil
import sys
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from ._validation import check_array, check_int, check_path, check_real, check_rng

__all__ = [
    "make_moons",
    "london_temperatures",
    "generate_london_temperatures",
    "seasonal_cycle",
    "write_london_csv",
    "LONDON_CSV",
    "checkout_london_csvs",
    "LONDON_SEED",
    "MONTH_LENGTHS",
    "HEATHROW_MONTHLY_MEAN_C",
    "HADCET_ANOMALY_SD_C",
    "HADCET_LAG1_BY_MONTH",
    "large_dataset",
    "large_dataset_paths",
    "large_dataset_teacher",
    "default_cache_dir",
    "LARGE_M",
    "large_m",
]

#: The folder above the package: the repository's root in a checkout (an editable
#: install), ``site-packages`` when the package is installed from a wheel.
_REPO_ROOT = Path(__file__).resolve().parents[1]


def _checkout_root():
    """The repository's root when the package runs from a checkout, else None.

    A checkout has the project's ``pyproject.toml`` beside the package; an installed
    package (``site-packages/ngopt_course``) has none, and nothing may be written there.
    """
    return _REPO_ROOT if (_REPO_ROOT / "pyproject.toml").is_file() else None


def make_moons(n_samples=300, noise=0.2, seed=0):
    """Two interleaving half circles: a small 2-D classification problem.

    The same construction as scikit-learn's ``make_moons``: the outer moon is
    ``(cos t, sin t)``, the inner one ``(1 - cos t, 1/2 - sin t)``, for t evenly spaced in
    [0, pi]; Gaussian noise is added and the examples are shuffled.

    Parameters
    ----------
    n_samples : int, default 300
        m, the number of examples, >= 2. The outer moon gets ``m // 2`` of them, the
        inner one the rest.
    noise : float, default 0.2
        Standard deviation of the Gaussian noise added to each coordinate, >= 0.
    seed : int, numpy.random.Generator or None, default 0
        Fixes the shuffle and the noise.

    Returns
    -------
    X : ndarray of shape (2, m), float64
        One example (x1, x2) per column.
    Y : ndarray of shape (1, m), float64
        Labels 0.0 (outer moon) and 1.0 (inner moon). Float, not int, so that
        ``Y * np.log(A)`` in a cost never meets an integer dtype.

    Examples
    --------
    >>> X, Y = make_moons(n_samples=6, noise=0.0, seed=0)
    >>> X.shape, Y.shape
    ((2, 6), (1, 6))
    """
    m = check_int(n_samples, "n_samples", min_val=2)
    noise = check_real(noise, "noise", min_val=0.0)
    rng = check_rng(seed)

    m_outer = m // 2
    m_inner = m - m_outer
    t_outer = np.linspace(0.0, np.pi, m_outer)
    t_inner = np.linspace(0.0, np.pi, m_inner)
    X = np.empty((2, m))
    X[0, :m_outer] = np.cos(t_outer)
    X[1, :m_outer] = np.sin(t_outer)
    X[0, m_outer:] = 1.0 - np.cos(t_inner)
    X[1, m_outer:] = 0.5 - np.sin(t_inner)
    Y = np.zeros((1, m))
    Y[0, m_outer:] = 1.0

    # Shuffle so that the examples of one class are not all in a row (a mini-batch
    # taken without shuffling would then hold one class only).
    order = rng.permutation(m)
    X = X[:, order]
    Y = Y[:, order]
    if noise > 0.0:
        X += rng.normal(scale=noise, size=X.shape)
    return X, Y


# ---------------------------------------------------------------------------
# A synthetic year of London temperatures
# ---------------------------------------------------------------------------

#: The committed year, as the package ships it (package data: inside a wheel too).
#: A ``pathlib.Path`` for an ordinary install, an ``importlib.resources`` Traversable
#: (``read_text``, ``read_bytes``, ``open``) in general.
LONDON_CSV = resources.files(__package__) / "package_data" / "london_temperatures.csv"

#: The seed of the committed year: the first seed from 0 whose year passes
#: ``_is_typical_year`` (see there); ``tests/test_data.py`` checks both halves.
LONDON_SEED = 34

#: A 365-day year (a non-leap year such as 2023); day 1 is 1 January.
MONTH_LENGTHS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MONTH_OF_DAY = np.repeat(np.arange(12), MONTH_LENGTHS)          # 0 = January, for days 1..365

#: Met Office, location-specific long-term averages, London Heathrow, 1991-2020:
#: monthly mean temperature, (mean daily max + mean daily min) / 2, degrees C, Jan..Dec.
#: (metoffice.gov.uk/research/climate/maps-and-data/location-specific-long-term-averages/gcpsvg3nc,
#: Open Government Licence v3.)
HEATHROW_MONTHLY_MEAN_C = (5.6, 5.8, 7.9, 10.5, 13.7, 16.8, 19.0, 18.7, 15.9, 12.3, 8.4, 5.9)

#: Computed from HadCET daily, 1991-2020 (Met Office Hadley Centre Central England
#: Temperature, metoffice.gov.uk/hadobs/hadcet/): standard deviation of the daily
#: anomaly from a 3-harmonic seasonal cycle, degrees C, Jan..Dec.
HADCET_ANOMALY_SD_C = (2.95, 2.93, 2.58, 2.57, 2.60, 2.27, 2.27, 2.16, 2.13, 2.57, 2.76, 3.30)

#: Computed from HadCET daily, 1991-2020: lag-1 autocorrelation of the daily anomaly
#: by season (Dec-Feb, Mar-May, Jun-Aug, Sep-Nov), here spelled out per month Jan..Dec.
HADCET_LAG1_BY_MONTH = (0.84, 0.84, 0.78, 0.78, 0.78, 0.75, 0.75, 0.75, 0.74, 0.74, 0.74, 0.84)

#: Harmonics in the smooth seasonal cycle: 3, as in the cycle HadCET's anomalies were
#: measured against.
_NUM_HARMONICS = 3
_DAYS_PER_YEAR = 365


def _check_unit(unit):
    if not isinstance(unit, str) or unit not in ("F", "C"):
        raise ValueError(f"unit == {unit!r}, must be 'F' (Fahrenheit) or 'C' (Celsius)")
    return unit


def _to_unit(celsius, unit):
    return celsius * 1.8 + 32.0 if unit == "F" else celsius


def _harmonic_basis(days):
    """Columns 1, cos(w d), sin(w d), cos(2 w d), ... with w = 2 pi / 365: one row per day."""
    phase = 2.0 * np.pi * (np.asarray(days, dtype=float) - 1.0) / _DAYS_PER_YEAR
    columns = [np.ones_like(phase)]
    for k in range(1, _NUM_HARMONICS + 1):
        columns += [np.cos(k * phase), np.sin(k * phase)]
    return np.stack(columns, axis=-1)


@lru_cache(maxsize=1)
def _seasonal_coefficients():
    """Least-squares harmonic coefficients whose MONTHLY AVERAGES match the Heathrow means.

    Fitting the monthly averages of the daily curve (not its values at mid-month) is
    what makes each month of the smooth cycle average to the published mean.
    """
    daily_basis = _harmonic_basis(np.arange(1, _DAYS_PER_YEAR + 1))
    monthly_basis = np.stack([daily_basis[_MONTH_OF_DAY == k].mean(axis=0) for k in range(12)])
    coefficients, *_ = np.linalg.lstsq(monthly_basis, np.array(HEATHROW_MONTHLY_MEAN_C), rcond=None)
    coefficients.setflags(write=False)
    return coefficients


def seasonal_cycle(days, unit="F"):
    """The smooth seasonal cycle of London's daily mean temperature.

    A constant plus three annual harmonics, fitted so that its average over each month
    matches the Met Office's Heathrow 1991-2020 monthly mean (within 0.3 C = 0.5 F).

    Parameters
    ----------
    days : int, float or array
        Day of the year, 1 = 1 January (365-day year; fractional days are fine).
    unit : {"F", "C"}, default "F"
        Fahrenheit (the lecture's unit) or Celsius.

    Returns
    -------
    float or ndarray
        The cycle's temperature on those days.
    """
    unit = _check_unit(unit)
    days = check_array(days, "days")  # numbers, finite: cos(inf) is NaN
    celsius = _harmonic_basis(days) @ _seasonal_coefficients()
    return _to_unit(celsius, unit)


def generate_london_temperatures(seed=LONDON_SEED, unit="F"):
    """Generate a synthetic year of London daily mean temperatures.

    SYNTHETIC, calibrated to London climate statistics: the smooth ``seasonal_cycle``
    (Met Office Heathrow 1991-2020 monthly means) plus day-to-day weather, an AR(1)
    anomaly with the standard deviation of its month and the lag-1 autocorrelation
    (persistence) of its season, both computed from HadCET daily, 1991-2020:

    .. math::

        z_1 \\sim N(0, 1), \\quad
        z_d = \\phi_d z_{d-1} + \\sqrt{1 - \\phi_d^2} \\, e_d, \\quad
        \\theta_d = \\text{cycle}(d) + \\text{sd}_d \\, z_d

    so every day's anomaly has exactly its month's variance, and neighbouring days
    correlate with the season's phi.

    Parameters
    ----------
    seed : int, numpy.random.Generator or None, default LONDON_SEED
        Fixes the weather. The default is the seed of the committed CSV.
    unit : {"F", "C"}, default "F"

    Returns
    -------
    days : ndarray of shape (365,), int
        1, 2, ..., 365 (a non-leap year; day 1 = 1 January).
    temps : ndarray of shape (365,), float64
        theta_1 ... theta_365, unrounded.
    """
    unit = _check_unit(unit)
    rng = check_rng(seed)
    days = np.arange(1, _DAYS_PER_YEAR + 1)
    phi = np.array(HADCET_LAG1_BY_MONTH)[_MONTH_OF_DAY]
    sd = np.array(HADCET_ANOMALY_SD_C)[_MONTH_OF_DAY]
    e = rng.standard_normal(_DAYS_PER_YEAR)
    z = np.empty(_DAYS_PER_YEAR)
    z[0] = e[0]                       # the weather on 31 December was itself a typical day
    for d in range(1, _DAYS_PER_YEAR):
        z[d] = phi[d] * z[d - 1] + math.sqrt(1.0 - phi[d] ** 2) * e[d]
    celsius = _harmonic_basis(days) @ _seasonal_coefficients() + sd * z
    return days, _to_unit(celsius, unit)


def _year_statistics(days, temps_c):
    """Calibration figures of a generated or loaded year (degrees C)."""
    anomaly = temps_c - seasonal_cycle(days, unit="C")
    months = _MONTH_OF_DAY[np.asarray(days) - 1]
    return {
        "monthly_means_c": np.array([temps_c[months == k].mean() for k in range(12)]),
        "anomaly_sd_c": float(anomaly.std()),
        "lag1": float(np.corrcoef(anomaly[:-1], anomaly[1:])[0, 1]),
    }


def _is_typical_year(days, temps_f):
    """The criteria the committed year's seed was chosen by (from seed 0 upward).

    The slides' two quoted days (theta_1 = 40 F, theta_180 = 60 F) within 2 F; the year's
    anomaly SD within 5 % of HadCET's all-year 2.61 C; its lag-1 autocorrelation within
    0.03 of 0.785; every monthly mean within 2 C (3.6 F) of Heathrow's, which a single
    real year easily misses by more.
    """
    temps_c = (np.asarray(temps_f) - 32.0) / 1.8
    stats = _year_statistics(days, temps_c)
    return bool(
        abs(temps_f[0] - 40.0) <= 2.0
        and abs(temps_f[179] - 60.0) <= 2.0
        and abs(stats["anomaly_sd_c"] / 2.61 - 1.0) <= 0.05
        and abs(stats["lag1"] - 0.785) <= 0.03
        and np.abs(stats["monthly_means_c"] - HEATHROW_MONTHLY_MEAN_C).max() <= 2.0
    )


_CSV_COLUMNS = ("day", "month", "temperature_F", "temperature_C")


def _csv_header(seed):
    return "\n".join([
        "# One year of daily mean temperatures for London: SYNTHETIC, not observations.",
        "# Calibrated to London climate statistics:",
        "#   seasonal cycle: 3 harmonics fitted to the monthly mean temperatures of the Met Office's",
        "#     location-specific long-term averages, London Heathrow, 1991-2020 (metoffice.gov.uk/research/",
        "#     climate/maps-and-data/location-specific-long-term-averages/gcpsvg3nc, Open Government Licence v3);",
        "#   day-to-day weather: AR(1) anomalies with each month's standard deviation and each season's",
        "#     lag-1 autocorrelation, computed from HadCET daily, 1991-2020 (metoffice.gov.uk/hadobs/hadcet/).",
        "# A 365-day year (non-leap, like 2023); day 1 = 1 January; month 1 = January.",
        f"# Made by ngopt_course.data.generate_london_temperatures(seed={seed}), rounded to 0.01 degree.",
        "# Regenerate: python -m ngopt_course.make_data --write-london",
        ",".join(_CSV_COLUMNS),
    ])


def checkout_london_csvs():
    """The two committed copies of the year in a repository checkout, or None when installed.

    ``data/london_temperatures.csv`` (the copy people look at) and the package's copy
    ``ngopt_course/package_data/london_temperatures.csv`` (the one the loader reads);
    ``tests/test_data.py`` keeps them byte-identical. ``make_data --write-london`` without
    a path rewrites both; an installed package has no such pair and gets no default.
    """
    root = _checkout_root()
    if root is None:
        return None
    return (root / "data" / "london_temperatures.csv",
            root / "ngopt_course" / "package_data" / "london_temperatures.csv")


def write_london_csv(path, seed=LONDON_SEED, *, overwrite=False):
    """Write the synthetic year to a CSV file with its provenance header.

    Parameters
    ----------
    path : str or Path
        The file to write (its folder is created). There is no default: an installed
        package must never write into its own folder; in a checkout,
        ``checkout_london_csvs()`` names the committed copies.
    seed : int, default LONDON_SEED
    overwrite : bool, default False
        Replace ``path`` if it exists. Without it an existing file is left as it is and
        ``FileExistsError`` names it.

    Returns
    -------
    Path
        The file written.
    """
    path = check_path(path)
    seed = check_int(seed, "seed", min_val=0)
    if not isinstance(overwrite, bool):
        raise TypeError(f"overwrite must be True or False, got {overwrite!r}")
    if path.exists() and not overwrite:
        raise FileExistsError(f"refusing to replace {str(path)!r}: it exists. Pass overwrite=True "
                              f"(--overwrite on the command line) to replace it, or choose another file")
    days, temps_c = generate_london_temperatures(seed=seed, unit="C")
    temps_f = _to_unit(temps_c, "F")
    rows = [
        f"{d},{_MONTH_OF_DAY[d - 1] + 1},{f:.2f},{c:.2f}"
        for d, f, c in zip(days.tolist(), temps_f.tolist(), temps_c.tolist())
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_csv_header(seed) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def london_temperatures(unit="F", path=None):
    """A year of daily London temperatures (synthetic): the lecture's theta_1 ... theta_365.

    Read from the package's copy of ``data/london_temperatures.csv`` (``LONDON_CSV``,
    package data, so it is there however the package was installed). The year is
    SYNTHETIC, calibrated to London climate statistics (Met Office Heathrow 1991-2020
    monthly means, HadCET daily 1991-2020 variability and persistence): see
    ``generate_london_temperatures``. It is cold in January (theta_1 near 40 F) and
    warm in summer (theta_180 near 60 F), as on the slides.

    Parameters
    ----------
    unit : {"F", "C"}, default "F"
        Fahrenheit, as in the lecture, or Celsius.
    path : str or Path, optional
        Another CSV in the same format; default ``LONDON_CSV``, the package's copy.

    Returns
    -------
    days : ndarray of shape (365,), int
        1, 2, ..., 365.
    temps : ndarray of shape (365,), float64
        The day's mean temperature in ``unit``.

    Raises
    ------
    FileNotFoundError
        The file is missing.
    ValueError
        A column is missing, a value is not a number (the message gives the line), or
        the days are not 1, 2, ..., 365.
    """
    unit = _check_unit(unit)
    column = f"temperature_{unit}"
    if path is None:
        path = LONDON_CSV
        if not path.is_file():
            raise FileNotFoundError(
                f"{path}: the package's copy of the London year is missing (a broken install): "
                "reinstall ngopt-course, or in a checkout recreate it with: "
                "python -m ngopt_course.make_data --write-london"
            )
    else:
        path = check_path(path)
        if not path.is_file():
            raise FileNotFoundError(
                f"{path}: the London temperature file is missing; "
                "recreate it with: python -m ngopt_course.make_data --write-london PATH"
            )
    header = None
    days, temps = [], []
    with path.open(encoding="utf-8") as lines:
        for line_number, line in enumerate(lines, start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            fields = [field.strip() for field in line.split(",")]
            if header is None:
                header = fields
                missing = [name for name in ("day", column) if name not in header]
                if missing:
                    raise ValueError(
                        f"{path}, line {line_number}: missing column(s) {missing}; "
                        f"the header has {header}"
                    )
                i_day, i_temp = header.index("day"), header.index(column)
                continue
            if len(fields) != len(header):
                raise ValueError(
                    f"{path}, line {line_number}: {len(fields)} fields, the header has {len(header)}"
                )
            try:
                day = int(fields[i_day])
            except ValueError:
                raise ValueError(
                    f"{path}, line {line_number}: day {fields[i_day]!r} is not a whole number"
                ) from None
            try:
                temp = float(fields[i_temp])
            except ValueError:
                temp = math.nan
            if not math.isfinite(temp):
                raise ValueError(
                    f"{path}, line {line_number}: {column} {fields[i_temp]!r} is not a finite number"
                )
            days.append(day)
            temps.append(temp)
    if header is None:
        raise ValueError(f"{path}: no header line and no data (the file is empty or all comments)")
    if len(days) != _DAYS_PER_YEAR:
        raise ValueError(
            f"{path}: {len(days)} days of data, expected {_DAYS_PER_YEAR} (one per day of the year)"
        )
    days = np.array(days)
    expected = np.arange(1, _DAYS_PER_YEAR + 1)
    if not np.array_equal(days, expected):
        first = int(np.flatnonzero(days != expected)[0])
        raise ValueError(
            f"{path}: the days must run 1, 2, ..., {_DAYS_PER_YEAR} in order; "
            f"data row {first + 1} has day {days[first]}, expected {first + 1}"
        )
    return days, np.array(temps, dtype=float)


# ---------------------------------------------------------------------------
# "What if m = 5,000,000?": a large synthetic set, on disk, memory-mapped
# ---------------------------------------------------------------------------

#: Part of the file names; bump it whenever the generator changes, so that files an
#: older version cached are never mistaken for the new data.
_LARGE_FORMAT = 1
#: Examples generated and written per chunk (about 5 MB of X at n = 20).
_CHUNK = 1 << 16
#: Hidden units of the teacher network that labels the examples.
_TEACHER_HIDDEN = 8


def default_cache_dir():
    """Where ``large_dataset`` keeps its files (outside git).

    In order: ``$NGOPT_CACHE`` if set; ``<repository>/.cache/ngopt_course`` when the
    package runs from a repository checkout (``.cache/`` is git-ignored) that can be
    written to; else the user's cache folder, ``$XDG_CACHE_HOME/ngopt_course`` or
    ``~/.cache/ngopt_course``: an installed package (a wheel in ``site-packages``)
    always lands here, never inside its own folder. The repository's folder is created
    when it is chosen (that is how its writability is tested). ``large_dataset`` also
    takes ``cache_dir=`` to put the files anywhere.
    """
    env = os.environ.get("NGOPT_CACHE")
    if env:
        return Path(env).expanduser()
    candidates = []
    root = _checkout_root()
    if root is not None:
        candidates.append(root / ".cache" / "ngopt_course")
    user_cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    candidates.append(Path(user_cache) / "ngopt_course")
    for folder in candidates[:-1]:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(folder, os.W_OK):
            return folder
    return candidates[-1]


#: The lecture's "what if m = 5,000,000?".
LARGE_M = 5_000_000
#: Below this much memory (bytes) ``large_m`` picks a tenth of ``LARGE_M``: the files
#: take 420 MB, and where files live in memory (a browser) they count twice.
_SMALL_MEMORY = 2 * 1024**3


def _physical_memory():
    """Bytes of memory of this machine, or None where the system does not say (Windows)."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


def large_m(memory_bytes=None, platform=None):
    """How many examples notebook 01's large set gets on this machine.

    ``LARGE_M`` (5,000,000, the lecture's number) on an ordinary computer; a tenth of it,
    500,000, where memory is small: under 2 GiB, or in a browser (JupyterLite runs Python
    on Pyodide, ``sys.platform == "emscripten"``, where the "disk" is memory and a web
    page gets a few GB at most).

    Parameters
    ----------
    memory_bytes : int, optional
        The memory to plan for; default: this machine's physical memory (unknown on
        Windows, which then counts as enough).
    platform : str, optional
        Default ``sys.platform``.

    Returns
    -------
    int
    """
    platform = sys.platform if platform is None else platform
    if not isinstance(platform, str):
        raise TypeError(f"platform must be a str such as sys.platform, got {platform!r}")
    memory = _physical_memory() if memory_bytes is None else check_int(memory_bytes, "memory_bytes", min_val=0)
    if platform == "emscripten" or (memory is not None and memory < _SMALL_MEMORY):
        return LARGE_M // 10
    return LARGE_M


def large_dataset_teacher(n=20, seed=0):
    """The fixed random network that labels ``large_dataset``: n -> 8 tanh -> 1.

    ``y = 1`` when ``W2 tanh(W1 x) > 0`` (the teacher's sigmoid output above 1/2). With no
    biases the teacher is an odd function of x, and x ~ N(0, I) is symmetric, so the two
    classes are equally likely. W1's scale, 2 / sqrt(n), puts the tanh units in their
    curved range: the boundary is not a hyperplane.

    Returns
    -------
    dict
        ``{"W1": (8, n), "W2": (1, 8)}``, float64.
    """
    n = check_int(n, "n", min_val=1)
    seed = check_int(seed, "seed", min_val=0)
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(2)[0])
    return {
        "W1": rng.standard_normal((_TEACHER_HIDDEN, n)) * (2.0 / math.sqrt(n)),
        "W2": rng.standard_normal((1, _TEACHER_HIDDEN)),
    }


def _teacher_labels(X, teacher):
    """Labels (1, m) float32 in {0, 1} for the examples (columns) of X."""
    Z = teacher["W2"] @ np.tanh(teacher["W1"] @ X.astype(np.float64))
    return (Z > 0.0).astype(np.float32)


def large_dataset_paths(m=5_000_000, n=20, seed=0, cache_dir=None):
    """The two ``.npy`` files (X, Y) that ``large_dataset`` uses for these arguments."""
    m = check_int(m, "m", min_val=1)
    n = check_int(n, "n", min_val=1)
    seed = check_int(seed, "seed", min_val=0)
    folder = default_cache_dir() if cache_dir is None else check_path(cache_dir, "cache_dir")
    stem = f"large_m{m}_n{n}_seed{seed}_v{_LARGE_FORMAT}"
    return folder / f"{stem}_X.npy", folder / f"{stem}_Y.npy"


def _open_valid(path, shape, fortran):
    """Memory-map a cached file read-only, or return None if it is missing or not as expected."""
    try:
        array = np.load(path, mmap_mode="r")
    except (OSError, ValueError):
        return None
    if array.shape != shape or array.dtype != np.float32 or (fortran and not array.flags.f_contiguous):
        return None
    return array


def _npy_header(f, shape, fortran_order):
    np.lib.format.write_array_header_1_0(f, {
        "descr": np.lib.format.dtype_to_descr(np.dtype(np.float32)),
        "fortran_order": fortran_order,
        "shape": shape,
    })


def _write_large(x_path, y_path, m, n, seed, progress):
    """Write X and Y under temporary names, then rename them into place.

    The files are written sequentially with ordinary writes rather than through a
    memory map: a full disk then raises a clean OSError instead of crashing the process
    (SIGBUS). X is Fortran-ordered, (n, m) with each example's n features contiguous, so
    its data is simply the examples one after another: each chunk is an (examples, n)
    C-ordered block appended to the file.
    """
    folder = x_path.parent
    folder.mkdir(parents=True, exist_ok=True)
    needed = 4 * m * (n + 1) + 256
    free = shutil.disk_usage(folder).free
    if free < needed:
        raise OSError(
            f"large_dataset needs {needed / 1e6:.0f} MB in {folder} but only {free / 1e6:.0f} MB "
            "are free; set NGOPT_CACHE to a folder with more room, or pass cache_dir="
        )
    teacher = large_dataset_teacher(n, seed)
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(2)[1])
    token = f".partial-{os.getpid()}-{secrets.token_hex(4)}"
    tmp_x = x_path.with_name(x_path.name + token)
    tmp_y = y_path.with_name(y_path.name + token)
    bar = None
    try:
        if progress:
            from tqdm.auto import tqdm     # only when a bar is wanted: importing is slow

            bar = tqdm(total=m, unit="example", unit_scale=True, desc=f"writing {x_path.name}")
        with open(tmp_x, "wb") as fx, open(tmp_y, "wb") as fy:
            _npy_header(fx, (n, m), fortran_order=True)
            _npy_header(fy, (1, m), fortran_order=False)
            for start in range(0, m, _CHUNK):
                size = min(_CHUNK, m - start)
                examples = rng.standard_normal((size, n), dtype=np.float32)   # one example per row
                fx.write(examples.tobytes())
                fy.write(_teacher_labels(examples.T, teacher).tobytes())
                if bar is not None:
                    bar.update(size)
            for f in (fx, fy):
                f.flush()
                os.fsync(f.fileno())    # on disk before the rename makes them visible
        # Y first: a reader needs both files, so until X is renamed nothing is reused.
        os.replace(tmp_y, y_path)
        os.replace(tmp_x, x_path)
    finally:
        if bar is not None:
            bar.close()
        for tmp in (tmp_x, tmp_y):
            tmp.unlink(missing_ok=True)


def large_dataset(m=5_000_000, n=20, seed=0, cache_dir=None, progress=True):
    """A large synthetic binary classification set, memory-mapped from a cache folder.

    The lecture's "what if m = 5,000,000?": X (n, m) would not fit comfortably in memory
    as float64 (800 MB at n = 20), so it is written once, in chunks, to ``.npy`` files
    and memory-mapped read-only: a mini-batch reads only its own examples from disk.

    Features are standard normal (float32). Labels come from a fixed random teacher
    network, ``large_dataset_teacher(n, seed)`` (n -> 8 tanh -> 1, threshold at 0), so
    a network can learn them and accuracy means something; the classes are balanced.

    Parameters
    ----------
    m : int, default 5,000,000
        Number of examples, >= 1. At n = 20 the files take about 84 bytes per example
        (420 MB for 5 million).
    n : int, default 20
        Number of features, >= 1.
    seed : int, default 0
        Fixes the teacher and the features. An int, not a Generator: it is part of the
        file name, so that the cached files can be found again.
    cache_dir : str or Path, optional
        Default ``default_cache_dir()``.
    progress : bool, default True
        Show a progress bar while writing (nothing is shown when the files exist).

    Returns
    -------
    X : numpy.memmap of shape (n, m), float32, read-only
        Fortran-ordered: each example (column) is n contiguous floats in the file, so
        ``np.take(X, idx, axis=1)`` reads one short block per example.
    Y : numpy.memmap of shape (1, m), float32, read-only
        Labels 0.0 / 1.0.

    Notes
    -----
    The files are made on first use and reused afterwards (same m, n, seed). They are
    written under temporary names and renamed only when complete, so an interrupted
    run never leaves a file that is later mistaken for a finished one.
    """
    x_path, y_path = large_dataset_paths(m, n, seed, cache_dir)
    m, n = int(m), int(n)
    X = _open_valid(x_path, (n, m), fortran=True)
    Y = _open_valid(y_path, (1, m), fortran=False)
    if X is None or Y is None:
        del X, Y
        _write_large(x_path, y_path, m, n, int(seed), bool(progress))
        X = _open_valid(x_path, (n, m), fortran=True)
        Y = _open_valid(y_path, (1, m), fortran=False)
        if X is None or Y is None:
            raise OSError(f"large_dataset wrote {x_path} and {y_path} but cannot read them back")
    return X, Y


# ---------------------------------------------------------------------------
