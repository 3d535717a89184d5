//! cible-ml: clustering and metrics on dense matrices. Pure computation, no I/O.
