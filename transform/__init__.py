"""Pure functions from raw submission bytes to records: no network, no files."""
