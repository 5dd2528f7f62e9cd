"""Customer records and CPNI (II.2.26, III.29, VI.8): CSR searches, authorisations, Data
Validation Files, who may read what (IV.8.5) and the access records an audit asks for (VI.8.4.4)."""
