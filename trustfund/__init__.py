"""trustfund — fund and fee accounting for trust-model (信托制) residential estates."""

__version__ = "0.1.0"
