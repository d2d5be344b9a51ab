-- +goose Up
-- The durable inbox of Stripe events: stored on receipt (keyed by Stripe's event id, so a duplicate is
-- recognised), applied by a worker, retried with backoff, kept with attempts and the last error.
CREATE TABLE webhook_events (
    id              VARCHAR(255) PRIMARY KEY,
    type            VARCHAR(100) NOT NULL,
    api_version     VARCHAR(64) NOT NULL DEFAULT '',
    created         BIGINT NOT NULL,
    payload         TEXT NOT NULL,
    status          VARCHAR(16) NOT NULL, -- pending, applied, ignored, failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_by       VARCHAR(64) NULL,
    locked_until    TIMESTAMP NULL,
    received_at     TIMESTAMP NOT NULL,
    applied_at      TIMESTAMP NULL
);
CREATE INDEX webhook_events_due ON webhook_events (status, next_attempt_at);
CREATE INDEX webhook_events_received ON webhook_events (received_at);

-- Events refused before the inbox (for now: another API release train), for admins and doctor.
CREATE TABLE webhook_rejections (
    id          VARCHAR(26) PRIMARY KEY,
    reason      VARCHAR(32) NOT NULL,
    event_id    VARCHAR(255) NOT NULL,
    event_type  VARCHAR(100) NOT NULL,
    api_version VARCHAR(64) NOT NULL,
    received_at TIMESTAMP NOT NULL
);
CREATE INDEX webhook_rejections_received ON webhook_rejections (received_at);

-- +goose Down
DROP TABLE webhook_rejections;
DROP TABLE webhook_events;
