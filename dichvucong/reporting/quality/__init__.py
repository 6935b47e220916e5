"""Service quality indices, the public transparency page and open data."""
