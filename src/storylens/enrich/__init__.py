"""The enrich stage: sentences, entities, quotes, numeric claims and places."""
