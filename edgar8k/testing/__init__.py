"""Test doubles that are real: an EDGAR look-alike HTTP server and a synthetic EDGAR mirror."""
