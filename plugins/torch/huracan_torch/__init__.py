"""Huracan's PyTorch plugin: windowed deep learners, an autoencoder, a GAN, and local/DDP trainers.

Importing this package is cheap; torch is imported by the modules that need it
(``huracan_torch.learners``, ``huracan_torch.trainers``, ...), never at discovery.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
