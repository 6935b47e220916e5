"""Status synchronisation to the national public service portal."""
