"""A synthetic practice a therapist would believe, for showing the program and for
benchmarks: `therapist-desk demo`.
"""
