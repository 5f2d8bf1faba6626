"""The gateway plugins shipped with motcua (each registers itself in `registry` when imported)."""
