"""pdf_page.py: what both PDF readers agree a rectangle is."""

from __future__ import annotations

from pipeline.extract.pdf_page import AXIS_SLACK, along_axes

# a table rule Chromium draws as a filled box, on a page turned by /Rotate 90 (the layout matrix's
# p17-chromium, page 2): pdfminer's doubles put its corners 1e-14 pt off the axis
TURNED_RULE = [(42.74999821875002, 108.68341680752405), (43.49924173153154, 108.68341680752405),
               (43.499241731531534, 192.59869023905424), (42.749998218750015, 192.59869023905424),
               (42.74999821875002, 108.68341680752405)]


def test_a_box_a_rounding_error_off_the_axes_is_a_rectangle():
    assert along_axes(TURNED_RULE)


def test_corners_taken_in_either_order_are_a_rectangle():
    assert along_axes([(0, 0), (0, 10), (5, 10), (5, 0), (0, 0)])
    assert along_axes([(0, 0), (5, 0), (5, 10), (0, 10), (0, 0)])


def test_a_slanted_or_open_path_is_no_rectangle():
    assert not along_axes([(0, 0), (5, 1), (5, 10), (0, 10), (0, 0)])  # a side one point off
    assert not along_axes([(0, 0), (5, 0), (5, 10), (0, 10), (0, 1)])  # not closed on its start
    assert not along_axes([(0, 0), (5, 0), (5, 10), (0, 10)])  # four points: not closed
    assert not along_axes([(0, 0), (5, 0), (5, 10), (0, 10), (0, 5), (0, 0)])  # five sides
    assert not along_axes([(0, 0), (2 * AXIS_SLACK, 10), (5, 10), (5, 0), (0, 0)])  # just past the slack
