"""Tools off the product path: the mission generator, the benchmark and its baselines."""
