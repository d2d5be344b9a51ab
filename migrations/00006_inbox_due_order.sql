-- +goose Up
-- The inbox worker takes the due events oldest first: WHERE status = 'pending' AND next_attempt_at <= now …
-- ORDER BY created, id LIMIT 100. On (status, next_attempt_at) that sorted every due event on each call, so a
-- backlog of n events took n²/100 row visits to drain (3 ms per call at 9,000 pending on SQLite). Ordered like
-- the query, the index yields the next 100 at once; events still waiting for a retry are skipped on the way.
DROP INDEX webhook_events_due;
CREATE INDEX webhook_events_due ON webhook_events (status, created, id);

-- +goose Down
DROP INDEX webhook_events_due;
CREATE INDEX webhook_events_due ON webhook_events (status, next_attempt_at);
