"""Benchmarks and demo-data generators (run as modules, e.g. `python -m bench.bench_rules`)."""
