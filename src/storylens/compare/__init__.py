"""The compare stage: facts aligned across the outlets of a story."""
