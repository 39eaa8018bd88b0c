-- What the enrich stage found in each article, and the comparisons of stories (compare).
CREATE TABLE enrichments (
    article_id   TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    content_hash TEXT NOT NULL,          -- the text that was read: re-enrich when it changes
    model        TEXT NOT NULL,
    sentences    INTEGER NOT NULL,
    enriched_at  TEXT NOT NULL
);

CREATE TABLE sentences (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    paragraph  INTEGER NOT NULL,         -- index into the article's paragraphs
    start      INTEGER NOT NULL,         -- offsets in that paragraph's text
    end        INTEGER NOT NULL,
    text       TEXT NOT NULL,
    PRIMARY KEY (article_id, idx)
) WITHOUT ROWID;

CREATE TABLE entities (
    key     TEXT PRIMARY KEY,            -- LABEL:normalised name
    name    TEXT NOT NULL,
    label   TEXT NOT NULL,               -- PERSON, ORG, PLACE, NORP, EVENT ...
    country TEXT,
    lat     REAL,
    lon     REAL
);

CREATE TABLE entity_aliases (
    entity TEXT NOT NULL,
    alias  TEXT NOT NULL,
    PRIMARY KEY (entity, alias)
) WITHOUT ROWID;

CREATE TABLE mentions (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    sentence   INTEGER NOT NULL,
    start      INTEGER NOT NULL,         -- offsets in the sentence
    end        INTEGER NOT NULL,
    text       TEXT NOT NULL,
    label      TEXT NOT NULL,
    entity     TEXT NOT NULL
);
CREATE INDEX mentions_article ON mentions(article_id);
CREATE INDEX mentions_entity ON mentions(entity);

CREATE TABLE quotes (
    article_id     TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx            INTEGER NOT NULL,
    sentence       INTEGER NOT NULL,
    text           TEXT NOT NULL,
    speaker        TEXT,
    speaker_entity TEXT,
    kind           TEXT NOT NULL,        -- direct | indirect
    cue            TEXT NOT NULL,
    start          INTEGER NOT NULL,
    end            INTEGER NOT NULL,
    PRIMARY KEY (article_id, idx)
) WITHOUT ROWID;
CREATE INDEX quotes_speaker ON quotes(speaker_entity);

CREATE TABLE claims (
    article_id  TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx         INTEGER NOT NULL,
    sentence    INTEGER NOT NULL,
    subject     TEXT NOT NULL,
    lo          REAL,
    hi          REAL,
    lo_open     INTEGER NOT NULL,
    hi_open     INTEGER NOT NULL,
    qualifier   TEXT,
    unit        TEXT,
    text        TEXT NOT NULL,
    attribution TEXT,
    start       INTEGER NOT NULL,
    end         INTEGER NOT NULL,
    PRIMARY KEY (article_id, idx)
) WITHOUT ROWID;
CREATE INDEX claims_subject ON claims(subject);

CREATE TABLE comparisons (
    story_id    TEXT PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE,
    members     TEXT NOT NULL,           -- hash of the member ids and their enrichments
    data        TEXT NOT NULL,           -- the comparison, JSON
    computed_at TEXT NOT NULL
);
