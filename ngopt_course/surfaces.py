"""Two-dimensional loss surfaces for watching optimizers move, and a runner for them.

Each surface is a function f(x, y) with its analytic gradient, vectorized over arrays
(so one call fills a contour grid), plus everything a picture or a race needs: plot
bounds, a start point, the minimum the optimizers should reach and learning rates that
make the lecture's point visible. They live in the registry ``SURFACES``:

- ``"elongated_bowl"``: the lecture's momentum picture. Steep across, shallow along:
  gradient descent zigzags vertically and crawls horizontally.
- ``"rosenbrock"``: a long curved valley; the first steps fall into it, then progress
  along its floor is slow.
- ``"saddle"``: the start sits next to a saddle point; the gradient there is almost zero
  in the direction that leads down, so escaping takes time.
- ``"plateau"``: a wide, almost flat region around a narrow well; the gradient on the flat
  part is tiny and plain gradient descent crawls across it.
- ``"local_minimum"``: a tilted double well: a local minimum beside the global one.

``run_on_surface`` drives one of the course's optimizers (``GradientDescent``,
``Momentum``, ``RMSProp``, ``Adam``) over a surface and returns the path it took. This
module computes only; the pictures are drawn in ``ngopt_course.plots``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Callable, Mapping, Optional

import numpy as np

from ._validation import check_int, check_real
from .optimizers import Adam, GradientDescent, Momentum, RMSProp, StepOverflowError

__all__ = [
    "Surface",
    "SurfaceRun",
    "SURFACES",
    "get_surface",
    "make_optimizer",
    "run_on_surface",
    "surface_grid",
    "rotated_bowl",
]


@dataclass(frozen=True)
class Surface:
    """A 2-D loss surface with its gradient and the settings to show it.

    Attributes
    ----------
    name : str
        Key in ``SURFACES``.
    title : str
        A short title for plots.
    f : callable
        ``f(x, y)`` -> loss; x and y are floats or arrays of one shape (broadcast).
    grad : callable
        ``grad(x, y)`` -> ``(dfdx, dfdy)``, the analytic partial derivatives.
    bounds : ((xmin, xmax), (ymin, ymax))
        Recommended plot window.
    start : (x0, y0)
        Where a race starts.
    minimum : (x*, y*) or None
        The minimum the runs from ``start`` should reach (the global one), or None.
    f_min : float or None
        ``f`` at ``minimum``.
    learning_rates : mapping
        Learning rate per optimizer name ("gd", "momentum", "rmsprop", "adam") that
        makes the surface's lesson visible (see each surface's ``description``).
    num_steps : int
        Steps a race needs to show the lesson.
    tol : float
        A run has reached the minimum when ``f - f_min < tol``.
    landmarks : mapping
        Other points worth marking, e.g. ``{"saddle point": (0.0, 0.0)}``.
    description : str
        One or two sentences: what a learner should see.
    """

    name: str
    title: str
    f: Callable = field(repr=False)
    grad: Callable = field(repr=False)
    bounds: tuple
    start: tuple
    minimum: Optional[tuple]
    f_min: Optional[float]
    learning_rates: Mapping = field(default_factory=dict, repr=False)
    num_steps: int = 200
    tol: float = 1e-3
    landmarks: Mapping = field(default_factory=dict, repr=False)
    description: str = field(default="", repr=False)


# ---------------------------------------------------------------------------
# The functions. Each takes x, y (floats or broadcastable arrays).
# ---------------------------------------------------------------------------

# Elongated bowl f = (a x^2 + b y^2) / 2, condition number b / a = 50. Gradient descent
# is stable for alpha < 2 / b = 0.2; at alpha = 0.18 the vertical component flips sign
# every step (factor 1 - alpha b = -0.8) while the horizontal one shrinks by only
# 1 - alpha a = 0.964 per step: the lecture's zigzag. (At a condition number of 20 the
# horizontal crawl is quick enough that momentum at the same alpha is not faster.)
_BOWL_A, _BOWL_B = 0.2, 10.0


def _bowl_f(x, y):
    return 0.5 * (_BOWL_A * np.square(x) + _BOWL_B * np.square(y))


def _bowl_grad(x, y):
    return _BOWL_A * np.asarray(x, dtype=float), _BOWL_B * np.asarray(y, dtype=float)


# Rosenbrock's banana, f = (1 - x)^2 + 100 (y - x^2)^2, minimum 0 at (1, 1).
_ROSEN_B = 100.0


def _rosenbrock_f(x, y):
    return np.square(1.0 - x) + _ROSEN_B * np.square(y - np.square(x))


def _rosenbrock_grad(x, y):
    x = np.asarray(x, dtype=float)
    inner = y - np.square(x)
    return -2.0 * (1.0 - x) - 4.0 * _ROSEN_B * x * inner, 2.0 * _ROSEN_B * inner


# A saddle that stays bounded below: f = x^2 - y^2 + y^4 / 4. Saddle point at (0, 0);
# minima at (0, +sqrt(2)) and (0, -sqrt(2)) with f = -1.
def _saddle_f(x, y):
    y2 = np.square(y)
    return np.square(x) - y2 + 0.25 * np.square(y2)


def _saddle_grad(x, y):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    return 2.0 * x, y * (np.square(y) - 2.0)


# Plateau: a narrow Gaussian well (depth 1, width sigma) on a very gently sloping plain,
# f = 1 - exp(-r^2 / (2 sigma^2)) + k r^2 / 2 with r^2 = x^2 + y^2. Far from the well the
# gradient is about k r, tiny; at the bottom the curvature is 1 / sigma^2 + k, which caps
# gradient descent's learning rate at 2 / (1 / sigma^2 + k).
_PLATEAU_SIGMA, _PLATEAU_K = 0.5, 0.01


def _plateau_f(x, y):
    r2 = np.square(x) + np.square(y)
    return 1.0 - np.exp(-r2 / (2.0 * _PLATEAU_SIGMA**2)) + 0.5 * _PLATEAU_K * r2


def _plateau_grad(x, y):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    r2 = np.square(x) + np.square(y)
    # d/dr2 of f, times d(r2)/dx = 2x
    slope = np.exp(-r2 / (2.0 * _PLATEAU_SIGMA**2)) / _PLATEAU_SIGMA**2 + _PLATEAU_K
    return slope * x, slope * y


# Tilted double well: f = (x^2 - 1)^2 + c x + d (y - x / 2)^2. Along the line y = x / 2
# the stationary points solve 4 x^3 - 4 x + c = 0: a global minimum near x = -1, a local
# one near x = +1 and a saddle between them.
_WELL_C, _WELL_D = 0.3, 2.0


def _local_minimum_f(x, y):
    return np.square(np.square(x) - 1.0) + _WELL_C * x + _WELL_D * np.square(y - 0.5 * x)


def _local_minimum_grad(x, y):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    valley = y - 0.5 * x
    dfdx = 4.0 * x * (np.square(x) - 1.0) + _WELL_C - _WELL_D * valley
    return dfdx, 2.0 * _WELL_D * valley


def _double_well_stationary_x():
    """The three real roots of 4 x^3 - 4 x + c = 0, ascending (global min, saddle, local min)."""
    return np.sort(np.roots([4.0, 0.0, -4.0, _WELL_C]).real)


_X_GLOBAL, _X_SADDLE, _X_LOCAL = _double_well_stationary_x()


def _frozen(mapping):
    return MappingProxyType(dict(mapping))


SURFACES = MappingProxyType({
    surface.name: surface
    for surface in [
        Surface(
            name="elongated_bowl",
            title="Elongated bowl: f = 0.1 x² + 5 y²",
            f=_bowl_f,
            grad=_bowl_grad,
            bounds=((-5.0, 5.0), (-1.5, 1.5)),
            start=(-4.5, 1.0),
            minimum=(0.0, 0.0),
            f_min=0.0,
            learning_rates=_frozen({"gd": 0.18, "momentum": 0.18, "rmsprop": 0.1, "adam": 0.1}),
            num_steps=150,
            tol=1e-3,
            description=(
                "Gradient descent oscillates up and down across the narrow direction and "
                "creeps along the long one; momentum, at the same learning rate, averages "
                "the oscillation away and arrives sooner."
            ),
        ),
        Surface(
            name="rosenbrock",
            title="Rosenbrock: f = (1 - x)² + 100 (y - x²)²",
            f=_rosenbrock_f,
            grad=_rosenbrock_grad,
            bounds=((-2.0, 2.0), (-1.0, 3.0)),
            start=(-1.5, 2.0),
            minimum=(1.0, 1.0),
            f_min=0.0,
            learning_rates=_frozen({"gd": 1e-3, "momentum": 1e-2, "rmsprop": 3e-3, "adam": 5e-2}),
            num_steps=1000,
            tol=1e-3,
            description=(
                "A curved valley: every method drops into it quickly, then crawls along "
                "its nearly flat floor; gradient descent, capped at a small learning rate by "
                "the steep walls, does not reach (1, 1) in 1000 steps."
            ),
        ),
        Surface(
            name="saddle",
            title="Saddle: f = x² - y² + y⁴ / 4",
            f=_saddle_f,
            grad=_saddle_grad,
            bounds=((-2.5, 2.5), (-2.5, 2.5)),
            start=(-2.0, 1e-6),
            minimum=(0.0, float(np.sqrt(2.0))),
            f_min=-1.0,
            learning_rates=_frozen({"gd": 0.1, "momentum": 0.5, "rmsprop": 0.1, "adam": 0.1}),
            num_steps=200,
            tol=1e-3,
            landmarks=_frozen({"saddle point": (0.0, 0.0), "other minimum": (0.0, -float(np.sqrt(2.0)))}),
            description=(
                "The start lies a hair (1e-6) off the line y = 0 that leads into the saddle "
                "point. Gradient descent and momentum must wait for the tiny sideways "
                "gradient to grow (the closer the start to the line, the longer); RMSProp "
                "and Adam divide it by its own size and turn off at once."
            ),
        ),
        Surface(
            name="plateau",
            title="Plateau around a narrow well",
            f=_plateau_f,
            grad=_plateau_grad,
            bounds=((-4.0, 4.0), (-4.0, 4.0)),
            start=(-3.0, 2.0),
            minimum=(0.0, 0.0),
            f_min=0.0,
            learning_rates=_frozen({"gd": 0.4, "momentum": 2.0, "rmsprop": 0.05, "adam": 0.1}),
            num_steps=300,
            tol=1e-3,
            description=(
                "On the plain the gradient is tiny and gradient descent crawls; the well's "
                "steep bottom stops it from taking a larger learning rate. Momentum "
                "tolerates a larger one; RMSProp and Adam divide the tiny gradient by its "
                "own size and cross at full speed."
            ),
        ),
        Surface(
            name="local_minimum",
            title="Tilted double well: a local and a global minimum",
            f=_local_minimum_f,
            grad=_local_minimum_grad,
            bounds=((-2.0, 2.0), (-2.0, 2.0)),
            start=(1.8, -1.0),
            minimum=(float(_X_GLOBAL), float(0.5 * _X_GLOBAL)),
            f_min=float(_local_minimum_f(_X_GLOBAL, 0.5 * _X_GLOBAL)),
            learning_rates=_frozen({"gd": 0.05, "momentum": 0.1, "rmsprop": 0.05, "adam": 0.1}),
            num_steps=200,
            tol=1e-3,
            landmarks=_frozen({
                "local minimum": (float(_X_LOCAL), float(0.5 * _X_LOCAL)),
                "saddle point": (float(_X_SADDLE), float(0.5 * _X_SADDLE)),
            }),
            description=(
                "Two valleys. From this start gradient descent, RMSProp and Adam settle in "
                "the nearer, local minimum; momentum's velocity carries it over the ridge "
                "into the global one (luck of these settings, not a guarantee). In two "
                "dimensions local minima are common; in the thousands of dimensions of a "
                "network almost every flat point is a saddle instead."
            ),
        ),
    ]
})


def rotated_bowl(angle_degrees=45.0):
    """The elongated bowl turned by ``angle_degrees`` about its minimum (not in ``SURFACES``).

    f(x, y) = (a u² + b w²) / 2 with (u, w) the point turned back by the angle,
    u = cos θ x + sin θ y, w = -sin θ x + cos θ y, and a = 0.2, b = 10 as in
    ``SURFACES["elongated_bowl"]``. Its start is the bowl's start turned by the same angle,
    so an optimizer that does not care about the axes (gradient descent, momentum) takes
    exactly the turned path. RMSProp and Adam divide each coordinate by its own average:
    on the turned bowl both coordinates mix the steep and the shallow direction, so that
    division can no longer tell them apart.

    Parameters
    ----------
    angle_degrees : float, default 45.0
        The turn, counter-clockwise; 0 gives the elongated bowl itself.

    Returns
    -------
    Surface
    """
    angle_degrees = check_real(angle_degrees, "angle_degrees")
    theta = np.deg2rad(angle_degrees)
    c, s = float(np.cos(theta)), float(np.sin(theta))

    def f(x, y):
        return _bowl_f(c * x + s * y, -s * x + c * y)

    def grad(x, y):
        du, dw = _bowl_grad(c * np.asarray(x, dtype=float) + s * np.asarray(y, dtype=float),
                            -s * np.asarray(x, dtype=float) + c * np.asarray(y, dtype=float))
        return c * du - s * dw, s * du + c * dw        # turn the gradient forward again

    bowl = SURFACES["elongated_bowl"]
    x0, y0 = bowl.start
    return Surface(
        name=f"rotated_bowl_{angle_degrees:g}",
        title=f"Elongated bowl turned by {angle_degrees:g}°",
        f=f,
        grad=grad,
        bounds=((-5.0, 5.0), (-5.0, 5.0)),
        start=(c * x0 - s * y0, s * x0 + c * y0),
        minimum=(0.0, 0.0),
        f_min=0.0,
        learning_rates=bowl.learning_rates,
        num_steps=300,
        tol=bowl.tol,
        description=(
            "The elongated bowl, turned: gradient descent and momentum take the same steps "
            "as on the bowl, turned; RMSProp and Adam lose their advantage, because their "
            "per-coordinate scaling only separates steep from shallow along the axes."
        ),
    )


def get_surface(surface):
    """Return a ``Surface`` given one or its name in ``SURFACES``."""
    if isinstance(surface, Surface):
        return surface
    if isinstance(surface, str):
        try:
            return SURFACES[surface]
        except KeyError:
            raise ValueError(
                f"surface == {surface!r}, must be one of {sorted(SURFACES)}"
            ) from None
    raise TypeError(f"surface must be a Surface or a name in SURFACES, got {type(surface).__name__}")


_OPTIMIZERS = {"gd": GradientDescent, "momentum": Momentum, "rmsprop": RMSProp, "adam": Adam}


def make_optimizer(name, surface, **hyperparameters):
    """Build optimizer ``name`` ("gd", "momentum", "rmsprop", "adam") with the surface's learning rate.

    Keyword arguments override the defaults, e.g. ``make_optimizer("momentum",
    "elongated_bowl", beta=0.5)`` or ``learning_rate=0.05``.
    """
    if not isinstance(name, str) or name not in _OPTIMIZERS:
        raise ValueError(f"optimizer == {name!r}, must be one of {sorted(_OPTIMIZERS)}")
    surface = get_surface(surface)
    hyperparameters.setdefault("learning_rate", surface.learning_rates[name])
    return _OPTIMIZERS[name](**hyperparameters)


@dataclass
class SurfaceRun:
    """The result of ``run_on_surface``.

    Attributes
    ----------
    surface : str
        The surface's name.
    optimizer : str
        ``repr`` of the optimizer (its class and hyperparameters).
    path : ndarray of shape (k + 1, 2)
        The points (x, y) visited, the start first. k = ``num_steps`` unless the run
        diverged; then the path ends at the last point that was finite and within the
        escape radius.
    losses : ndarray of shape (k + 1,)
        f at each point of ``path``.
    steps_to_tol : int or None
        The first step t (0 = the start) with ``f - f_min < tol``, or None if never.
    diverged : bool
        True when the run produced a non-finite value or left the escape radius.
    """

    surface: str
    optimizer: str
    path: np.ndarray
    losses: np.ndarray
    steps_to_tol: Optional[int]
    diverged: bool

    @property
    def final(self):
        """The last point of the path, (x, y)."""
        return tuple(float(c) for c in self.path[-1])


def run_on_surface(surface, optimizer, start=None, num_steps=None, tol=None, max_radius=1e4):
    """Run an optimizer on a 2-D surface and record its path.

    The two coordinates are one parameter array ``params = {"w": array([x, y])}`` with
    gradient ``{"w": array([dfdx, dfdy])}``, so the optimizer does exactly what it does
    on a network's weights.

    Parameters
    ----------
    surface : Surface or str
        A surface or its name in ``SURFACES``.
    optimizer : optimizer object or str
        A ``GradientDescent``, ``Momentum``, ``RMSProp`` or ``Adam`` (anything with
        ``init(params)`` and ``step(params, grads, state)``), or one of the names "gd",
        "momentum", "rmsprop", "adam" for that optimizer with the surface's
        recommended learning rate.
    start : (x0, y0), optional
        Start point; default ``surface.start``.
    num_steps : int, optional
        Number of optimizer steps, >= 0; default ``surface.num_steps``.
    tol : float, optional
        Threshold for ``steps_to_tol``, > 0; default ``surface.tol``. The criterion is
        ``f - f_min < tol``; for a surface without a known minimum (``f_min`` None) it
        is the gradient norm ``< tol``.
    max_radius : float, default 1e4
        A point farther than this from the origin counts as divergence.

    Returns
    -------
    SurfaceRun
        ``path``, ``losses``, ``steps_to_tol``, ``diverged``. The arrays never hold NaN
        or infinities, and no numpy warning is emitted, even when the run diverges.
    """
    surface = get_surface(surface)
    if isinstance(optimizer, str):
        optimizer = make_optimizer(optimizer, surface)
    elif isinstance(optimizer, type) or not (callable(getattr(optimizer, "init", None))
                                             and callable(getattr(optimizer, "step", None))):
        raise TypeError(
            f"optimizer must be an optimizer such as GradientDescent(0.1) or one of {sorted(_OPTIMIZERS)}, "
            f"got {type(optimizer).__name__}"
        )
    num_steps = surface.num_steps if num_steps is None else check_int(num_steps, "num_steps", min_val=0)
    tol = surface.tol if tol is None else check_real(tol, "tol", min_val=0.0, closed="neither")
    max_radius = check_real(max_radius, "max_radius", min_val=0.0, closed="neither")
    start = surface.start if start is None else start
    try:
        w = np.array(start, dtype=float)
    except (TypeError, ValueError):
        w = None
    if w is None or w.shape != (2,) or not np.isfinite(w).all():
        raise ValueError(f"start must be two finite numbers (x0, y0), got {start!r}")

    params = {"w": w}
    state = optimizer.init(params)
    path = np.empty((num_steps + 1, 2))
    losses = np.empty(num_steps + 1)
    steps_to_tol = None
    diverged = False
    t = 0
    # A diverging run overflows: every step evaluates quietly, then looks at the numbers.
    # (One errstate for the whole loop: entering one per step cost about a tenth of a run.)
    with np.errstate(over="ignore", invalid="ignore"):
        while True:
            loss = float(surface.f(w[0], w[1]))
            dfdx, dfdy = surface.grad(w[0], w[1])
            grad = np.array([dfdx, dfdy], dtype=float)
            inside = np.isfinite(w).all() and float(np.hypot(w[0], w[1])) <= max_radius  # hypot may overflow
            if not (inside and np.isfinite(loss) and np.isfinite(grad).all()):
                diverged = True
                break
            path[t] = w
            losses[t] = loss
            if steps_to_tol is None:
                # (a gradient norm beyond 1e308 is just not < tol)
                gap = loss - surface.f_min if surface.f_min is not None else float(np.hypot(*grad))
                if gap < tol:
                    steps_to_tol = t
            if t == num_steps:
                break
            try:
                optimizer.step(params, {"w": grad}, state)   # (quiet for optimizers other than the course's)
            except StepOverflowError:  # the course's optimizers report an update that overflowed
                diverged = True
                t += 1
                break
            t += 1
    if diverged and t == 0:
        raise ValueError(
            f"start == {tuple(float(c) for c in w)}: f or its gradient is not finite there, or it lies "
            f"farther than max_radius == {max_radius!r} from the origin; there is no path to record"
        )
    keep = t if diverged else t + 1
    return SurfaceRun(
        surface=surface.name,
        optimizer=repr(optimizer),
        path=path[:keep].copy(),
        losses=losses[:keep].copy(),
        steps_to_tol=steps_to_tol,
        diverged=diverged,
    )


def surface_grid(surface, num=200):
    """Evaluate a surface on a grid over its bounds, for contour plots.

    Parameters
    ----------
    surface : Surface or str
    num : int, default 200
        Points per axis, >= 2.

    Returns
    -------
    X, Y, Z : ndarrays of shape (num, num)
        ``X, Y = np.meshgrid(x, y)`` and ``Z = f(X, Y)``, ready for ``ax.contour(X, Y, Z)``.
    """
    surface = get_surface(surface)
    num = check_int(num, "num", min_val=2)
    (xmin, xmax), (ymin, ymax) = surface.bounds
    X, Y = np.meshgrid(np.linspace(xmin, xmax, num), np.linspace(ymin, ymax, num))
    return X, Y, surface.f(X, Y)
