"""One palette for the whole course: a colour per optimizer and per beta.

Okabe & Ito's colour-blind-safe palette (Okabe & Ito, "Color Universal Design", 2008).
The betas keep the lecture's colours: 0.9 red, 0.98 green, 0.5 yellow (vermillion,
bluish green and yellow here, so they stay distinct for colour-blind learners).
Nothing here changes matplotlib's global settings.
"""

from __future__ import annotations

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: One colour per optimizer, everywhere in the course.
OPTIMIZER_COLORS = {
    "gd": OKABE_ITO["black"],
    "momentum": OKABE_ITO["blue"],
    "rmsprop": OKABE_ITO["orange"],
    "adam": OKABE_ITO["reddish_purple"],
}

#: Display names matching the keys of OPTIMIZER_COLORS.
OPTIMIZER_LABELS = {
    "gd": "gradient descent",
    "momentum": "momentum",
    "rmsprop": "RMSProp",
    "adam": "Adam",
}

#: The lecture's three betas, in the lecture's colours.
BETA_COLORS = {
    0.5: OKABE_ITO["yellow"],
    0.9: OKABE_ITO["vermillion"],
    0.98: OKABE_ITO["bluish_green"],
}

#: Raw data (temperatures, noisy costs) and anything not an optimizer or a beta.
DATA_COLOR = OKABE_ITO["sky_blue"]
#: A beta chosen on a slider that is not one of the lecture's three.
OTHER_BETA_COLOR = OKABE_ITO["blue"]
#: Marks: minima, start points, the current setting on a map.
MARK_COLOR = OKABE_ITO["black"]


def optimizer_color(name):
    """Colour of an optimizer by key ("gd", "momentum", "rmsprop", "adam") or class name."""
    key = name.lower().replace("gradientdescent", "gd").replace("gradient descent", "gd")
    return OPTIMIZER_COLORS[key]


def beta_color(beta):
    """The lecture's colour for beta 0.5 / 0.9 / 0.98, otherwise OTHER_BETA_COLOR."""
    for known, color in BETA_COLORS.items():
        if abs(beta - known) < 1e-9:
            return color
    return OTHER_BETA_COLOR
