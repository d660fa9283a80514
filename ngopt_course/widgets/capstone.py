"""The capstone explorer (notebook 09): pick an optimizer and a learning-rate setting.

The figure shows every run as cost curves (the chosen one thick) and the chosen run's
decision boundary; the note its accuracy, final cost, late jitter and training time.
Runs come precomputed from the notebook (a dict of ``CapstoneRun``); every combination
not in it is trained when the explorer is built, under a progress bar (about 2 s each
for 5000 epochs), so that every click only redraws. ``train_ahead=False`` trains a
missing combination when it is first chosen instead (and keeps it).
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets
from matplotlib.lines import Line2D
from matplotlib.ticker import NullLocator

from .._validation import check_int
from ..experiments.capstone import NUM_EPOCHS, OPTIMIZER_NAMES, SETTINGS, CapstoneRun, cost_jitter, data_bounds, train_run
from ..plots.capstone import cost_curve_style, plot_cost_curves, plot_decision_boundary, shade_decision_regions
from ..plots.style import MARK_COLOR, OPTIMIZER_COLORS, OPTIMIZER_LABELS
from ..plots.legends import legend_above
from ._base import Explorer

__all__ = ["CapstoneExplorer", "CapstoneResult", "capstone_explorer", "SETTING_LINESTYLES"]

#: How each learning-rate setting is drawn (the colour is the optimizer's).
SETTING_LINESTYLES = {"small": "-", "large": ":", "decay": "--"}


#: Titles above the legends, in axes fractions (two rows of legend on the left).
_TITLE_Y = 1.15

@dataclass(frozen=True)
class CapstoneResult:
    """The chosen run, and whether this explorer trained it (on demand or when built) or it is missing."""

    key: tuple
    run: CapstoneRun | None
    trained_now: bool          #: trained on demand by this change (``train_ahead=False``)
    trained_here: bool = False  #: trained by this explorer, not passed in precomputed


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
        Train the combinations missing from ``runs``. If False the note says such a
        combination is not available instead.
    num_epochs : int, default 5000
        Epochs of the runs trained here (tests use fewer).
    train_ahead : bool, default True
        Train the missing combinations now, while the explorer is built (a click then
        only redraws); False: each when it is first chosen (a click then waits for it).
    progress : bool, default True
        A progress bar over the combinations trained ahead.
    """

    def __init__(self, runs, X, Y, *, optimizer="adam", setting="small", train_missing=True,
                 num_epochs=NUM_EPOCHS, train_ahead=True, progress=True):
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
        self._trained_here = set()
        if self.train_missing and train_ahead:
            self._train_ahead(progress)
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

    def _train_ahead(self, progress):
        """Train every combination missing from ``self.runs``, with a bar over them."""
        missing = [(o, s) for o in OPTIMIZER_NAMES for s in SETTINGS if (o, s) not in self.runs]
        if not missing:
            return
        from tqdm.auto import tqdm  # here, not at import: it pulls in IPython in a kernel

        with tqdm(missing, desc="training the missing combinations", disable=not progress,
                  leave=True) as bar:
            for key in bar:
                bar.set_postfix_str(f"{OPTIMIZER_LABELS[key[0]]}, {SETTINGS[key[1]].label}")
                self._train(key)

    def _train(self, key):
        run = train_run(self.X, self.Y, *key, num_epochs=self.num_epochs, bounds=self._bounds)
        self.runs[key] = run
        self._trained_here.add(key)
        return run

    def compute(self, optimizer, setting):
        key = (optimizer, setting)
        if key in self.runs:
            return CapstoneResult(key, self.runs[key], trained_now=False, trained_here=key in self._trained_here)
        if not self.train_missing:
            return CapstoneResult(key, None, trained_now=False)
        return CapstoneResult(key, self._train(key), trained_now=True, trained_here=True)

    def _keys(self):
        return sorted(self.runs, key=lambda k: (OPTIMIZER_NAMES.index(k[0]), list(SETTINGS).index(k[1])))

    def layer_key(self, result):
        # a still layer per set of runs drawn (one is added when a run is trained on demand)
        return tuple(self._keys()), result.run is None

    def draw_still(self, result):
        # Room above the axes for the legends (they cover no data) and the titles.
        left = self.figure.add_axes((0.07, 0.14, 0.50, 0.66))
        right = self.figure.add_axes((0.66, 0.14, 0.31, 0.66))
        keys = self._keys()
        plot_cost_curves(
            {k: self.runs[k].epoch_costs for k in keys}, {k: k[0] for k in keys}, ax=left,
            labels={k: self.runs[k].label for k in keys},
            highlight=result.key if result.run is not None else None,
            styles={k: {"ls": SETTING_LINESTYLES[k[1]]} for k in keys},
            title="Cost per epoch (chosen run thick)",
        )
        left.set_title(left.get_title(), y=_TITLE_Y)
        # a compact legend: colour = optimizer (first row), line style = learning-rate setting (second)
        shown_optimizers = [o for o in OPTIMIZER_NAMES if any(k[0] == o for k in keys)]
        shown_settings = [s for s in SETTINGS if any(k[1] == s for k in keys)]
        colours = [Line2D([], [], color=OPTIMIZER_COLORS[o], lw=1.5, label=OPTIMIZER_LABELS[o])
                   for o in shown_optimizers]
        styles = [Line2D([], [], color=MARK_COLOR, lw=1.0, ls=SETTING_LINESTYLES[s], label=SETTINGS[s].label)
                  for s in shown_settings]
        columns = max(len(colours), len(styles))
        colours += [Line2D([], [], alpha=0.0, label=" ")] * (columns - len(colours))   # blank cells
        styles += [Line2D([], [], alpha=0.0, label=" ")] * (columns - len(styles))
        legend_above(left, [h for pair in zip(colours, styles) for h in pair], ncol=columns, fontsize=6.5)
        # no minor ticks on the log axis: they would be rebuilt on every redraw (half its time)
        left.yaxis.set_minor_locator(NullLocator())
        if result.run is None:
            right.set_axis_off()
            right.text(0.5, 0.5, "not trained yet", ha="center", va="center", transform=right.transAxes)
            return
        run = result.run
        plot_decision_boundary(run.grid, self.X, self.Y, ax=right, markersize=8, title=self._boundary_title(run))
        right.set_title(right.get_title(), y=_TITLE_Y)
        right.get_legend().remove()
        legend_above(right, right.get_legend_handles_labels()[0], fontsize=6.5)

    @staticmethod
    def _boundary_title(run):
        return f"{OPTIMIZER_LABELS[run.optimizer]}: accuracy {run.accuracy:.1%}"

    def draw_moving(self, result):
        """The curves (restyled: the chosen one thick), and on the right the shading, the examples
        over it, the spines over both and the title; the axes, ticks and legends stay."""
        if result.run is None:                    # "not trained yet": nothing moves
            return []
        left, right = self.figure.axes
        for key, line in zip(self._keys(), left.get_lines()):
            line.set(**cost_curve_style(key == result.key, highlighted=True))
        # the decision panel: the same axes, examples and legend; new shading and title
        for artist in [*right.collections]:
            if artist.get_label() not in ("y = 0", "y = 1"):   # not the examples' dots
                artist.remove()
        before = set(right.collections)
        shade_decision_regions(result.run.grid, ax=right)
        for artist in set(right.collections) - before:
            if artist.filled:                     # the shading under the examples, as plot_decision_boundary
                artist.set_zorder(0.5)            # draws it (the boundary line stays above them)
        right.set_title(self._boundary_title(result.run), y=_TITLE_Y)
        return [*left.get_lines(), *right.collections, *right.spines.values(), right.title]

    def describe(self, result):
        if result.run is None:
            o, s = result.key
            return (f"<p>{OPTIMIZER_LABELS[o]} with {SETTINGS[s].label} is not among the precomputed "
                    "runs (this explorer was built with train_missing=False).</p>")
        run = result.run
        jitter = cost_jitter(run.epoch_costs) if run.epoch_costs.size >= 2 else float("nan")
        when = (f"trained just now in {run.seconds:.1f} s (kept for next time)" if result.trained_now
                else f"trained in {run.seconds:.1f} s when this explorer was built" if result.trained_here
                else "precomputed")
        return (f"<p><b>{run.label}</b>: accuracy <b>{run.accuracy:.1%}</b> on the {self.X.shape[1]} training examples, "
                f"final cost {run.final_cost:.4f}, mean change of the cost from one epoch to the next over "
                f"the last 1000 epochs {jitter:.2g} ({when}).</p>")


def capstone_explorer(runs, X, Y, *, optimizer="adam", setting="small", train_missing=True, num_epochs=NUM_EPOCHS,
                      train_ahead=True, progress=True):
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
        Train the combinations missing from ``runs`` (about 2 s each) and keep them.
    num_epochs : int, default 5000
    train_ahead : bool, default True
        Train them now, under a progress bar, so that no click waits for training;
        False: each when it is first chosen.
    progress : bool, default True

    Returns
    -------
    CapstoneExplorer
    """
    return CapstoneExplorer(runs, X, Y, optimizer=optimizer, setting=setting, train_missing=train_missing,
                            num_epochs=num_epochs, train_ahead=train_ahead, progress=progress)

