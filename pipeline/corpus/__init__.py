"""Across editions: the corpus build and what compares townships."""
