"""Mission scheduler: plan business missions and 1-on-1 partnering meetings."""

__version__ = "0.1.0"
