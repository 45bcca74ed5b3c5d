"""The world map of countries reached, drawn as SVG paths from Natural Earth's shapes.

The shapes are world-atlas's ``countries-110m.json`` (TopoJSON, vendored under
``static/vendor/world-atlas/``, ISC licence), keyed by ISO 3166-1 numeric code. They are turned
into SVG paths once per process, in a plain equirectangular projection (longitude → x,
latitude → y), without Antarctica.
"""

import json
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

SHAPES = Path(__file__).parents[2] / "static" / "vendor" / "world-atlas" / "countries-110m.json"
WIDTH, HEIGHT = 960, 376  # 360° by 141° (from 84°N to 57°S) at 8/3 px per degree
SCALE = WIDTH / 360
TOP = 84
LEFT_OUT = {"010"}  # Antarctica


@dataclass(frozen=True)
class Shape:
    numeric: str
    name: str
    path: str  # the ``d`` of an SVG path


def _arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """The arcs as (longitude, latitude) points: quantized and delta-encoded in the file."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(arcs, indexes: list[int]) -> list[tuple[float, float]]:
    """A closed ring from its arcs; ``~i`` (a negative index) is arc ``i`` backwards."""
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])  # arcs share their end points
    return points


def _unwrapped(ring: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A ring crossing the antimeridian (Russia, Fiji) with its western longitudes carried
    past 180°, so that it is drawn whole rather than as a band across the map (the part past
    the right edge is clipped)."""
    if all(abs(a[0] - b[0]) <= 180 for a, b in pairwise(ring)):
        return ring
    return [(lon + 360 if lon < 0 else lon, lat) for lon, lat in ring]


def _path(rings: list[list[tuple[float, float]]]) -> str:
    parts = []
    for ring in map(_unwrapped, rings):
        xy = [f"{(lon + 180) * SCALE:.1f},{(TOP - lat) * SCALE:.1f}" for lon, lat in ring]
        parts.append("M" + "L".join(xy) + "Z")
    return "".join(parts)


@cache
def world_shapes() -> tuple[Shape, ...]:
    """Every country's shape, in the file's order (read once per process)."""
    topology = json.loads(SHAPES.read_text(encoding="utf-8"))
    arcs = _arcs(topology)
    shapes = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        numeric = geometry.get("id")
        if numeric in LEFT_OUT or geometry["type"] not in ("Polygon", "MultiPolygon"):
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        rings = [_ring(arcs, ring) for polygon in polygons for ring in polygon]
        shapes.append(Shape(numeric or "", geometry["properties"]["name"], _path(rings)))
    return tuple(shapes)


def map_shapes(reached: dict[str, str]) -> list[tuple[Shape, str | None]]:
    """Each shape with the name of the country reached there (by numeric code), or None."""
    return [(shape, reached.get(shape.numeric)) for shape in world_shapes()]
