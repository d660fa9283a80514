"""The capstone explorer (notebook 09): pick an optimizer and a learning-rate setting.

The figure shows every run trained so far as cost curves (the chosen one thick) and the
chosen run's decision boundary; the note its accuracy, final cost, late jitter and
training time. Runs come precomputed from the notebook (a dict of ``CapstoneRun``); a
combination not in it is trained once, when first chosen (about 2 s for 5000 epochs),
and kept, so every later visit only redraws.
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets
from matplotlib.lines import Line2D
from matplotlib.ticker import NullLocator
from .._validation import check_int
from ..experiments.capstone import NUM_EPOCHS, OPTIMIZER_NAMES, SETTINGS, CapstoneRun, cost_jitter, data_bounds, train_run
from ..plots.capstone import plot_cost_curves, plot_decision_boundary
from ..plots.style import MARK_COLOR, OPTIMIZER_COLORS, OPTIMIZER_LABELS
from ._base import Explorer

__all__ = ["CapstoneExplorer", "CapstoneResult", "capstone_explorer", "SETTING_LINESTYLES"]

#: How each learning-rate setting is drawn (the colour is the optimizer's).
SETTING_LINESTYLES = {"small": "-", "large": ":", "decay": "--"}


@dataclass(frozen=True)
class CapstoneResult:
    """The chosen run, and whether it was trained just now or not available."""

    key: tuple
    run: CapstoneRun | None
    trained_now: bool


class CapstoneExplorer(Explorer):
    """Optimizer and learning-rate setting -> cost curves and decision boundary.

    Parameters
    ----------
    runs : dict
        ``(optimizer, setting) -> CapstoneRun``, e.g. the notebook's runs. Not modified:
        the explorer keeps its own dict (``explorer.runs``) and adds what it trains.
    X, Y : arrays (2, m), (1, m)
        The training set (dots of the decision plot; data of new runs).
    train_missing : bool, default True
        Train a combination missing from ``runs`` when it is chosen. If False the note
        says it is not available instead.
    num_epochs : int, default 5000
        Epochs of the runs trained here (tests use fewer).
    """

    def __init__(self, runs, X, Y, *, optimizer="adam", setting="small", train_missing=True,
                 num_epochs=NUM_EPOCHS):
        if optimizer not in OPTIMIZER_NAMES:
            raise ValueError(f"optimizer == {optimizer!r}, must be one of {list(OPTIMIZER_NAMES)}")
        if setting not in SETTINGS:
            raise ValueError(f"setting == {setting!r}, must be one of {list(SETTINGS)}")
        self.runs = {}
        for key, run in dict(runs).items():
            if not isinstance(run, CapstoneRun) or run.key != tuple(key):
                raise ValueError(f"runs[{key!r}] must be the CapstoneRun of {key!r}")
            self.runs[tuple(key)] = run
        self.X, self.Y = X, Y
        self.train_missing = bool(train_missing)
        self.num_epochs = check_int(num_epochs, "num_epochs", min_val=1)
        self._bounds = data_bounds(X)
        controls = {
            "optimizer": widgets.ToggleButtons(
                options=[(OPTIMIZER_LABELS[k], k) for k in OPTIMIZER_NAMES], value=optimizer,
                description="optimizer", style={"button_width": "auto"}),
            "setting": widgets.ToggleButtons(
                options=[(s.label, s.key) for s in SETTINGS.values()], value=setting,
                description="learning rate", style={"button_width": "auto"}),
        }
        rows = [[controls["optimizer"]], [controls["setting"]]]
        super().__init__(controls, figsize=(9.0, 3.6), dpi=90, layout_rows=rows)

    def compute(self, optimizer, setting):
        key = (optimizer, setting)
        if key in self.runs:
            return CapstoneResult(key, self.runs[key], trained_now=False)
        if not self.train_missing:
            return CapstoneResult(key, None, trained_now=False)
        run = train_run(self.X, self.Y, optimizer, setting, num_epochs=self.num_epochs, bounds=self._bounds)
        self.runs[key] = run
        return CapstoneResult(key, run, trained_now=True)

    def draw(self, result):
        left = self.figure.add_axes((0.07, 0.14, 0.50, 0.75))
        right = self.figure.add_axes((0.66, 0.14, 0.31, 0.75))
        keys = sorted(self.runs, key=lambda k: (OPTIMIZER_NAMES.index(k[0]), list(SETTINGS).index(k[1])))
        plot_cost_curves(
            {k: self.runs[k].epoch_costs for k in keys}, {k: k[0] for k in keys}, ax=left,
            labels={k: self.runs[k].label for k in keys},
            highlight=result.key if result.run is not None else None,
            styles={k: {"ls": SETTING_LINESTYLES[k[1]]} for k in keys},
            title="Cost per epoch (chosen run thick)",
        )
        # a compact legend: colour = optimizer, line style = learning-rate setting
        shown_optimizers = [o for o in OPTIMIZER_NAMES if any(k[0] == o for k in keys)]
        shown_settings = [s for s in SETTINGS if any(k[1] == s for k in keys)]
        handles = [Line2D([], [], color=OPTIMIZER_COLORS[o], lw=1.5, label=OPTIMIZER_LABELS[o])
                   for o in shown_optimizers]
        handles += [Line2D([], [], color=MARK_COLOR, lw=1.0, ls=SETTING_LINESTYLES[s], label=SETTINGS[s].label)
                    for s in shown_settings]
        left.legend(handles=handles, fontsize=6.5, loc="lower left", framealpha=0.9)
        # no minor ticks on the log axis: they would be rebuilt on every redraw (half its time)
        left.yaxis.set_minor_locator(NullLocator())
        if result.run is None:
            right.set_axis_off()
            right.text(0.5, 0.5, "not trained yet", ha="center", va="center", transform=right.transAxes)
            return
        run = result.run
        plot_decision_boundary(run.grid, self.X, self.Y, ax=right, markersize=8,
                               title=f"{OPTIMIZER_LABELS[run.optimizer]}: accuracy {run.accuracy:.1%}")

    def describe(self, result):
        if result.run is None:
            o, s = result.key
            return (f"<p>{OPTIMIZER_LABELS[o]} with {SETTINGS[s].label} is not among the precomputed "
                    "runs (this explorer was built with train_missing=False).</p>")
        run = result.run
        jitter = cost_jitter(run.epoch_costs) if run.epoch_costs.size >= 2 else float("nan")
        when = (f"trained just now in {run.seconds:.1f} s (kept for next time)" if result.trained_now
                else "precomputed")
        return (f"<p><b>{run.label}</b>: accuracy <b>{run.accuracy:.1%}</b> on the {self.X.shape[1]} training examples, "
                f"final cost {run.final_cost:.4f}, mean change of the cost from one epoch to the next over "
                f"the last 1000 epochs {jitter:.2g} ({when}).</p>")


def capstone_explorer(runs, X, Y, *, optimizer="adam", setting="small", train_missing=True, num_epochs=NUM_EPOCHS):
    """Build the capstone explorer (notebook 09) from precomputed runs.

    Parameters
    ----------
    runs : dict
        ``(optimizer, setting) -> CapstoneRun`` (``capstone.train_run`` or
        ``capstone.summarize_run``).
    X, Y : arrays
        The training set.
    optimizer : {"gd", "momentum", "adam"}, default "adam"
    setting : {"small", "large", "decay"}, default "small"
    train_missing : bool, default True
        Train a chosen combination missing from ``runs`` once (about 2 s) and keep it.
    num_epochs : int, default 5000

    Returns
    -------
    CapstoneExplorer
    """
    return CapstoneExplorer(runs, X, Y, optimizer=optimizer, setting=setting, train_missing=train_missing,
                            num_epochs=num_epochs)

