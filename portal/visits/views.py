"""Initial visit routes (filled in by the initial visits feature)."""
