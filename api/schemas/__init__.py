"""Request and response models of the JSON API (snake_case English, as in design.md)."""
