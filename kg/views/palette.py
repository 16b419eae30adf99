"""One colour per node class, shared by `kg view` and the Neo4j Browser style, so a class looks
the same wherever the graph is shown.

The eight Okabe-Ito colours (distinguishable with the common colour-vision deficiencies) go to the
classes people look for first; the rest take Paul Tol's muted colours and greys. Fifteen classes
cannot all differ for every reader, so views also name each class (legend, tooltip).
"""

from __future__ import annotations

#: Entity, and any class added to the ontology before it gets a colour here.
DEFAULT = "#DDDDDD"

COLOURS: dict[str, str] = {
    "Product": "#0072B2",  # Okabe-Ito blue
    "Target": "#D55E00",  # vermillion
    "Disease": "#009E73",  # bluish green
    "Evidence": "#E69F00",  # orange
    "Study": "#56B4E9",  # sky blue
    "Therapy": "#CC79A7",  # reddish purple
    "Finding": "#F0E442",  # yellow
    "Source": "#999999",  # grey
    "AdverseEvent": "#882255",  # Tol wine
    "Autoantibody": "#CC6677",  # Tol rose
    "Cohort": "#DDCC77",  # Tol sand
    "Modality": "#999933",  # Tol olive
    "Organization": "#332288",  # Tol indigo
    "Outcome": "#AA4499",  # Tol purple
    "Person": "#44AA99",  # Tol teal
}


def colour(label: str) -> str:
    """The class's colour as #RRGGBB."""
    return COLOURS.get(label, DEFAULT)
