"""Settings split by environment: base (shared), dev (embedded demo), test, production."""
