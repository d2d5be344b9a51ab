package payments

import (
	"context"
	"errors"
	"fmt"
	"sync"

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
// Stripe no longer knows ("" the first time), so that its successor gets a key of its own. Stripe keeps the
// answer of a key for 24 hours, a 500 included: after a failed create the account's next try uses the next key,
// or one 500 would keep the shopper from saved cards for a day. (A 500 after Stripe made the Customer leaves
// that one unused: it holds no payment method and costs nothing.)
func (c *Client) CreateCustomer(ctx context.Context, userID, email, replaces string) (string, error) {
	p := &stripe.CustomerCreateParams{Email: stripe.String(email)}
	p.AddMetadata("user_id", userID)
	key := c.customerKeys.key(userID)
	if replaces != "" {
		key += "-after-" + replaces
	}
	p.SetIdempotencyKey(key)
	var cus *stripe.Customer
	err := c.retry(ctx, func() (err error) { cus, err = c.sc.V1Customers.Create(ctx, p); return err })
	c.logFailure(ctx, "create_customer", "", err)
	if err != nil {
		if f := Classify(err); f.Outcome != OutcomeBusy {
			c.customerKeys.failed(userID) // a stored failure: the next try needs a new key
		}
		return "", err
	}
	return cus.ID, nil
}

// customerKeys hands out the idempotency key of an account's Customer create: the same key for concurrent
// tries, the next one after a try failed.
type customerKeys struct {
	mu   sync.Mutex
	gens map[string]int // accounts whose create failed, by how many times
}

func (k *customerKeys) key(userID string) string {
	k.mu.Lock()
	defer k.mu.Unlock()
	if n := k.gens[userID]; n > 0 {
		return fmt.Sprintf("storefront-customer-%s-%d", userID, n)
	}
	return "storefront-customer-" + userID
}

func (k *customerKeys) failed(userID string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.gens == nil || len(k.gens) > 10000 {
		k.gens = map[string]int{} // bounded; a forgotten account merely starts from its first key again
	}
	k.gens[userID]++
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
