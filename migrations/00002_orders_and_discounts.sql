-- +goose Up
CREATE TABLE discounts (
    id              VARCHAR(26) PRIMARY KEY,
    code            VARCHAR(64) NOT NULL UNIQUE, -- stored upper-case; codes are case-insensitive
    kind            VARCHAR(16) NOT NULL CHECK (kind IN ('percent', 'fixed')),
    percent_off     INTEGER NOT NULL DEFAULT 0 CHECK (percent_off >= 0 AND percent_off <= 100),
    amount_off      BIGINT NOT NULL DEFAULT 0 CHECK (amount_off >= 0),
    starts_at       TIMESTAMP NULL,
    ends_at         TIMESTAMP NULL,
    max_redemptions INTEGER NULL,
    redemptions     INTEGER NOT NULL DEFAULT 0,
    min_subtotal    BIGINT NOT NULL DEFAULT 0,
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);

ALTER TABLE carts ADD COLUMN discount_code VARCHAR(64) NULL;

CREATE TABLE orders (
    id                  VARCHAR(26) PRIMARY KEY,
    number              VARCHAR(40) NOT NULL UNIQUE,
    cart_id             VARCHAR(26) NULL,
    user_id             VARCHAR(26) NULL,
    email               VARCHAR(254) NOT NULL,
    shipping_name       VARCHAR(200) NOT NULL DEFAULT '',
    shipping_line1      VARCHAR(200) NOT NULL DEFAULT '',
    shipping_line2      VARCHAR(200) NOT NULL DEFAULT '',
    shipping_city       VARCHAR(100) NOT NULL DEFAULT '',
    shipping_state      VARCHAR(100) NOT NULL DEFAULT '',
    shipping_postal     VARCHAR(20) NOT NULL DEFAULT '',
    shipping_country    VARCHAR(2) NOT NULL DEFAULT '',
    currency            VARCHAR(3) NOT NULL,
    subtotal            BIGINT NOT NULL,
    discount            BIGINT NOT NULL DEFAULT 0,
    discount_code       VARCHAR(64) NULL,
    shipping            BIGINT NOT NULL DEFAULT 0,
    total               BIGINT NOT NULL,
    status              VARCHAR(32) NOT NULL,
    payment_intent_id   VARCHAR(255) NULL UNIQUE,
    charge_id           VARCHAR(255) NULL,
    customer_id         VARCHAR(255) NULL,
    attempt             INTEGER NOT NULL DEFAULT 0,
    attempt_token       VARCHAR(255) NULL,
    attempt_amount      BIGINT NOT NULL DEFAULT 0,
    attempt_state       VARCHAR(16) NOT NULL DEFAULT 'idle', -- idle, in_flight, unknown
    attempt_started_at  TIMESTAMP NULL,
    stock_state         VARCHAR(16) NOT NULL DEFAULT 'none', -- none, reserved, committed, released
    refunded_amount     BIGINT NOT NULL DEFAULT 0,
    refund_pending      BIGINT NOT NULL DEFAULT 0,
    dispute_id          VARCHAR(255) NULL,
    dispute_status      VARCHAR(32) NULL,
    last_error_type     VARCHAR(64) NULL,
    last_error_code     VARCHAR(64) NULL,
    last_decline_code   VARCHAR(64) NULL,
    last_error_message  TEXT NULL,
    last_pi_event_at    BIGINT NOT NULL DEFAULT 0, -- Stripe "created" of the newest applied PaymentIntent event
    redeemed            BOOLEAN NOT NULL DEFAULT FALSE,
    paid_at             TIMESTAMP NULL,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);
CREATE INDEX orders_created ON orders (created_at, id);
CREATE INDEX orders_status_created ON orders (status, created_at, id);
CREATE INDEX orders_email_created ON orders (email, created_at);
CREATE INDEX orders_user_created ON orders (user_id, created_at);
CREATE INDEX orders_cart ON orders (cart_id);
CREATE INDEX orders_stuck ON orders (status, updated_at);

CREATE TABLE order_items (
    id         VARCHAR(26) PRIMARY KEY,
    order_id   VARCHAR(26) NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    product_id VARCHAR(26) NOT NULL REFERENCES products (id),
    name       VARCHAR(200) NOT NULL,
    unit_price BIGINT NOT NULL,
    quantity   BIGINT NOT NULL CHECK (quantity > 0)
);
CREATE INDEX order_items_order ON order_items (order_id);

CREATE TABLE order_events (
    id              VARCHAR(26) PRIMARY KEY,
    order_id        VARCHAR(26) NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    source          VARCHAR(16) NOT NULL, -- app, webhook, reconciler, admin
    stripe_event_id VARCHAR(255) NULL,
    kind            VARCHAR(64) NOT NULL,
    from_status     VARCHAR(32) NOT NULL,
    to_status       VARCHAR(32) NOT NULL,
    detail          TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX order_events_order ON order_events (order_id, created_at);

-- +goose Down
DROP TABLE order_events;
DROP TABLE order_items;
DROP TABLE orders;
ALTER TABLE carts DROP COLUMN discount_code;
DROP TABLE discounts;
