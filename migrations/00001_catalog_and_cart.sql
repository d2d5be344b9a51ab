-- +goose Up
CREATE TABLE products (
    id          VARCHAR(26) PRIMARY KEY,
    slug        VARCHAR(120) NOT NULL UNIQUE,
    name        VARCHAR(200) NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    price       BIGINT NOT NULL CHECK (price >= 0),
    image       VARCHAR(300) NOT NULL DEFAULT '',
    stock       BIGINT NOT NULL DEFAULT 0 CHECK (stock >= 0),
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    position    INTEGER NOT NULL DEFAULT 0,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX products_active_position ON products (active, position);

CREATE TABLE carts (
    id         VARCHAR(26) PRIMARY KEY,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE cart_items (
    id         VARCHAR(26) PRIMARY KEY,
    cart_id    VARCHAR(26) NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
    product_id VARCHAR(26) NOT NULL REFERENCES products (id),
    quantity   BIGINT NOT NULL CHECK (quantity > 0),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (cart_id, product_id)
);

-- +goose Down
DROP TABLE cart_items;
DROP TABLE carts;
DROP TABLE products;
