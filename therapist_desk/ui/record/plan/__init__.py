"""The Plan tab: a treatment plan's goals, objectives and interventions, and its versions."""
