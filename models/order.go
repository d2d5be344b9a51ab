package models

import (
	"context"
	"crypto/rand"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Order statuses. An order is created pending, moves with its PaymentIntent, and once paid leaves paid only for
// a refund or dispute state (see app/orders/state.go).
const (
	StatusPending           = "pending"
	StatusRequiresAction    = "requires_action"
	StatusProcessing        = "processing"
	StatusPaymentFailed     = "payment_failed"
	StatusPaid              = "paid"
	StatusCanceled          = "canceled"
	StatusPartiallyRefunded = "partially_refunded"
	StatusRefunded          = "refunded"
	StatusDisputed          = "disputed"
	// StatusNeedsReview is money that arrived but does not match the order (amount_received or currency differ
	// from the order's): review_reason says what; an admin decides, nothing ships.
	StatusNeedsReview = "needs_review"
)

// Statuses lists every order status in lifecycle order.
var Statuses = []string{StatusPending, StatusRequiresAction, StatusProcessing, StatusPaymentFailed, StatusPaid,
	StatusCanceled, StatusPartiallyRefunded, StatusRefunded, StatusDisputed, StatusNeedsReview}

// Named sets of order statuses; code asks StatusIn(status, set) rather than listing statuses again.
var (
	// PaidStatuses are the statuses of orders whose payment succeeded (refunds and disputes come after payment).
	// needs_review is among them: money arrived, only its amount or currency is wrong.
	PaidStatuses = []string{StatusPaid, StatusPartiallyRefunded, StatusRefunded, StatusDisputed, StatusNeedsReview}
	// OpenPaymentStatuses are the statuses of payments that have not finished yet (stuck ones are re-read).
	OpenPaymentStatuses = []string{StatusPending, StatusRequiresAction, StatusProcessing}
	// UnpaidStatuses are the statuses of orders that still wait for a successful payment.
	UnpaidStatuses = []string{StatusPending, StatusRequiresAction, StatusProcessing, StatusPaymentFailed}
	// RetryableStatuses are the unpaid statuses with no payment under way: the shopper may pay (again), and
	// an order left in one of them is abandoned after a while.
	RetryableStatuses = []string{StatusPending, StatusRequiresAction, StatusPaymentFailed}
	// RefundableStatuses are the statuses from which the admin may refund.
	RefundableStatuses = []string{StatusPaid, StatusPartiallyRefunded, StatusNeedsReview}
)

// StatusIn reports whether status is one of set.
func StatusIn(status string, set []string) bool { return slices.Contains(set, status) }

// Attempt states of the order's current payment attempt.
const (
	AttemptIdle     = "idle"      // no call to Stripe under way
	AttemptInFlight = "in_flight" // a confirm is being sent to Stripe now
	AttemptUnknown  = "unknown"   // a confirm was sent and its outcome is not known (timeout, 5xx, network)
)

// Stock states of an order's reservation.
const (
	StockNone      = "none"
	StockReserved  = "reserved"
	StockCommitted = "committed"
	StockReleased  = "released"
)

// Order is one checkout: a snapshot of the cart, the amounts the server computed, and the payment's state.
type Order struct {
	ID               string `gorm:"primaryKey"`
	Number           string
	CartID           *string
	UserID           *string
	Email            string
	ShippingName     string
	ShippingLine1    string
	ShippingLine2    string
	ShippingCity     string
	ShippingState    string
	ShippingPostal   string
	ShippingCountry  string
	Currency         string
	Subtotal         int64
	Discount         int64
	DiscountCode     *string
	Shipping         int64
	Total            int64
	Status           string
	PaymentIntentID  *string
	ChargeID         *string
	CustomerID       *string
	Attempt          int
	AttemptToken     *string
	AttemptAmount    int64
	AttemptState     string
	AttemptStartedAt *time.Time
	StockState       string
	RefundedAmount   int64
	RefundPending    int64
	ChargeRefunded   int64 // the charge's amount_refunded in the newest charge.refunded (by Stripe's time)
	ChargeRefundedAt int64 // that event's Stripe created time
	ReviewReason     *string
	ClientKey        *string // who holds the order's stock reservation (client address; IPv6 by /64)
	DisputeID        *string
	DisputeStatus    *string
	LastErrorType    *string
	LastErrorCode    *string
	LastDeclineCode  *string
	LastErrorMessage *string
	LastPIEventAt    int64 `gorm:"column:last_pi_event_at"`
	Redeemed         bool
	PaidAt           *time.Time
	CreatedAt        time.Time
	UpdatedAt        time.Time
	Items            []OrderItem
	Events           []OrderEvent

	// Fulfillment (fulfillment.go): FulfillmentUnfulfilled until an admin marks the order shipped.
	FulfillmentStatus string
	Carrier           string
	TrackingNumber    string
	ShippedAt         *time.Time

	// Locale is the language the shopper bought in ("en", "de", "fr", "id"), set at checkout; the order's
	// emails go out in it. An order created without one is English (the column's default).
	Locale string `gorm:"default:en"`

	// RedemptionReserved: the order holds one of its discount code's redemptions until it is paid or canceled
	// (discount_redemption.go).
	RedemptionReserved bool
}

// OrderItem is a line of an order: the product's name and price as they were when the order was made.
type OrderItem struct {
	ID        string `gorm:"primaryKey"`
	OrderID   string
	ProductID string
	Name      string
	UnitPrice int64
	Quantity  int64
}

// OrderEvent is one applied change of an order: the timeline admins see.
type OrderEvent struct {
	ID            string `gorm:"primaryKey"`
	OrderID       string
	Source        string // app, webhook, reconciler, admin
	StripeEventID *string
	Kind          string
	FromStatus    string
	ToStatus      string
	Detail        string
	CreatedAt     time.Time
}

// BeforeCreate gives a new order its id, public number and initial states.
func (o *Order) BeforeCreate(*gorm.DB) error {
	if o.ID == "" {
		o.ID = NewID()
	}
	if o.Number == "" {
		o.Number = NewOrderNumber()
	}
	if o.Status == "" {
		o.Status = StatusPending
	}
	if o.AttemptState == "" {
		o.AttemptState = AttemptIdle
	}
	if o.StockState == "" {
		o.StockState = StockNone
	}
	if o.FulfillmentStatus == "" {
		o.FulfillmentStatus = FulfillmentUnfulfilled
	}
	return nil
}

// BeforeCreate gives a new order line its id.
func (i *OrderItem) BeforeCreate(*gorm.DB) error {
	if i.ID == "" {
		i.ID = NewID()
	}
	return nil
}

// BeforeCreate gives a new order event its id.
func (e *OrderEvent) BeforeCreate(*gorm.DB) error {
	if e.ID == "" {
		e.ID = NewID()
	}
	return nil
}

// orderAlphabet is Crockford's base32 without look-alikes; numbers are read over the phone.
const orderAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewOrderNumber returns an unguessable public order number such as "SF-8K2D-QX7M-4PZN-T9WA" (80 random bits).
func NewOrderNumber() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	var sb strings.Builder
	sb.WriteString("SF")
	for i, c := range b {
		if i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(orderAlphabet[int(c)%len(orderAlphabet)])
	}
	return sb.String()
}

// ItemCount is the number of units ordered.
func (o Order) ItemCount() int64 {
	var n int64
	for _, it := range o.Items {
		n += it.Quantity
	}
	return n
}

// Open reports whether the order still waits for a successful payment.
func (o Order) Open() bool { return StatusIn(o.Status, UnpaidStatuses) }

// OrderByNumber loads an order with its items by public number.
func OrderByNumber(ctx context.Context, db *gorm.DB, number string) (Order, error) {
	var o Order
	if len(number) > 40 || !queryable(number) {
		return o, ErrNotFound
	}
	err := db.WithContext(ctx).Preload("Items", func(tx *gorm.DB) *gorm.DB { return tx.Order("id") }).
		Where("number = ?", number).Take(&o).Error
	return o, notFound(err)
}

// OrderByID loads an order with its items.
func OrderByID(ctx context.Context, db *gorm.DB, id string) (Order, error) {
	var o Order
	if !ValidID(id) {
		return o, ErrNotFound
	}
	err := db.WithContext(ctx).Preload("Items", func(tx *gorm.DB) *gorm.DB { return tx.Order("id") }).
		Where("id = ?", id).Take(&o).Error
	return o, notFound(err)
}

// OrderByPaymentIntent finds the order of a PaymentIntent.
func OrderByPaymentIntent(ctx context.Context, db *gorm.DB, pi string) (Order, error) {
	var o Order
	if len(pi) > 255 || !queryable(pi) {
		return o, ErrNotFound
	}
	err := db.WithContext(ctx).Preload("Items").Where("payment_intent_id = ?", pi).Take(&o).Error
	return o, notFound(err)
}

// OpenOrderForCart finds the cart's order that still waits for payment, if any.
func OpenOrderForCart(ctx context.Context, db *gorm.DB, cartID string) (Order, error) {
	var o Order
	err := db.WithContext(ctx).Preload("Items", func(tx *gorm.DB) *gorm.DB { return tx.Order("id") }).
		Where("cart_id = ? AND status IN ?", cartID, UnpaidStatuses).
		Order("created_at DESC").Take(&o).Error
	return o, notFound(err)
}

// OrdersForUser lists a shopper's orders, newest first.
func OrdersForUser(ctx context.Context, db *gorm.DB, userID string) ([]Order, error) {
	var os []Order
	err := db.WithContext(ctx).Where("user_id = ?", userID).Order("created_at DESC, id DESC").Limit(200).Find(&os).Error
	return os, err
}

// OrderEvents lists an order's timeline, oldest first.
func OrderEvents(ctx context.Context, db *gorm.DB, orderID string) ([]OrderEvent, error) {
	var evs []OrderEvent
	err := db.WithContext(ctx).Where("order_id = ?", orderID).Order("created_at, id").Find(&evs).Error
	return evs, err
}

// LatestPaidOrderForCart finds the cart's newest order paid since a time.
func LatestPaidOrderForCart(ctx context.Context, db *gorm.DB, cartID string, since time.Time) (Order, error) {
	var o Order
	err := db.WithContext(ctx).Where("cart_id = ? AND status IN ? AND paid_at >= ?", cartID, PaidStatuses, since.UTC()).
		Order("paid_at DESC").Take(&o).Error
	return o, notFound(err)
}

// HeldUnits is how many units a client's unpaid orders other than one hold reserved.
func HeldUnits(ctx context.Context, db *gorm.DB, clientKey, exceptOrderID string) (int64, error) {
	var n *int64
	err := db.WithContext(ctx).Table("order_items").
		Joins("JOIN orders ON orders.id = order_items.order_id").
		Where("orders.client_key = ? AND orders.stock_state = ? AND orders.id <> ?", clientKey, StockReserved, exceptOrderID).
		Select("SUM(order_items.quantity)").Scan(&n).Error
	if err != nil || n == nil {
		return 0, err
	}
	return *n, nil
}
