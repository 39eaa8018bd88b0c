-- Secrets the store keeps for its servers: the token that writes through the web API need
-- (generated on the first `storylens serve`, shown by `storylens token`).
CREATE TABLE IF NOT EXISTS secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at TEXT NOT NULL
);
