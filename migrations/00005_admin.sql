-- +goose Up
-- Admin: order search, dashboard counts, refunds asked for by staff, and product images kept in the database.
-- Every statement runs unchanged on SQLite and PostgreSQL.

-- Email search is case-insensitive and by prefix: an index on the lower-cased address, ordered like the list
-- (newest first), serves both "jenny@example.com" and "jenny".
CREATE INDEX orders_email_lower ON orders (lower(email), created_at, id);
-- The dashboard's paid revenue of today and this week.
CREATE INDEX orders_paid ON orders (paid_at);

-- Refunds made from the admin. seq is the form's refund number (part of the Stripe idempotency key), so a form
-- submitted twice refunds once; the Stripe refund id is unique, so the same refund is never recorded twice.
CREATE TABLE refunds (
    id               VARCHAR(26) PRIMARY KEY,
    order_id         VARCHAR(26) NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    seq              INTEGER NOT NULL,
    stripe_refund_id VARCHAR(255) NOT NULL UNIQUE,
    amount           BIGINT NOT NULL CHECK (amount > 0),
    status           VARCHAR(32) NOT NULL,
    admin_id         VARCHAR(26) NULL,
    created_at       TIMESTAMP NOT NULL
);
CREATE INDEX refunds_order ON refunds (order_id, seq);

-- Uploaded product images. BYTEA is PostgreSQL's binary type; SQLite accepts the name too and stores the
-- bytes as a BLOB (a BLOB is kept as it is whatever the column's affinity).
CREATE TABLE product_images (
    id           VARCHAR(26) PRIMARY KEY,
    product_id   VARCHAR(26) NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    content_type VARCHAR(32) NOT NULL,
    data         BYTEA NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX product_images_product ON product_images (product_id);

-- +goose Down
DROP TABLE product_images;
DROP TABLE refunds;
DROP INDEX orders_paid;
DROP INDEX orders_email_lower;
