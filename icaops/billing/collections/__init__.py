"""Collections: what the CLEC owes, when, and what the ILEC may do about it (III.6, III.9).

Everything here is a pure function of the bills, payments, disputes and notices so far:
the same facts always give the same balances, late payment charges and treatment dates.
"""
