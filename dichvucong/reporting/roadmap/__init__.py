"""The online-services roadmap: plans, yearly targets, annex lists, progress."""
