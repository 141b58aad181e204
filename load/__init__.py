"""Schemas and Parquet: what the tables look like and how they are written and read."""
