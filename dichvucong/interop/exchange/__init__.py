"""The exchange API between installations: partners, signed messages, outbox."""
