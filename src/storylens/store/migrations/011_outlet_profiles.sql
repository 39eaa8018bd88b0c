-- Outlet profiles: what the user says about each outlet (never guessed, never shipped), and the
-- user's own scale of leanings, in order (its first half is one side, its second the other).
CREATE TABLE outlet_scale (
    position    INTEGER PRIMARY KEY,     -- 0, 1, 2 … from one end of the scale to the other
    label       TEXT NOT NULL UNIQUE
);

CREATE TABLE outlet_profiles (
    name        TEXT PRIMARY KEY COLLATE NOCASE,   -- as the reports name the outlet
    domains     TEXT NOT NULL,           -- JSON list of hosts (reports read from them match)
    country     TEXT,
    language    TEXT,
    leaning     TEXT,                    -- a label of outlet_scale (checked on writing)
    owner       TEXT,
    type        TEXT CHECK (type IN ('wire', 'national', 'local', 'aggregator')),
    source      TEXT NOT NULL,           -- the file it was imported from, or 'set'
    updated_at  TEXT NOT NULL
);
