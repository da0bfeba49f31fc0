"""Seeded mutation testing of the extractors: `python -m fuzz` (see fuzz/__main__.py).

Every mutant of a published file must give the same data or one clean error
(InputError, exit 2) — never an internal error, a hang, more than 1 GiB of
memory, or different data that the mutation does not explain.
"""
