// checkout.js: the Payment Element flow (see DESIGN.md, Checkout).
