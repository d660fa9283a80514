"""Widget builders: each wires ipywidgets controls to compute functions and plots.

Every builder returns an ``Explorer`` (an ``ipywidgets.VBox``) showing its figure as a
PNG; see ``widgets._base`` for the pattern.
"""

from ._base import Explorer

__all__ = ["Explorer"]
