"""The application layer: the operations a user runs, as plain functions returning values.

The command line (icaops.commands), the demo and the REST API call these; nothing below
(domain packages, icaops.store) imports them. A user's mistake is raised as `UserError`.
"""
