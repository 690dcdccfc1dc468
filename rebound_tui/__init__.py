"""rebound-tui: keep the companies that said no in your bullpen; follow up until a door opens."""

__version__ = "0.1.0"
