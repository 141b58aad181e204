"""edgar8k: SEC Form 8-K filings to analysis-ready Parquet about companies issuing their own securities."""

__version__ = "0.1.0"
