package app

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/views/account"
)

// More session keys (see session.go).
const (
	// sessID is a random value rewritten at every sign-in and sign-out, so the cookie changes whenever
	// the person behind it does.
	sessID = "sid"
	// sessSignupEmail carries the email from the sign-up form to the sign-in form.
	sessSignupEmail = "signup_email"
)

const ctxUser = "current_user"

// currentUser loads the signed-in shopper. A session whose user no longer exists counts as signed out
// (and is cleared); so does a database error, which is logged.
func (a *App) currentUser(c echo.Context) (models.User, bool) {
	if u, ok := c.Get(ctxUser).(models.User); ok {
		return u, true
	}
	id := a.sessionString(c, sessUser)
	if id == "" {
		return models.User{}, false
	}
	u, err := models.UserByID(c.Request().Context(), a.db.DB, id)
	if errors.Is(err, models.ErrNotFound) {
		s := a.session(c)
		delete(s.Values, sessUser)
		delete(s.Values, sessCart)
		if err := a.saveSession(c); err != nil {
			a.log.WarnContext(c.Request().Context(), "clear session of a deleted user", "err", err)
		}
		return models.User{}, false
	}
	if err != nil {
		a.log.WarnContext(c.Request().Context(), "load signed-in user", "err", err)
		return models.User{}, false
	}
	c.Set(ctxUser, u)
	return u, true
}

// showAccount lists the signed-in shopper's orders, newest first.
func (a *App) showAccount(c echo.Context) error {
	u, ok := a.currentUser(c)
	if !ok {
		return c.Redirect(http.StatusSeeOther, "/account/login")
	}
	orders, err := models.OrdersForUser(c.Request().Context(), a.db.DB, u.ID)
	if err != nil {
		return fmt.Errorf("list orders of user: %w", err)
	}
	o := account.Overview{Email: u.Email, Orders: make([]account.OrderRow, 0, len(orders))}
	for _, ord := range orders {
		o.Orders = append(o.Orders, account.OrderRow{
			Number: ord.Number, Status: ord.Status, Total: ord.Total, Currency: ord.Currency, CreatedAt: ord.CreatedAt,
			Shipped: ord.FulfillmentStatus == models.FulfillmentShipped, Carrier: ord.Carrier, TrackingNumber: ord.TrackingNumber,
		})
	}
	noStore(c)
	return render(c, http.StatusOK, account.AccountPage(a.page(c, message(c, "account.title")), o))
}

// showSignup renders the create-account form.
func (a *App) showSignup(c echo.Context) error {
	if _, ok := a.currentUser(c); ok {
		return c.Redirect(http.StatusSeeOther, "/account")
	}
	return render(c, http.StatusOK, account.SignupPage(a.page(c, message(c, "account.signup_title")), account.Form{}))
}

// signup creates an account. Every well-formed sign-up gets the same answer, whether or not the email
// already had an account (after the same hashing work): go to the sign-in form. Saying "this email is
// taken", or signing the new shopper in at once, would tell anyone which emails have accounts here.
func (a *App) signup(c echo.Context) error {
	ctx := c.Request().Context()
	f := account.Form{Email: strings.TrimSpace(c.FormValue("email")), FieldErrors: map[string]string{}}
	password := c.FormValue("password")
	email, err := models.NormalizeEmail(f.Email)
	if err != nil {
		f.FieldErrors["email"] = message(c, "account.email_invalid")
	}
	switch err := models.ValidatePassword(password); {
	case password == "":
		f.FieldErrors["password"] = message(c, "account.password_missing")
	case errors.Is(err, models.ErrPasswordTooShort):
		f.FieldErrors["password"] = localizer(c).N("account.password_hint", models.MinPasswordLength)
	case errors.Is(err, models.ErrPasswordTooLong):
		f.FieldErrors["password"] = message(c, "account.password_too_long", "Max", models.MaxPasswordLength)
	case err != nil:
		f.FieldErrors["password"] = sentence(err.Error())
	}
	if f.Invalid() {
		return render(c, http.StatusUnprocessableEntity, account.SignupPage(a.page(c, message(c, "account.signup_title")), f))
	}
	_, err = models.CreateUser(ctx, a.db.DB, email, password)
	switch {
	case errors.Is(err, models.ErrEmailTaken):
		a.log.InfoContext(ctx, "sign-up for an existing account", "ip", c.RealIP())
	case err != nil:
		return fmt.Errorf("sign up: %w", err)
	}
	a.session(c).Values[sessSignupEmail] = email
	if err := a.flash(c, "info", message(c, "account.signup_done")); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/account/login")
}

// showLogin renders the sign-in form, with the email just signed up with when there is one.
func (a *App) showLogin(c echo.Context) error {
	next := localPath(c.QueryParam("next"))
	if _, ok := a.currentUser(c); ok {
		return c.Redirect(http.StatusSeeOther, orDefault(next, "/account"))
	}
	f := account.Form{Next: next}
	s := a.session(c)
	if email, ok := s.Values[sessSignupEmail].(string); ok {
		f.Email = email
		delete(s.Values, sessSignupEmail)
		if err := a.saveSession(c); err != nil {
			return fmt.Errorf("save session: %w", err)
		}
	}
	return render(c, http.StatusOK, account.LoginPage(a.page(c, message(c, "account.login_title")), f))
}

// login signs a shopper in: the session is rotated and the guest cart joins the account's cart.
func (a *App) login(c echo.Context) error {
	ctx := c.Request().Context()
	f := account.Form{
		Email:       strings.TrimSpace(c.FormValue("email")),
		Next:        localPath(c.FormValue("next")),
		FieldErrors: map[string]string{},
	}
	password := c.FormValue("password")
	if f.Email == "" {
		f.FieldErrors["email"] = message(c, "account.email_required")
	}
	if password == "" {
		f.FieldErrors["password"] = message(c, "account.password_required")
	}
	if f.Invalid() {
		return render(c, http.StatusUnprocessableEntity, account.LoginPage(a.page(c, message(c, "account.login_title")), f))
	}
	source, acct, now := clientKey(c.RealIP()), accountKey(f.Email), time.Now()
	if !a.shopperSignIns.Allow(acct, source, now) {
		return tooManyForAccount(c)
	}
	u, err := models.AuthenticateUser(ctx, a.db.DB, f.Email, password)
	if errors.Is(err, models.ErrBadCredentials) {
		a.shopperSignIns.Failed(acct, source, now)
		a.log.InfoContext(ctx, "shopper sign-in failed", "ip", c.RealIP())
		f.Error = message(c, "account.bad_credentials") // the one answer to every failed sign-in
		return render(c, http.StatusUnprocessableEntity, account.LoginPage(a.page(c, message(c, "account.login_title")), f))
	}
	if err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	a.shopperSignIns.Succeeded(acct, source)
	merged, err := models.MergeCarts(ctx, a.db.DB, u.ID, a.sessionString(c, sessCart))
	if err != nil {
		return err
	}
	s := a.rotateSession(c, sessAdmin)
	s.Values[sessUser] = u.ID
	if merged.CartID != "" {
		s.Values[sessCart] = merged.CartID
	}
	msg, kind := message(c, "account.signed_in"), "success"
	if merged.Capped {
		msg, kind = message(c, "account.signed_in_cart_lowered"), "info"
	}
	if err := a.flash(c, kind, msg); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, orDefault(f.Next, "/account"))
}

// logout signs the shopper out. The cart belongs to the account, so it leaves with it.
func (a *App) logout(c echo.Context) error {
	a.rotateSession(c, sessAdmin)
	if err := a.flash(c, "success", message(c, "account.signed_out")); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/")
}

// rotateSession starts a fresh session in place: every value but the keep keys is dropped and a new
// random sid is written, so the cookie after a sign-in or sign-out shares nothing with the one before.
// The caller adds its values and saves (a.flash saves too).
func (a *App) rotateSession(c echo.Context, keep ...string) *sessions.Session {
	s := a.session(c)
	fresh := map[any]any{sessID: randomHex(16)}
	for _, k := range keep {
		if v, ok := s.Values[k]; ok {
			fresh[k] = v
		}
	}
	s.Values = fresh
	return s
}

// localPath returns p when it is a path on this site ("/orders/X?y=1"), else "": never another host,
// so that ?next= cannot send people elsewhere after signing in.
func localPath(p string) string {
	if p == "" || len(p) > 2000 || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n\t") {
		return ""
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return ""
	}
	return p
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// noStore keeps a signed-in page out of caches (and out of the back button after signing out).
func noStore(c echo.Context) {
	c.Response().Header().Set("Cache-Control", "no-store")
}
