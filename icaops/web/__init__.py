"""The web portal both carriers work in: server-rendered pages (Jinja2, enhanced by htmx) over the
same application-layer functions the REST API calls, mounted by `icaops.api.app.create_app` under
/portal (docs/portal.md)."""
