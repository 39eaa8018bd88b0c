-- Storylines (cluster): events (stories) linked over days to months by shared names and subject.
CREATE TABLE storylines (
    id          TEXT PRIMARY KEY,        -- stable: 'l' + the start of its first article's id
    title       TEXT NOT NULL,           -- the title of its largest event
    first_seen  TEXT,
    last_seen   TEXT,
    events      INTEGER NOT NULL,        -- how many events (stories) it links
    size        INTEGER NOT NULL,        -- how many reports those events hold
    outlets     TEXT NOT NULL,           -- JSON list
    terms       TEXT NOT NULL            -- JSON list of top terms
);
CREATE INDEX storylines_last_seen ON storylines(last_seen);

CREATE TABLE storyline_events (
    story_id     TEXT PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE,
    storyline_id TEXT NOT NULL REFERENCES storylines(id) ON DELETE CASCADE,
    score        REAL NOT NULL,          -- similarity to the storyline when the event started
    decision     TEXT NOT NULL           -- new | linked | split (part of a story that split)
);
CREATE INDEX storyline_events_line ON storyline_events(storyline_id);
