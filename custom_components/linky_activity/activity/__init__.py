"""Decide from aggregate power whether someone is active at home."""
