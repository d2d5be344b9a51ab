-- +goose Up
-- Fulfillment: an admin marks a paid order shipped, with the carrier and tracking number the shopper sees.
-- One column per statement: SQLite adds one column per ALTER TABLE.
ALTER TABLE orders ADD COLUMN fulfillment_status VARCHAR(16) NOT NULL DEFAULT 'unfulfilled'; -- unfulfilled, shipped
ALTER TABLE orders ADD COLUMN carrier VARCHAR(64) NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN tracking_number VARCHAR(64) NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN shipped_at TIMESTAMP NULL;
-- The orders list filtered by fulfillment, and the dashboard's "paid, not shipped".
CREATE INDEX orders_fulfillment ON orders (fulfillment_status, status, created_at, id);

-- The outbox of the shop's emails, written in the same transaction as the change that causes each one. ref is
-- the Stripe refund id of a refund email ('' for the other kinds), so (order, kind, ref) is unique: a webhook
-- applied again never queues a second email. A worker claims due rows with a lease (locked_by, locked_until),
-- sends them, and retries with backoff; failed rows stay for the admin to see.
CREATE TABLE outbox_emails (
    id              VARCHAR(26) PRIMARY KEY,
    order_id        VARCHAR(26) NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    kind            VARCHAR(32) NOT NULL, -- order_confirmation, shipped, refund
    ref             VARCHAR(255) NOT NULL DEFAULT '',
    recipient       VARCHAR(254) NOT NULL,
    amount          BIGINT NOT NULL DEFAULT 0, -- refund emails: the amount refunded
    status          VARCHAR(16) NOT NULL, -- pending, sent, failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_by       VARCHAR(64) NULL,
    locked_until    TIMESTAMP NULL,
    created_at      TIMESTAMP NOT NULL,
    sent_at         TIMESTAMP NULL,
    UNIQUE (order_id, kind, ref)
);
CREATE INDEX outbox_emails_due ON outbox_emails (status, next_attempt_at);
CREATE INDEX outbox_emails_created ON outbox_emails (created_at, id);

-- +goose Down
DROP TABLE outbox_emails;
DROP INDEX orders_fulfillment;
ALTER TABLE orders DROP COLUMN shipped_at;
ALTER TABLE orders DROP COLUMN tracking_number;
ALTER TABLE orders DROP COLUMN carrier;
ALTER TABLE orders DROP COLUMN fulfillment_status;
