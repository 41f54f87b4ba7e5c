"""Initial visit models (filled in by the initial visits feature)."""
