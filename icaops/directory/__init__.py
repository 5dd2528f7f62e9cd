"""Directory listings (VII): listings per end user, LSR/DSR or annual file, galley proofs, Business Office Close deadlines."""
