"""Test-session settings shared by the unit tests and the nbval notebook run."""

import os

# An exported MPLBACKEND=Agg would reach the notebooks' kernels (nbval starts them from
# this process's environment) and make matplotlib drop every inline figure silently.
os.environ.pop("MPLBACKEND", None)
