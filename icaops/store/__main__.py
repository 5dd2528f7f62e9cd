"""`python -m icaops.store [URL]`: migrate the database (default: see `database_url`) to head.

`python -m icaops.store grant-app-role ROLE [URL]`: give the application's PostgreSQL role
its privileges (run as the owner of the tables, after migrating; docs/store.md).
"""

from __future__ import annotations

import sys

from .db import database_url, make_engine, writing
from .guards import grant_app_role
from .migrate import migrate

args = sys.argv[1:]
if args[:1] == ["grant-app-role"]:
    if len(args) not in (2, 3):
        sys.exit("usage: python -m icaops.store grant-app-role ROLE [URL]")
    engine = make_engine(args[2] if len(args) == 3 else None)
    try:
        with writing(engine) as conn:
            statements = grant_app_role(conn, args[1])
    except ValueError as exc:
        sys.exit(f"grant-app-role: {exc}")
    finally:
        engine.dispose()
    print("\n".join(f"{s};" for s in statements))
else:
    url = args[0] if args else None
    migrate(url)
    print(f"migrated {database_url(url)} to head")
