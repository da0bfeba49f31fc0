"""A scanned page made ready for OCR (OpenCV): straightened, its table rules found, then erased.

A scanner turns the paper by a fraction of a degree; over a table 18 cm wide
0.3° moves a rule by 1 mm, enough to put text into the wrong row. So the page
is turned back first (`straighten`: the angle at which the ink's rows are
sharpest). The rules are found by morphology (`find_grid`: ink that stays
after an opening with a long thin kernel is a rule; text strokes are shorter),
and become the PDF extractor's ruling lines. Erased from the image before OCR,
they are not read as `|` or `丨`, and do not join the text of two cells into
one detected line.

Lengths are in pixels at the page's rendering resolution (`dpi`), derived from
physical sizes so that any resolution behaves alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

MAX_SKEW = 2.0  # degrees: scans turned further are not straightened (and read badly)
COARSE_STEP, FINE_STEP = 0.1, 0.01  # degrees: the angles tried, then tried again around the best
SKEW_SAMPLE = 200_000  # ink pixels enough to measure the angle
RULE_MIN_H = 0.5  # inch: a horizontal rule is at least this long (a CJK character is about 0.15)
RULE_MIN_V = 0.22  # inch: a vertical rule at least this long (one row of one line is about 0.28) …
RULE_LONG_V = 0.6  # inch: … and this long, or meeting horizontal rules at both ends (a 26 pt title's
RULE_MEET = 0.02  # inch: … within this; strokes are up to 0.3 inch long)
RULE_MAX_THICK = 0.03  # inch: a rule is at most this thick (a bold title's stroke is thicker)
RULE_GAP = 0.02  # inch: breaks in a rule this short (JPEG, faint toner) are bridged
ERASE_PAD = 1  # px: erased around a rule, its anti-aliased edge
SPECK_AREA = 4  # px at 150 dpi: a blot of ink this small may be dust (type has few, all beside other strokes)
SPECK_REACH = 2  # px at 150 dpi: ... when no other ink lies this near it (type stands closer)


@dataclass(frozen=True)
class Segment:
    """A rule found on the image, in pixels: x0 <= x1, top <= bottom."""

    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True)
class Grid:
    horizontal: list[Segment]
    vertical: list[Segment]


def ink(gray: np.ndarray) -> np.ndarray:
    """Dark pixels as 255: a threshold that adapts to uneven paper and toner."""
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)


def skew_angle(gray: np.ndarray) -> float:
    """The angle (degrees, counter-clockwise) the page's content is turned by.

    Rows of text and rules make the ink's horizontal profile sharpest when seen
    straight: the angle whose profile has the largest sum of squares wins, tried
    coarsely and then finely around the best.
    """
    ys, xs = np.nonzero(ink(gray))
    if len(ys) == 0:
        return 0.0
    if len(ys) > SKEW_SAMPLE:  # evenly spaced, so the result does not depend on a seed
        pick = np.linspace(0, len(ys) - 1, SKEW_SAMPLE).astype(np.int64)
        ys, xs = ys[pick], xs[pick]
    ys, xs = ys.astype(np.float64), xs.astype(np.float64)

    def sharpness(angle: float) -> float:
        t = np.deg2rad(angle)
        rows = np.round(ys * np.cos(t) + xs * np.sin(t)).astype(np.int64)
        counts = np.bincount(rows - rows.min())
        return float(np.dot(counts, counts))

    coarse = max(np.arange(-MAX_SKEW, MAX_SKEW + COARSE_STEP / 2, COARSE_STEP), key=sharpness)
    fine = np.arange(coarse - COARSE_STEP, coarse + COARSE_STEP + FINE_STEP / 2, FINE_STEP)
    return float(round(max(fine, key=sharpness), 3))


def straighten(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """The page turned back by its skew (white fills the corners), and that angle."""
    angle = skew_angle(gray)
    if abs(angle) < FINE_STEP:
        return gray, 0.0
    height, width = gray.shape
    turn = cv2.getRotationMatrix2D((width / 2, height / 2), -angle, 1.0)
    return cv2.warpAffine(gray, turn, (width, height), flags=cv2.INTER_CUBIC, borderValue=255), angle


def despeckle(gray: np.ndarray, dpi: float) -> np.ndarray:
    """The page without dust: small blots of ink with no other ink near them (the OCR reads them as
    `.` or `·`). A blot that small with ink beside it is part of the type: a stroke of a character, the
    point of `1.`, the dots of `：`."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink(gray), connectivity=8)
    scale = dpi / 150
    reach = max(1, round(SPECK_REACH * scale))
    height, width = labels.shape
    clean = None
    for label in np.flatnonzero(stats[:, cv2.CC_STAT_AREA] <= SPECK_AREA * scale * scale):
        if label == 0:
            continue  # the background
        x, y, w, h = stats[label, :4]
        y0, y1, x0, x1 = max(0, y - reach), min(height, y + h + reach), max(0, x - reach), min(width, x + w + reach)
        around = labels[y0:y1, x0:x1]
        if np.any((around != 0) & (around != label)):
            continue
        if clean is None:
            clean = gray.copy()
        clean[y0:y1, x0:x1][around == label] = 255
    return gray if clean is None else clean


def _thin(mask: np.ndarray, horizontal: bool, dpi: float) -> np.ndarray:
    """Only the runs as thin as a rule: a bold character's long stroke, or strokes of neighbouring
    characters bridged into one run, are thicker (and are text)."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    length = stats[:, cv2.CC_STAT_WIDTH if horizontal else cv2.CC_STAT_HEIGHT]
    thickness = stats[:, cv2.CC_STAT_AREA] / np.maximum(length, 1)  # the mean: a slight slant does not add
    keep = thickness <= max(2, RULE_MAX_THICK * dpi)
    keep[0] = False
    return np.where(keep[labels], 255, 0).astype(np.uint8)


def _segments(mask: np.ndarray, horizontal: bool) -> list[Segment]:
    """Each connected run of rule pixels as one segment through its middle."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for x, y, w, h, _area in stats[1:count]:
        if horizontal:
            out.append(Segment(float(x), y + h / 2, float(x + w), y + h / 2))
        else:
            out.append(Segment(x + w / 2, float(y), x + w / 2, float(y + h)))
    return out


def rule_masks(gray: np.ndarray, dpi: float) -> tuple[np.ndarray, np.ndarray]:
    """Pixels of horizontal and of vertical rules (255)."""
    dark = ink(gray)
    bridge = max(1, round(RULE_GAP * dpi))
    masks = []
    for long_side, shape in ((RULE_MIN_H, lambda n: (n, 1)), (RULE_MIN_V, lambda n: (1, n))):
        closed = cv2.morphologyEx(dark, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, shape(bridge)))
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, shape(max(3, round(long_side * dpi))))
        masks.append(cv2.morphologyEx(closed, cv2.MORPH_OPEN, kernel))
    return _thin(masks[0], True, dpi), _thin(masks[1], False, dpi)


def _anchored(vertical: np.ndarray, horizontal: list[Segment], dpi: float) -> np.ndarray:
    """The vertical runs that are rules: long ones, or shorter ones that meet a horizontal rule at both
    ends (a table's cell sides). A character's stroke in large type (a cover's title) is neither."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(vertical, connectivity=8)
    reach = RULE_MEET * dpi

    def meets(x: float, y: float) -> bool:
        return any(abs(h.top - y) <= reach and h.x0 - reach <= x <= h.x1 + reach for h in horizontal)

    keep = np.zeros(count, bool)
    for label in range(1, count):
        x, y, w, h, _area = stats[label]
        mid = x + w / 2
        keep[label] = h >= RULE_LONG_V * dpi or (meets(mid, y) and meets(mid, y + h))
    return np.where(keep[labels], 255, 0).astype(np.uint8)


def find_grid(gray: np.ndarray, dpi: float) -> tuple[Grid, np.ndarray]:
    """The page's rules, and the page with them erased (for the OCR)."""
    horizontal, vertical = rule_masks(gray, dpi)
    rows = _segments(horizontal, True)
    vertical = _anchored(vertical, rows, dpi)
    grid = Grid(rows, _segments(vertical, False))
    rules = cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((2 * ERASE_PAD + 1,) * 2, np.uint8))
    erased = gray.copy()
    erased[rules > 0] = 255
    return grid, erased
