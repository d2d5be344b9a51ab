-- +goose Up
-- Money integrity. Every statement runs unchanged on SQLite and PostgreSQL.

-- An order whose money does not match it (amount_received or currency differ from the order's total and
-- currency) waits in needs_review; review_reason says what an admin must decide (the admin list filters by status with
-- the existing orders_status_created index).
ALTER TABLE orders ADD COLUMN review_reason VARCHAR(500) NULL;

-- Refunds that fail later. Stripe's charge.refunded carries the charge's cumulative amount_refunded at a time;
-- a refund that fails afterwards gives its amount back to the charge. The order keeps the newest cumulative
-- amount (by Stripe's event time) and when it was, and each refund its Stripe created time and, once failed,
-- the Stripe time of the failure: the refunded amount is that cumulative less the refunds it counted that
-- failed after it, whatever order the events come in.
ALTER TABLE orders ADD COLUMN charge_refunded BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN charge_refunded_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE refunds ADD COLUMN stripe_created BIGINT NOT NULL DEFAULT 0;
ALTER TABLE refunds ADD COLUMN failed_at BIGINT NOT NULL DEFAULT 0;

-- A PaymentIntent that succeeded for an order another PaymentIntent had already paid: refunded in full at once,
-- so no money stays without an order. Its charge and refund events are recognised by it and not retried.
CREATE TABLE extra_payments (
    payment_intent_id VARCHAR(255) PRIMARY KEY,
    order_id          VARCHAR(26) NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    amount            BIGINT NOT NULL,
    currency          VARCHAR(3) NOT NULL,
    refund_id         VARCHAR(255) NULL,
    created_at        TIMESTAMP NOT NULL
);
CREATE INDEX extra_payments_created ON extra_payments (created_at);

-- Stock held by one client (its address; IPv6 by /64) across carts is bounded: client_key names who holds an
-- unpaid order's reservation.
ALTER TABLE orders ADD COLUMN client_key VARCHAR(64) NULL;
CREATE INDEX orders_client_stock ON orders (client_key, stock_state);

-- +goose Down
DROP INDEX orders_client_stock;
ALTER TABLE orders DROP COLUMN client_key;
DROP TABLE extra_payments;
ALTER TABLE refunds DROP COLUMN failed_at;
ALTER TABLE refunds DROP COLUMN stripe_created;
ALTER TABLE orders DROP COLUMN charge_refunded_at;
ALTER TABLE orders DROP COLUMN charge_refunded;
ALTER TABLE orders DROP COLUMN review_reason;
