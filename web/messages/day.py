"""Texts of the day pages."""

MESSAGES: dict[str, dict[str, str]] = {}
