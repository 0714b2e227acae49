"""{{dist_name}}: a Huracan plugin."""

__version__ = "0.1.0"
