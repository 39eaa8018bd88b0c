-- What every HTTP fetch of an ingest run did (storylens ingest https://…, storylens watch), and
-- the validators (ETag / Last-Modified) remembered per URL so a re-poll of an unchanged feed
-- costs one conditional GET answered 304.
CREATE TABLE fetches (
    id            INTEGER PRIMARY KEY,
    run_id        INTEGER REFERENCES runs(id),
    url           TEXT NOT NULL,               -- what was asked for
    final_url     TEXT,                        -- where the redirects ended
    kind          TEXT NOT NULL,               -- page | feed | item (a feed item's link) | robots
    status        INTEGER,                     -- the last HTTP status (NULL: no answer)
    outcome       TEXT NOT NULL,               -- fetched | not_modified | failed | refused
    bytes         INTEGER NOT NULL DEFAULT 0,  -- body size after content decoding
    seconds       REAL NOT NULL DEFAULT 0,
    retries       INTEGER NOT NULL DEFAULT 0,
    redirects     INTEGER NOT NULL DEFAULT 0,
    detail        TEXT NOT NULL DEFAULT '',
    fetched_at    TEXT NOT NULL
);
CREATE INDEX fetches_run ON fetches(run_id);
CREATE INDEX fetches_url ON fetches(url);

CREATE TABLE fetch_cache (
    url           TEXT PRIMARY KEY,            -- the URL that answered (after redirects)
    etag          TEXT,
    last_modified TEXT,
    updated_at    TEXT NOT NULL,
    robots        TEXT                         -- a robots.txt's rules, trusted for a day
);
