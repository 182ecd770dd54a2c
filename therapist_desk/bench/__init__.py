"""Benchmarks of the vault: `therapist-desk bench` builds a synthetic vault of realistic
size and prints speed and size figures beside their plain baselines.
"""
