-- +goose Up
-- Shopper accounts. Emails are stored lower-cased, so the UNIQUE constraint is case-insensitive in effect.
CREATE TABLE users (
    id                 VARCHAR(26) PRIMARY KEY,
    email              VARCHAR(254) NOT NULL UNIQUE,
    password_hash      VARCHAR(255) NOT NULL,
    stripe_customer_id VARCHAR(255) NULL,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);

-- Shop staff, kept apart from shoppers. The lockout lives here (not in memory) so that every app
-- instance refuses a locked account.
CREATE TABLE admins (
    id            VARCHAR(26) PRIMARY KEY,
    email         VARCHAR(254) NOT NULL UNIQUE,
    password_hash VARCHAR(255) NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TIMESTAMP NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);

-- A signed-in shopper's cart belongs to the account (one per account), so it follows them to any device.
-- SQLite accepts REFERENCES in ADD COLUMN because the column defaults to NULL.
ALTER TABLE carts ADD COLUMN user_id VARCHAR(26) NULL REFERENCES users (id) ON DELETE SET NULL;
CREATE UNIQUE INDEX carts_user ON carts (user_id);

-- +goose Down
DROP INDEX carts_user;
ALTER TABLE carts DROP COLUMN user_id;
DROP TABLE admins;
DROP TABLE users;
