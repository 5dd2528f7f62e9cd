"""The REST API (FastAPI): thin routes over the application layer; `icaops serve` runs it."""
