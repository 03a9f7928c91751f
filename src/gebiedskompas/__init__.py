"""gebiedskompas: area analysis and monitoring on Dutch open data."""

__version__ = "0.1.0"
