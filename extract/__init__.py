"""All network and raw-store I/O: EDGAR index files, full submissions, the raw store."""
