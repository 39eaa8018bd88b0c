"""storylens: news story intelligence."""

__version__ = "0.1.0"
