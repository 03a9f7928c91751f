"""Readers for the official file formats. Each turns a file into a ``RuweTabel`` or ``Inlezing``."""
