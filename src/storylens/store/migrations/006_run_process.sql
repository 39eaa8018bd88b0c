-- Who runs an ingest: the start time of its process beside the pid (process identity), so a
-- run whose process was killed (kill -9) is found interrupted even when another process has
-- since been given the same pid. NULL on a system that cannot tell (then the pid alone).
ALTER TABLE runs ADD COLUMN process_start TEXT;
