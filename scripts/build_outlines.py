"""Generate ``dashboard/data/outlines_*.json``, the country outlines the map draws offline.

Source: Natural Earth admin-0 countries (public domain) as TopoJSON in the npm package
``world-atlas`` 2.0.2 (ISC, Mike Bostock). Two GeoJSON files come out:

- ``outlines_region_50m.json``: the 1:50m countries clipped to the region the war news
  is about (``REGION``: Europe, Ukraine, western Russia, the Caucasus and the eastern
  Mediterranean), for every map framed inside it;
- ``outlines_world_110m.json``: the 1:110m countries of the whole world, for a map framed
  elsewhere (a filter on Washington or Beijing).

Each TopoJSON arc is simplified once (Douglas-Peucker, so neighbours keep a common border),
rings are clipped to the region box (the cut edges densified so they follow the parallels
on a sphere), coordinates are rounded to 0.01 degrees (about 1 km) and each feature keeps
its bounding box (``bbox``) so the map sends the browser only what it shows.

Run (build time only; needs the npm client, which reaches the npm registry)::

    .venv/bin/python scripts/build_outlines.py            # runs `npm pack world-atlas@2.0.2`
    .venv/bin/python scripts/build_outlines.py --from DIR # an unpacked world-atlas package

The output is committed with ``OUTLINES-LICENCE.md``; nothing is downloaded at run time.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import tarfile
import tempfile
from itertools import pairwise
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "dashboard" / "data"
PACKAGE = "world-atlas@2.0.2"
# lon0, lat0, lon1, lat1 of the detailed file; keep in step with dashboard/charts/places.py.
REGION = (-25.0, 25.0, 65.0, 72.0)
# Douglas-Peucker tolerance in degrees per file, and the rounding of the output.
TOLERANCE = {"50m": 0.01, "110m": 0.02}
DIGITS = 2
# Natural Earth's default (de facto) view draws Crimea inside Russia; its own Ukrainian and
# UN points of view, and this project's regions table, keep it in Ukraine: the build moves
# the polygon holding this point from Russia to Ukraine (the isthmus stays drawn as a line).
CRIMEA_POINT = (34.1, 45.0)
# Rings smaller than this (square degrees) are dropped: islets nobody reads at these scales.
MIN_RING_AREA = {"50m": 0.002, "110m": 0.01}


def fetch_package(workdir: Path) -> Path:
    """``npm pack`` the world-atlas package into ``workdir`` and unpack it; its folder."""
    subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=workdir, check=True)
    (tgz,) = workdir.glob("world-atlas-*.tgz")
    with tarfile.open(tgz) as tar:
        tar.extractall(workdir, filter="data")
    return workdir / "package"


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    """The topology's arcs as absolute (lon, lat) points (delta- and quantisation-decoded)."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def simplify(points: list, tolerance: float) -> list:
    """Douglas-Peucker; the first and last points stay (they are shared with other arcs)."""
    if len(points) < 3 or tolerance <= 0:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (x0, y0), (x1, y1) = points[a], points[b]
        dx, dy = x1 - x0, y1 - y0
        norm = math.hypot(dx, dy)
        best, index = -1.0, None
        for i in range(a + 1, b):
            px, py = points[i]
            if norm == 0:
                dist = math.hypot(px - x0, py - y0)
            else:
                dist = abs(dy * (px - x0) - dx * (py - y0)) / norm
            if dist > best:
                best, index = dist, i
        if index is not None and best > tolerance:
            keep[index] = True
            stack += [(a, index), (index, b)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def ring(arcs: list, indices: list[int]) -> list:
    """One closed ring from arc indices (``~i`` is arc ``i`` reversed)."""
    points: list = []
    for i in indices:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def clip(points: list, box: tuple) -> list:
    """Sutherland-Hodgman clip of a closed ring to ``box`` (lon0, lat0, lon1, lat1)."""
    lon0, lat0, lon1, lat1 = box
    edges = (
        (lambda p: p[0] >= lon0, lambda p, q: _cross_x(p, q, lon0)),
        (lambda p: p[0] <= lon1, lambda p, q: _cross_x(p, q, lon1)),
        (lambda p: p[1] >= lat0, lambda p, q: _cross_y(p, q, lat0)),
        (lambda p: p[1] <= lat1, lambda p, q: _cross_y(p, q, lat1)),
    )
    out = unwrap(points[:-1] if points and points[0] == points[-1] else points)
    for inside, cross in edges:
        if not out:
            break
        src, out = out, []
        prev = src[-1]
        for cur in src:
            if inside(cur):
                if not inside(prev):
                    out.append(cross(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(cross(prev, cur))
            prev = cur
    return out + out[:1] if out else []


def unwrap(points: list) -> list:
    """The ring without jumps across the antimeridian (lon may pass 180), so that a planar
    clip does not read a jump from 180 to -180 as an edge across the whole map."""
    out, shift = [], 0.0
    for i, (x, y) in enumerate(points):
        if i and abs(x + shift - out[-1][0]) > 180:
            shift += 360.0 if out[-1][0] > x + shift else -360.0
        out.append((x + shift, y))
    return out


def _cross_x(p, q, x):
    t = (x - p[0]) / (q[0] - p[0])
    return (x, p[1] + t * (q[1] - p[1]))


def _cross_y(p, q, y):
    t = (y - p[1]) / (q[1] - p[1])
    return (p[0] + t * (q[0] - p[0]), y)


def densify_box_edges(points: list, box: tuple, step: float = 1.0) -> list:
    """Extra points along segments lying on the box edge, so they follow it on a sphere
    (a straight segment between two points on a parallel is a great circle, not the parallel).
    """
    lon0, lat0, lon1, lat1 = box
    out = points[:1]
    for p, q in pairwise(points):
        on_parallel = p[1] == q[1] and p[1] in (lat0, lat1)
        if on_parallel and abs(q[0] - p[0]) > step:
            n = int(abs(q[0] - p[0]) / step)
            out.extend((p[0] + (q[0] - p[0]) * k / (n + 1), p[1]) for k in range(1, n + 1))
        out.append(q)
    return out


def area(points: list) -> float:
    """Planar area (square degrees) of a closed ring, unsigned."""
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairwise(points))) / 2


def features(topo: dict, resolution: str, box: tuple | None) -> list[dict]:
    """GeoJSON features (name, ISO numeric id, bbox) of the countries in ``box``."""
    arcs = [simplify(a, TOLERANCE[resolution]) for a in decode_arcs(topo)]
    out = []
    shapes_of: dict[str, list] = {}
    for geometry in topo["objects"]["countries"]["geometries"]:
        polygons = geometry.get("arcs") or []
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        shapes = []
        for polygon in polygons:
            rings = []
            for k, indices in enumerate(polygon):
                points = ring(arcs, indices)
                if box is not None:
                    points = densify_box_edges(clip(points, box), box)
                points = _rounded(points)
                if len(points) < 4 or area(points) < MIN_RING_AREA[resolution]:
                    if k == 0:
                        break  # no exterior ring: the holes go too
                    continue
                rings.append(points)
            if rings:
                shapes.append(rings)
        shapes_of[geometry["properties"]["name"]] = shapes
        out.append((geometry, shapes))
    crimea = [s for s in shapes_of.get("Russia", []) if _inside(CRIMEA_POINT, s[0])]
    if crimea and "Ukraine" in shapes_of:
        shapes_of["Russia"][:] = [s for s in shapes_of["Russia"] if s not in crimea]
        shapes_of["Ukraine"].extend(crimea)
    return sorted(
        (_feature(g, shapes) for g, shapes in out if shapes), key=lambda f: f["properties"]["name"]
    )


def _feature(geometry: dict, shapes: list) -> dict:
    xs = [x for shape in shapes for x, _ in shape[0]]
    ys = [y for shape in shapes for _, y in shape[0]]
    return {
        "type": "Feature",
        "id": geometry.get("id"),
        "bbox": [min(xs), min(ys), max(xs), max(ys)],
        "properties": {"name": geometry["properties"]["name"]},
        "geometry": {"type": "MultiPolygon", "coordinates": shapes},
    }


def _inside(point: tuple, ring: list) -> bool:
    """Even-odd test of ``point`` in a closed ring."""
    x, y = point
    inside = False
    for (x0, y0), (x1, y1) in pairwise(ring):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def _rounded(points: list) -> list:
    out: list = []
    for x, y in points:
        p = [round(x, DIGITS), round(y, DIGITS)]
        if not out or out[-1] != p:
            out.append(p)
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out


def write(path: Path, feats: list[dict], note: str) -> None:
    collection = {"type": "FeatureCollection", "note": note, "features": feats}
    path.write_text(json.dumps(collection, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{path.name}: {len(feats)} countries, {path.stat().st_size / 1024:.0f} KB")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", type=Path, help="unpacked world-atlas folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        source = args.source or fetch_package(Path(tmp))
        note = (
            "Natural Earth admin-0 countries (public domain) via the npm package "
            f"{PACKAGE} (ISC); made by scripts/build_outlines.py"
        )
        region = json.loads((source / "countries-50m.json").read_text("utf-8"))
        world = json.loads((source / "countries-110m.json").read_text("utf-8"))
        write(
            DATA / "outlines_region_50m.json",
            features(region, "50m", REGION),
            f"{note}; clipped to lon {REGION[0]}..{REGION[2]}, lat {REGION[1]}..{REGION[3]}",
        )
        write(DATA / "outlines_world_110m.json", features(world, "110m", None), note)


if __name__ == "__main__":
    main()
