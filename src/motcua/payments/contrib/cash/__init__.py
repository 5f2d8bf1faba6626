"""Cash at the counter."""
