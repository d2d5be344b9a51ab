-- +goose Up
-- Applied and ignored events are kept for INBOX_RETENTION, then pruned oldest first in small batches:
-- WHERE status IN ('applied', 'ignored') AND applied_at < cutoff LIMIT n. Pending and failed events have no
-- applied_at and are never pruned.
CREATE INDEX webhook_events_applied ON webhook_events (applied_at);

-- +goose Down
DROP INDEX webhook_events_applied;
