"""A scanned page made ready for OCR (pipeline/extract/ocr_image.py), on images drawn here with known
rules, turned by known angles (test data)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from pipeline.extract.ocr_image import despeckle, find_grid, skew_angle, straighten

DPI = 150
ROWS_Y = [200, 260, 340, 400, 520]  # horizontal rules
COLUMNS_X = [150, 230, 900]  # vertical rules


def _table(text: bool = True) -> np.ndarray:
    """A white A4 page at 150 dpi with a ruled table of 4 rows and 2 columns, and lines of 'text'."""
    page = np.full((1754, 1240), 255, np.uint8)
    for y in ROWS_Y:
        cv2.line(page, (COLUMNS_X[0], y), (COLUMNS_X[-1], y), 0, 2)
    for x in COLUMNS_X:
        cv2.line(page, (x, ROWS_Y[0]), (x, ROWS_Y[-1]), 0, 2)
    if text:
        for y in ROWS_Y[:-1]:
            cv2.putText(page, "1", (180, y + 35), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 0, 2)
            cv2.putText(page, "SOME WORDS OF A DUTY", (250, y + 35), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 0, 2)
    return page


def _turned(page: np.ndarray, angle: float) -> np.ndarray:
    """Turned counter-clockwise by `angle` degrees, as a scanner feeds a page askew."""
    h, w = page.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(page, m, (w, h), flags=cv2.INTER_CUBIC, borderValue=255)


@pytest.mark.parametrize("angle", [0.0, 0.2, -0.35, 0.5, -1.2])
def test_skew_angle_is_measured(angle):
    assert skew_angle(_turned(_table(), angle)) == pytest.approx(angle, abs=0.03)


@pytest.mark.parametrize("angle", [0.4, -0.5])
def test_straightened_rules_are_level_and_in_place(angle):
    straight, measured = straighten(_turned(_table(), angle))
    assert measured == pytest.approx(angle, abs=0.03)
    grid, _ = find_grid(straight, DPI)
    ys = sorted(s.top for s in grid.horizontal)
    xs = sorted(s.x0 for s in grid.vertical)
    assert ys == pytest.approx(ROWS_Y, abs=1.5)
    assert xs == pytest.approx(COLUMNS_X, abs=1.5)
    # level: each rule stays within two pixels of one y over the whole table's width
    assert all(s.x1 - s.x0 > COLUMNS_X[-1] - COLUMNS_X[0] - 6 for s in grid.horizontal)


def test_grid_is_erased_and_text_kept():
    page = _table()
    grid, erased = find_grid(page, DPI)
    assert len(grid.horizontal) == len(ROWS_Y) and len(grid.vertical) == len(COLUMNS_X)
    rules = _table(text=False) < 128
    assert (erased[rules] > 200).mean() > 0.99  # the rules are gone
    text = (page < 128) & ~rules
    assert (erased[text] < 128).mean() > 0.97  # the text is not


def test_no_rules_no_grid():
    page = np.full((600, 800), 255, np.uint8)
    cv2.putText(page, "ONLY TEXT HERE", (50, 100), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 0, 2)
    grid, _ = find_grid(page, DPI)
    assert grid.horizontal == [] and grid.vertical == []


def test_despeckle_removes_lone_dust_only():
    page = np.full((300, 300), 255, np.uint8)
    page[50, 50] = 0  # a lone speck
    page[100:102, 200:202] = 30  # a lone speck of four pixels
    cv2.putText(page, "1.", (100, 200), cv2.FONT_HERSHEY_SIMPLEX, 0.6, 0, 1)  # a number with its point
    clean = despeckle(page, DPI)
    assert clean[50, 50] == 255 and (clean[100:102, 200:202] == 255).all()
    assert np.array_equal(clean[170:210, 90:140], page[170:210, 90:140])  # the number and point untouched
