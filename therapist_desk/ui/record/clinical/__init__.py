"""The clinical tabs of a record: diagnoses and medications, measures and their charts,
risk assessments and the safety plan, significant dates.
"""
