"""edgar8k: SEC Form 8-K filings to analysis-ready Parquet about companies issuing their own securities."""

__version__ = "0.1.0"

_API = ("read_filings", "read_issuances", "duckdb_connection", "extract_text", "extract_file")
__all__ = ["__version__", *_API]


def __getattr__(name: str) -> object:
    """`edgar8k.read_issuances` etc. without importing pandas and pyarrow for the CLI's sake."""
    if name in _API:
        from edgar8k import api

        return getattr(api, name)
    raise AttributeError(f"module 'edgar8k' has no attribute {name!r}")
