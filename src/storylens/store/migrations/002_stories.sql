-- Near duplicates and wire copies (dedupe), stories and their members (cluster).
CREATE TABLE duplicates (
    article_id   TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    canonical_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,          -- near (same outlet / unknown) | wire (another outlet)
    similarity   REAL NOT NULL,          -- estimated Jaccard of word shingles
    added        TEXT NOT NULL,          -- JSON list of sentences the copy adds
    removed      TEXT NOT NULL           -- JSON list of sentences of the original it leaves out
);
CREATE INDEX duplicates_canonical ON duplicates(canonical_id);

CREATE TABLE minhashes (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    signature  BLOB NOT NULL
);

CREATE TABLE stories (
    id          TEXT PRIMARY KEY,        -- stable: derived from the first member's id
    title       TEXT NOT NULL,
    first_seen  TEXT,
    last_seen   TEXT,
    size        INTEGER NOT NULL,
    outlets     TEXT NOT NULL,           -- JSON list
    terms       TEXT NOT NULL            -- JSON list of top terms
);
CREATE INDEX stories_last_seen ON stories(last_seen);

CREATE TABLE story_members (
    article_id  TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    story_id    TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,        -- order of assignment
    score       REAL NOT NULL,           -- similarity to the story joined (0 for a new story)
    runner_up   TEXT,                    -- the next best story, if any
    runner_up_score REAL,
    threshold   REAL NOT NULL,
    decision    TEXT NOT NULL            -- joined | new | copy (followed its canonical article)
);
CREATE INDEX story_members_story ON story_members(story_id);
