"""The clinical record: treatment plans with goals and objectives, ICD-10 diagnoses,
medications, outcome measures and their scoring, risk assessments and the safety plan, and
significant dates.

Each module is a service over an unlocked vault, like those of `therapist_desk.records`.
"""
