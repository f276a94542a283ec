"""The Explorer: pick artists, platforms, a country and a period, then open any
Artist × Platform row into the tracks that carried it (README, "The Explorer").

Three layers, as in jupyter-widgets/tutorial's password generator: `model` (state and
queries, plain Python: ExplorerModel, BreakdownState), `view` (builders that take data
and return HTML through the report's templates) and `app` (the ipywidgets: Explorer, and
`row`'s BreakdownRow). `from kit.explorer import Explorer` is all a notebook needs.
"""

from .app import Explorer
from .model import BreakdownState, ExplorerModel, TrackPick, TrackPositions, row_key
from .row import BreakdownRow
from .view import render_breakdown, render_totals

__all__ = [
    "BreakdownRow",
    "BreakdownState",
    "Explorer",
    "ExplorerModel",
    "TrackPick",
    "TrackPositions",
    "render_breakdown",
    "render_totals",
    "row_key",
]
