-- +goose Up
-- The language the shopper bought in (en, de, fr, id): the order's emails go out in it. Orders placed before
-- the shop spoke other languages were placed in English.
ALTER TABLE orders ADD COLUMN locale TEXT NOT NULL DEFAULT 'en';

-- +goose Down
ALTER TABLE orders DROP COLUMN locale;
