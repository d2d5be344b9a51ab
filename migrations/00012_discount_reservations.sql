-- +goose Up
-- A discount's max_redemptions holds under concurrent checkouts: the checkout that creates or updates an order
-- with a limited code takes one of the code's redemptions in the same transaction, with a conditional UPDATE
-- (redemptions + redemptions_reserved < max_redemptions), and the order remembers that it holds it. Payment
-- turns the reservation into a redemption; a canceled or abandoned order gives it back.
ALTER TABLE discounts ADD COLUMN redemptions_reserved INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN redemption_reserved BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE orders DROP COLUMN redemption_reserved;
ALTER TABLE discounts DROP COLUMN redemptions_reserved;
