-- Articles, the places each was seen, outlets, ingest runs, problems, and full-text search.
CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    command     TEXT NOT NULL,
    pid         INTEGER NOT NULL,
    inputs      TEXT NOT NULL,               -- JSON list of what was asked for
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    status      TEXT NOT NULL DEFAULT 'running',   -- running | done | interrupted
    added       INTEGER NOT NULL DEFAULT 0,
    updated     INTEGER NOT NULL DEFAULT 0,
    unchanged   INTEGER NOT NULL DEFAULT 0,
    duplicates  INTEGER NOT NULL DEFAULT 0,
    problems    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE outlets (
    name        TEXT PRIMARY KEY,
    domain      TEXT
);

CREATE TABLE articles (
    id                  TEXT PRIMARY KEY,
    outlet              TEXT REFERENCES outlets(name),
    via                 TEXT,
    domain              TEXT,               -- host the outlet was (or could be) read from
    url                 TEXT,
    title               TEXT NOT NULL,
    title_derived       INTEGER NOT NULL,
    description         TEXT,
    authors             TEXT NOT NULL,      -- JSON list
    published           TEXT,               -- ISO 8601, UTC
    published_precision TEXT,
    language            TEXT,
    categories          TEXT NOT NULL,      -- JSON list
    image               TEXT,
    credits             TEXT NOT NULL,      -- JSON list
    featured            INTEGER,
    paragraphs          TEXT NOT NULL,      -- JSON list of [text, kind]
    body                TEXT NOT NULL,      -- paragraphs without captions, for search
    format              TEXT NOT NULL,
    origin              TEXT NOT NULL,
    content_hash        TEXT NOT NULL,
    extra               TEXT NOT NULL,      -- JSON object of fields storylens does not model
    notes               TEXT NOT NULL,      -- JSON list of what cleaning changed
    revision            INTEGER NOT NULL DEFAULT 1,
    run_id              INTEGER REFERENCES runs(id),
    ingested_at         TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX articles_published ON articles(published);
CREATE INDEX articles_outlet ON articles(outlet, published);
CREATE INDEX articles_hash ON articles(content_hash);
CREATE INDEX articles_url ON articles(url);
CREATE INDEX articles_domain ON articles(domain);

-- Every input an article was seen in: re-ingests and exact copies are remembered, not lost.
CREATE TABLE sightings (
    article_id   TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    origin       TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    kind         TEXT NOT NULL,   -- original | copy (exact duplicate of another article's text)
    run_id       INTEGER REFERENCES runs(id),
    seen_at      TEXT NOT NULL,
    PRIMARY KEY (article_id, origin)
);

CREATE TABLE problems (
    id         INTEGER PRIMARY KEY,
    run_id     INTEGER REFERENCES runs(id),
    origin     TEXT NOT NULL,
    item       INTEGER,
    reason     TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX problems_run ON problems(run_id);

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, body, content='articles', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;
CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, body)
    VALUES ('delete', old.rowid, old.title, old.body);
END;
CREATE TRIGGER articles_au AFTER UPDATE OF title, body ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, body)
    VALUES ('delete', old.rowid, old.title, old.body);
    INSERT INTO articles_fts(rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;
