package payments

import (
	"context"
	"errors"

	"github.com/stripe/stripe-go/v82"
)

// CustomerExists reports whether Stripe knows the Customer (and it is not deleted) with this client's key.
func (c *Client) CustomerExists(ctx context.Context, id string) (bool, error) {
	var cus *stripe.Customer
	err := c.retry(ctx, func() (err error) { cus, err = c.sc.V1Customers.Retrieve(ctx, id, nil); return err })
	if IsResourceMissing(err) {
		return false, nil
	}
	c.logFailure(ctx, "retrieve_customer", "", err)
	if err != nil {
		return false, err
	}
	return !cus.Deleted, nil
}

// IsResourceMissing reports whether Stripe answered "No such …" (resource_missing).
func IsResourceMissing(err error) bool {
	var se *stripe.Error
	return errors.As(err, &se) && se.Code == stripe.ErrorCodeResourceMissing
}

// CreateCustomer makes the Stripe Customer of a shop account. The idempotency key is the account's, so
// concurrent first checkouts of one account get the same Customer, never two; replaces is the id of a Customer
// Stripe no longer knows ("" the first time), so that its successor gets a key of its own.
func (c *Client) CreateCustomer(ctx context.Context, userID, email, replaces string) (string, error) {
	p := &stripe.CustomerCreateParams{Email: stripe.String(email)}
	p.AddMetadata("user_id", userID)
	key := "storefront-customer-" + userID
	if replaces != "" {
		key += "-after-" + replaces
	}
	p.SetIdempotencyKey(key)
	var cus *stripe.Customer
	err := c.retry(ctx, func() (err error) { cus, err = c.sc.V1Customers.Create(ctx, p); return err })
	c.logFailure(ctx, "create_customer", "", err)
	if err != nil {
		return "", err
	}
	return cus.ID, nil
}

// CustomerSession creates a CustomerSession for the Payment Element: saved methods shown, saved (for
// off-session use) when the shopper asks, and removable — for that customer only.
func (c *Client) CustomerSession(ctx context.Context, customerID string) (string, error) {
	p := &stripe.CustomerSessionCreateParams{
		Customer: stripe.String(customerID),
		Components: &stripe.CustomerSessionCreateComponentsParams{
			PaymentElement: &stripe.CustomerSessionCreateComponentsPaymentElementParams{
				Enabled: stripe.Bool(true),
				Features: &stripe.CustomerSessionCreateComponentsPaymentElementFeaturesParams{
					PaymentMethodRedisplay: stripe.String("enabled"),
					PaymentMethodSave:      stripe.String("enabled"),
					PaymentMethodSaveUsage: stripe.String("off_session"),
					PaymentMethodRemove:    stripe.String("enabled"),
				},
			},
		},
	}
	var cs *stripe.CustomerSession
	err := c.retry(ctx, func() (err error) { cs, err = c.sc.V1CustomerSessions.Create(ctx, p); return err })
	c.logFailure(ctx, "create_customer_session", "", err)
	if err != nil {
		return "", err
	}
	return cs.ClientSecret, nil
}
