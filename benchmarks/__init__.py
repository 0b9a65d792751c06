"""Benchmarks: scripts that print figures (never assertions on time). `make bench` runs them all."""
