"""Benchmarks that print figures (``make bench``); never timed asserts in tests."""
