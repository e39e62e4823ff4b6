"""Benchmark suite: `python benchmarks/run.py` (see README.md here)."""
