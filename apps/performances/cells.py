"""The map is cut into cells of a fixed size: sockets subscribe to cells, caches key on them."""

from __future__ import annotations

import math
from collections.abc import Iterable

# About 5.5 km north-south: a 2 km map view touches one to four cells.
CELL_DEG = 0.05
MAX_CELLS = 600

Cell = tuple[int, int]


def cell_of(lat: float, lng: float) -> Cell:
    return math.floor(lat / CELL_DEG), math.floor(lng / CELL_DEG)


def cells_in_box(south: float, north: float, west: float, east: float) -> list[Cell]:
    """Every cell a bounding box touches; ValueError when that is more than MAX_CELLS."""
    (s, w), (n, e) = cell_of(south, west), cell_of(north, east)
    count = (n - s + 1) * (e - w + 1)
    if count > MAX_CELLS:
        raise ValueError(f"the area covers {count} map cells; at most {MAX_CELLS}")
    return [(i, j) for i in range(s, n + 1) for j in range(w, e + 1)]


def map_group(cell: Cell) -> str:
    return f"map.{cell[0]}.{cell[1]}"


def cells_of_points(points: Iterable[tuple[float | None, float | None]]) -> set[Cell]:
    return {cell_of(lat, lng) for lat, lng in points if lat is not None and lng is not None}
