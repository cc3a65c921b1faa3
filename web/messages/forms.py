"""Texts of the forms pages."""

MESSAGES: dict[str, dict[str, str]] = {}
