"""Periodic reports: semi-annual and annual reports of each agency, consolidated."""
