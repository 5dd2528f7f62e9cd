"""LSR orders (IV.7–IV.9, VI.16, III.35): the order gate, the order lifecycle fold and its queries.

Pure domain code: `lifecycle.fold` turns dated events into `OrdersState`; `gate.check` says
every reason an LSR may not be accepted, each with its clause; `queries.query` answers
`lsr.…` questions. docs/orders.md describes the events, states, notices and error codes.
"""
