"""Township duty lists (履行职责事项清单) → validated, analysis-ready tables."""

__version__ = "0.1.0"
