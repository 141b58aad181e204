"""Prefect flows: wiring of extract, transform and load, and nothing else."""
