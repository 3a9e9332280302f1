"""The language layer: how the bot reads what people type."""
