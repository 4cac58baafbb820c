"""Benchmarks: a generator of synthetic plans and scripts that measure plankg next to Oxigraph."""
