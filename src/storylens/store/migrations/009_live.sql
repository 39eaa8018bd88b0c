-- The live pipeline (issue 11): the near-duplicate index kept in the store, what `watch` has
-- seen, and the surname of each person for folding names one article at a time.

-- One row per LSH band of each article's MinHash signature (dedupe): the articles that share a
-- band with a new one are its near-duplicate candidates, found without holding the index.
CREATE TABLE minhash_bands (
    key        INTEGER NOT NULL,         -- a 63-bit hash of (band number, band values)
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE
);
CREATE INDEX minhash_bands_key ON minhash_bands(key);
CREATE INDEX minhash_bands_article ON minhash_bands(article_id);

-- Files and sources `storylens watch` has read: a file whose size and modification time are
-- unchanged is not read again (its items were all fed through the pipeline when it was
-- recorded; written in the same transaction as its last item).
CREATE TABLE watch_seen (
    origin     TEXT PRIMARY KEY,
    size       INTEGER NOT NULL,
    mtime_ns   INTEGER NOT NULL,
    items      INTEGER NOT NULL,
    seen_at    TEXT NOT NULL
);

-- The last word of a person's name, lower-cased ("lukashenko"): folding a surname into the
-- full name is looked up by it when one article is enriched.
ALTER TABLE entities ADD COLUMN surname TEXT;
UPDATE entities SET surname = lower(replace(name, rtrim(name, replace(name, ' ', '')), ''))
    WHERE label = 'PERSON';
CREATE INDEX entities_surname ON entities(surname) WHERE surname IS NOT NULL;
