-- +goose Up
-- Security hardening. Every statement runs unchanged on SQLite and PostgreSQL.

-- Admin sessions live on the server, so that signing out, a new password or `admin create` revokes them. The
-- cookie carries a random token; only its SHA-256 (hex) is stored, so a copy of this table signs no one in.
-- last_seen_at is the idle clock, moved only by requests that carry a valid session.
CREATE TABLE admin_sessions (
    token_hash   VARCHAR(64) PRIMARY KEY,
    admin_id     VARCHAR(26) NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL
);
CREATE INDEX admin_sessions_admin ON admin_sessions (admin_id);

-- Failed admin sign-ins counted per account and source (an IPv4 address or an IPv6 /64): a stranger who keeps
-- guessing locks out only their own source, never the real admin signing in from elsewhere.
CREATE TABLE admin_sign_in_failures (
    admin_id      VARCHAR(26) NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
    source        VARCHAR(64) NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TIMESTAMP NULL,
    updated_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (admin_id, source)
);

-- A shopper's Stripe Customer per mode (live, test, simulator): an id from one mode means nothing in another.
CREATE TABLE stripe_customers (
    user_id     VARCHAR(26) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    mode        VARCHAR(16) NOT NULL,
    customer_id VARCHAR(255) NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, mode)
);

-- +goose Down
DROP TABLE stripe_customers;
DROP TABLE admin_sign_in_failures;
DROP INDEX admin_sessions_admin;
DROP TABLE admin_sessions;
