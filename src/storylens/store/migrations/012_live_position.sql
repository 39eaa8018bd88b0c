-- The live pipeline (issue 11): each add checks whether another process placed articles since
-- (`max(position)` of the members); an index makes that a lookup, not a scan of every member.
CREATE INDEX story_members_position ON story_members(position);
