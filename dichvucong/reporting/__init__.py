"""Statistics: daily figures per agency and procedure, the dashboard."""
