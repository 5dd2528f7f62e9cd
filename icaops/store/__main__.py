"""`python -m icaops.store [URL]`: migrate the database (default: see `database_url`) to head."""

from __future__ import annotations

import sys

from .db import database_url
from .migrate import migrate

url = sys.argv[1] if len(sys.argv) > 1 else None
migrate(url)
print(f"migrated {database_url(url)} to head")
