package models

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// MaxEmailLength is the longest email address accepted (RFC 5321's path limit).
const MaxEmailLength = 254

// Account errors. Handlers show ErrBadCredentials' text for every failed sign-in, whatever the cause.
var (
	ErrInvalidEmail     = errors.New("enter an email address like name@example.com")
	ErrPasswordTooShort = fmt.Errorf("use at least %d characters for your password", MinPasswordLength)
	ErrPasswordTooLong  = fmt.Errorf("use at most %d characters for your password", MaxPasswordLength)
	ErrEmailTaken       = errors.New("email already has an account")
	ErrBadCredentials   = errors.New("email or password is incorrect")
)

// User is a shopper's account. Email is stored lower-cased.
type User struct {
	ID               string `gorm:"primaryKey"`
	Email            string
	PasswordHash     string
	StripeCustomerID *string // unused since customers are kept per mode (stripe_customers)
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// BeforeCreate gives a new user their id.
func (u *User) BeforeCreate(*gorm.DB) error {
	if u.ID == "" {
		u.ID = NewID()
	}
	return nil
}

// NormalizeEmail checks that s is one plain email address (no display name, at most MaxEmailLength)
// and returns it trimmed and lower-cased.
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > MaxEmailLength {
		return "", ErrInvalidEmail
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s || !strings.Contains(s, "@") {
		return "", ErrInvalidEmail
	}
	return strings.ToLower(s), nil
}

// ValidatePassword checks a shopper's new password: MinPasswordLength to MaxPasswordLength characters.
func ValidatePassword(password string) error {
	switch n := passwordLength(password); {
	case n < MinPasswordLength:
		return ErrPasswordTooShort
	case n > MaxPasswordLength:
		return ErrPasswordTooLong
	}
	return nil
}

// CreateUser stores a new shopper account. An email that already has an account gives ErrEmailTaken,
// after the same hashing work as a new account, so the two cannot be told apart by timing.
func CreateUser(ctx context.Context, db *gorm.DB, email, password string) (User, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		return User{}, err
	}
	if err := ValidatePassword(password); err != nil {
		return User{}, err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return User{}, err
	}
	u := User{Email: email, PasswordHash: hash}
	err = db.WithContext(ctx).Create(&u).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return User{}, ErrEmailTaken
	}
	if err != nil {
		return User{}, fmt.Errorf("create user: %w", err)
	}
	return u, nil
}

// AuthenticateUser returns the account with this email and password, or ErrBadCredentials.
// An unknown email costs the same password check as a wrong password.
func AuthenticateUser(ctx context.Context, db *gorm.DB, email, password string) (User, error) {
	if passwordLength(password) > MaxPasswordLength {
		return User{}, ErrBadCredentials
	}
	email, err := NormalizeEmail(email)
	if err != nil {
		spendPasswordCheck(password)
		return User{}, ErrBadCredentials
	}
	var u User
	err = db.WithContext(ctx).Where("email = ?", email).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		spendPasswordCheck(password)
		return User{}, ErrBadCredentials
	}
	if err != nil {
		return User{}, fmt.Errorf("load user: %w", err)
	}
	ok, err := CheckPassword(u.PasswordHash, password)
	if err != nil {
		return User{}, fmt.Errorf("check password of user %s: %w", u.ID, err)
	}
	if !ok {
		return User{}, ErrBadCredentials
	}
	return u, nil
}

// UserByID loads a shopper's account.
func UserByID(ctx context.Context, db *gorm.DB, id string) (User, error) {
	var u User
	if !ValidID(id) {
		return u, ErrNotFound
	}
	err := db.WithContext(ctx).Where("id = ?", id).Take(&u).Error
	return u, notFound(err)
}

// CartMerge is the outcome of MergeCarts.
type CartMerge struct {
	// CartID is the account's cart from now on (created empty when neither cart exists).
	CartID string
	// Capped is true when a quantity was lowered to the stock on hand or MaxItemQuantity.
	Capped bool
}

// MergeCarts runs at sign-in: the guest cart of the session joins the account's cart. When the account
// has a cart, the guest lines move into it (quantities added, capped by stock and MaxItemQuantity) and
// the guest cart is deleted; otherwise the account claims the guest cart, or gets a new empty one when
// there is no guest cart either. A cart that belongs to another account is never touched.
func MergeCarts(ctx context.Context, db *gorm.DB, userID, guestCartID string) (CartMerge, error) {
	var out CartMerge
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Serialise sign-ins of the same account (PostgreSQL; SQLite's write lock already does).
		var locked []string
		if err := tx.Table("users").Clauses(clause.Locking{Strength: "UPDATE"}).
			Where("id = ?", userID).Pluck("id", &locked).Error; err != nil {
			return err
		}
		if len(locked) == 0 {
			return ErrNotFound
		}
		var accountCart []string
		if err := tx.Table("carts").Where("user_id = ?", userID).Pluck("id", &accountCart).Error; err != nil {
			return err
		}
		var guest []string
		if ValidID(guestCartID) {
			if err := tx.Table("carts").Where("id = ? AND (user_id IS NULL OR user_id = ?)", guestCartID, userID).
				Pluck("id", &guest).Error; err != nil {
				return err
			}
		}
		switch {
		case len(accountCart) == 0 && len(guest) == 0:
			// An empty cart of the account's own, so whatever is added next is found on every device.
			c := Cart{}
			if err := tx.Create(&c).Error; err != nil {
				return err
			}
			out.CartID = c.ID
			return tx.Table("carts").Where("id = ?", c.ID).Update("user_id", userID).Error
		case len(accountCart) == 0:
			out.CartID = guest[0]
			return tx.Table("carts").Where("id = ?", guest[0]).
				Updates(map[string]any{"user_id": userID, "updated_at": time.Now().UTC()}).Error
		case len(guest) == 0 || guest[0] == accountCart[0]:
			out.CartID = accountCart[0]
			return nil
		}
		out.CartID = accountCart[0]
		capped, err := moveCartLines(tx, guest[0], accountCart[0])
		if err != nil {
			return err
		}
		out.Capped = capped
		if err := tx.Where("id = ?", guest[0]).Delete(&Cart{}).Error; err != nil {
			return err
		}
		return tx.Table("carts").Where("id = ?", accountCart[0]).Update("updated_at", time.Now().UTC()).Error
	})
	if err != nil {
		return CartMerge{}, fmt.Errorf("merge carts: %w", err)
	}
	return out, nil
}

// moveCartLines adds the lines of cart from to cart to, capping each at the stock and MaxItemQuantity.
// A line already in to is never lowered by the merge.
func moveCartLines(tx *gorm.DB, from, to string) (capped bool, err error) {
	var lines []CartItem
	if err := tx.Preload("Product").Where("cart_id = ?", from).Order("id").Find(&lines).Error; err != nil {
		return false, err
	}
	for _, g := range lines {
		var have CartItem
		err := tx.Where("cart_id = ? AND product_id = ?", to, g.ProductID).Take(&have).Error
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return false, err
		}
		want := have.Quantity + g.Quantity
		limit := min(int64(MaxItemQuantity), g.Product.Stock)
		if !g.Product.Active {
			limit = 0
		}
		if want > limit {
			capped = true
			want = max(limit, have.Quantity)
		}
		var werr error
		switch {
		case have.ID != "" && want != have.Quantity:
			werr = tx.Model(&have).Update("quantity", want).Error
		case have.ID == "" && want > 0:
			werr = tx.Create(&CartItem{CartID: to, ProductID: g.ProductID, Quantity: want}).Error
		}
		if werr != nil {
			return false, werr
		}
	}
	return capped, nil
}

// Stripe modes a customer id belongs to: an id made in one means nothing in another.
const (
	StripeModeLive      = "live"
	StripeModeTest      = "test"
	StripeModeSimulator = "simulator"
)

// stripeCustomer is an account's Stripe Customer in one mode.
type stripeCustomer struct {
	UserID     string `gorm:"primaryKey"`
	Mode       string `gorm:"primaryKey"`
	CustomerID string
	CreatedAt  time.Time
}

// StripeCustomerFor returns the account's Stripe Customer in mode, or ErrNotFound.
func StripeCustomerFor(ctx context.Context, db *gorm.DB, userID, mode string) (string, error) {
	var c stripeCustomer
	err := db.WithContext(ctx).Where("user_id = ? AND mode = ?", userID, mode).Take(&c).Error
	return c.CustomerID, notFound(err)
}

// SetStripeCustomerFor records the account's Stripe Customer in mode unless one is recorded already, and returns
// the one that holds (the first writer wins, so concurrent first checkouts agree).
func SetStripeCustomerFor(ctx context.Context, db *gorm.DB, userID, mode, customerID string) (string, error) {
	c := stripeCustomer{UserID: userID, Mode: mode, CustomerID: customerID, CreatedAt: time.Now().UTC()}
	if err := db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&c).Error; err != nil {
		return "", fmt.Errorf("save stripe customer: %w", err)
	}
	return StripeCustomerFor(ctx, db, userID, mode)
}

// ForgetStripeCustomer drops the account's Stripe Customer in mode if it is still customerID (Stripe no longer
// knows it: a restarted simulator, a deleted customer, another test account).
func ForgetStripeCustomer(ctx context.Context, db *gorm.DB, userID, mode, customerID string) error {
	err := db.WithContext(ctx).Where("user_id = ? AND mode = ? AND customer_id = ?", userID, mode, customerID).
		Delete(&stripeCustomer{}).Error
	if err != nil {
		return fmt.Errorf("forget stripe customer: %w", err)
	}
	return nil
}
