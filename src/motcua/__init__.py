"""motcua — one-stop administrative services (cơ chế một cửa, một cửa liên thông)."""
