"""Inter-agency processing: a dossier's legs at other agencies, opinions."""
