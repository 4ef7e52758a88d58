"""The map is cut into cells at two sizes: sockets subscribe to cells, caches key on them.

A street-level view watches fine cells (0.01°, about 1.1 km), so a performer's move
reaches the people looking at that part of town; a wide view watches coarse cells
(0.1°, about 11 km) rather than thousands of fine ones. Every change is sent to the cells
of both sizes that it touches, so each view hears of it whatever its size.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

FINE, COARSE = 0, 1
CELL_DEG = {FINE: 0.01, COARSE: 0.1}
# A view up to about 10 km across watches fine cells.
MAX_FINE_CELLS = 100
MAX_CELLS = 600

Cell = tuple[int, int, int]  # (size, row, column)


def cell_of(lat: float, lng: float, size: int = FINE) -> Cell:
    deg = CELL_DEG[size]
    return size, math.floor(lat / deg), math.floor(lng / deg)


def cells_in_box(south: float, north: float, west: float, east: float) -> list[Cell]:
    """The cells a view of this box watches: fine ones, or coarse ones for a wide box.
    ValueError when even coarse ones are more than MAX_CELLS."""
    for size, limit in ((FINE, MAX_FINE_CELLS), (COARSE, MAX_CELLS)):
        (_, s, w), (_, n, e) = cell_of(south, west, size), cell_of(north, east, size)
        count = (n - s + 1) * (e - w + 1)
        if count <= limit:
            return [(size, i, j) for i in range(s, n + 1) for j in range(w, e + 1)]
    raise ValueError(f"the area covers {count} map cells; at most {MAX_CELLS}")


def map_group(cell: Cell) -> str:
    size, row, column = cell
    return f"map.{'fine' if size == FINE else 'coarse'}.{row}.{column}"


def cells_of_points(points: Iterable[tuple[float | None, float | None]]) -> set[Cell]:
    """The cells of both sizes these points lie in."""
    return {
        cell_of(lat, lng, size)
        for lat, lng in points
        if lat is not None and lng is not None
        for size in (FINE, COARSE)
    }
