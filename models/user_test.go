package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/storefront/storefront/app/apptest"
	"github.com/storefront/storefront/models"
)

// openDB opens a fresh migrated database (SQLite, or PostgreSQL with TEST_DB=postgres) with the demo catalog.
func openDB(t *testing.T) *gorm.DB {
	t.Helper()
	ctx := context.Background()
	db, err := models.Open(ctx, apptest.DatabaseURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := models.SeedDemoCatalog(ctx, db.DB); err != nil {
		t.Fatal(err)
	}
	return db.DB
}

func TestNormalizeEmail(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"Ada@Example.COM", "ada@example.com", true},
		{"  ada@example.com ", "ada@example.com", true},
		{"ada+shop@sub.example.co.uk", "ada+shop@sub.example.co.uk", true},
		{"", "", false},
		{"ada", "", false},
		{"ada@", "", false},
		{"@example.com", "", false},
		{"Ada <ada@example.com>", "", false},
		{"ada@example.com, bob@example.com", "", false},
		{"ada@exa mple.com", "", false},
		{strings.Repeat("a", 250) + "@x.io", "", false},
	}
	for _, tc := range cases {
		got, err := models.NormalizeEmail(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestPasswordHashes(t *testing.T) {
	h, err := models.HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q is not an argon2id PHC string", h)
	}
	h2, _ := models.HashPassword("correct horse battery staple")
	if h == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	for pw, want := range map[string]bool{"correct horse battery staple": true, "correct horse battery stapl": false, "": false} {
		if ok, err := models.CheckPassword(h, pw); ok != want || err != nil {
			t.Errorf("CheckPassword(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
	for _, bad := range []string{"", "plain", "$2a$10$bcrypt", "$argon2id$v=19$m=x$a$b", "$argon2id$v=19$m=19456,t=2,p=1$!!$!!"} {
		if ok, err := models.CheckPassword(bad, "x"); ok || err == nil {
			t.Errorf("CheckPassword accepted the malformed hash %q", bad)
		}
	}
}

func TestCreateAndAuthenticateUser(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	u, err := models.CreateUser(ctx, db, "Ada@Example.com", "lovelace1815")
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "ada@example.com" || !models.ValidID(u.ID) || u.PasswordHash == "lovelace1815" {
		t.Fatalf("user %+v", u)
	}

	t.Run("the same email in other case is taken", func(t *testing.T) {
		if _, err := models.CreateUser(ctx, db, "ADA@example.com", "another-password"); !errors.Is(err, models.ErrEmailTaken) {
			t.Fatalf("err = %v, want ErrEmailTaken", err)
		}
	})
	t.Run("passwords of 8 to 128 characters", func(t *testing.T) {
		cases := map[string]error{
			"1234567":                  models.ErrPasswordTooShort,
			strings.Repeat("é", 7):     models.ErrPasswordTooShort,
			strings.Repeat("é", 8):     nil, // characters, not bytes
			strings.Repeat("x", 128):   nil,
			strings.Repeat("x", 129):   models.ErrPasswordTooLong,
			strings.Repeat("€", 129):   models.ErrPasswordTooLong,
			"exactly8":                 nil,
			"with spaces inside it ok": nil,
		}
		for pw, want := range cases {
			if err := models.ValidatePassword(pw); !errors.Is(err, want) {
				t.Errorf("ValidatePassword(%d chars) = %v, want %v", len([]rune(pw)), err, want)
			}
		}
	})
	t.Run("signing in", func(t *testing.T) {
		got, err := models.AuthenticateUser(ctx, db, " ADA@example.com", "lovelace1815")
		if err != nil || got.ID != u.ID {
			t.Fatalf("right password: %v %+v", err, got)
		}
		for _, tc := range []struct{ email, pw string }{
			{"ada@example.com", "lovelace1816"},
			{"ada@example.com", ""},
			{"nobody@example.com", "lovelace1815"},
			{"not an email", "lovelace1815"},
			{"ada@example.com", strings.Repeat("x", 129)},
		} {
			if _, err := models.AuthenticateUser(ctx, db, tc.email, tc.pw); !errors.Is(err, models.ErrBadCredentials) {
				t.Errorf("AuthenticateUser(%q, %q) = %v, want ErrBadCredentials", tc.email, tc.pw, err)
			}
		}
	})
}

func TestMergeCarts(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	product := func(slug string) models.Product {
		p, err := models.ProductBySlug(ctx, db, slug)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	mug, tote, headphones := product("stoneware-mug"), product("canvas-tote"), product("studio-headphones")
	plenty := models.Product{Slug: "pencil", Name: "Pencil", Price: 100, Stock: 1000, Active: true}
	if err := db.Create(&plenty).Error; err != nil {
		t.Fatal(err)
	}
	user := func(email string) models.User {
		u, err := models.CreateUser(ctx, db, email, "password123")
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	cart := func(lines map[string]int64) string {
		c, err := models.CreateCart(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		for id, q := range lines {
			if err := db.Create(&models.CartItem{CartID: c.ID, ProductID: id, Quantity: q}).Error; err != nil {
				t.Fatal(err)
			}
		}
		return c.ID
	}
	owner := func(cartID string) string {
		var ids []*string
		db.Table("carts").Where("id = ?", cartID).Pluck("user_id", &ids)
		if len(ids) == 0 {
			return "(deleted)"
		}
		if ids[0] == nil {
			return ""
		}
		return *ids[0]
	}
	quantities := func(cartID string) map[string]int64 {
		c, err := models.CartByID(ctx, db, cartID)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int64{}
		for _, it := range c.Items {
			out[it.Product.Slug] = it.Quantity
		}
		return out
	}

	t.Run("no cart on either side gives the account a new empty cart", func(t *testing.T) {
		u := user("none@example.com")
		m, err := models.MergeCarts(ctx, db, u.ID, "")
		if err != nil || m.CartID == "" || owner(m.CartID) != u.ID || len(quantities(m.CartID)) != 0 {
			t.Fatalf("%+v %v", m, err)
		}
		again, err := models.MergeCarts(ctx, db, u.ID, "")
		if err != nil || again.CartID != m.CartID {
			t.Fatalf("second sign-in: %+v %v", again, err)
		}
	})
	t.Run("an account without a cart claims the guest cart", func(t *testing.T) {
		u := user("claim@example.com")
		guest := cart(map[string]int64{mug.ID: 2})
		m, err := models.MergeCarts(ctx, db, u.ID, guest)
		if err != nil || m.CartID != guest || m.Capped {
			t.Fatalf("%+v %v", m, err)
		}
		if owner(guest) != u.ID {
			t.Errorf("cart owner %q", owner(guest))
		}
		t.Run("and finds it again from a session without a cart", func(t *testing.T) {
			m, err := models.MergeCarts(ctx, db, u.ID, "")
			if err != nil || m.CartID != guest {
				t.Fatalf("%+v %v", m, err)
			}
		})
		t.Run("signing in again with the same cart changes nothing", func(t *testing.T) {
			m, err := models.MergeCarts(ctx, db, u.ID, guest)
			if err != nil || m.CartID != guest || quantities(guest)["stoneware-mug"] != 2 {
				t.Fatalf("%+v %v %v", m, err, quantities(guest))
			}
		})
	})
	t.Run("guest lines move into the account's cart, capped by stock and the line maximum", func(t *testing.T) {
		u := user("merge@example.com")
		mine := cart(map[string]int64{mug.ID: 1, headphones.ID: 2, plenty.ID: 60})
		if _, err := models.MergeCarts(ctx, db, u.ID, mine); err != nil {
			t.Fatal(err)
		}
		guest := cart(map[string]int64{mug.ID: 3, headphones.ID: 2, plenty.ID: 60, tote.ID: 1})
		m, err := models.MergeCarts(ctx, db, u.ID, guest)
		if err != nil || m.CartID != mine || !m.Capped {
			t.Fatalf("%+v %v", m, err)
		}
		want := map[string]int64{"stoneware-mug": 4, "studio-headphones": 3, "pencil": models.MaxItemQuantity, "canvas-tote": 1}
		got := quantities(mine)
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %d, want %d (cart %v)", k, got[k], v, got)
			}
		}
		if owner(guest) != "(deleted)" {
			t.Error("the guest cart was kept")
		}
	})
	t.Run("a line already over the stock is not lowered further and out-of-stock lines are dropped", func(t *testing.T) {
		u := user("stock@example.com")
		mine := cart(map[string]int64{headphones.ID: 3})
		if _, err := models.MergeCarts(ctx, db, u.ID, mine); err != nil {
			t.Fatal(err)
		}
		gone := models.Product{Slug: "gone", Name: "Gone", Price: 100, Stock: 0, Active: true}
		if err := db.Create(&gone).Error; err != nil {
			t.Fatal(err)
		}
		db.Model(&models.Product{}).Where("id = ?", headphones.ID).Update("stock", 1)
		t.Cleanup(func() { db.Model(&models.Product{}).Where("id = ?", headphones.ID).Update("stock", 3) })
		guest := cart(map[string]int64{headphones.ID: 1, gone.ID: 2})
		m, err := models.MergeCarts(ctx, db, u.ID, guest)
		if err != nil || !m.Capped {
			t.Fatalf("%+v %v", m, err)
		}
		got := quantities(mine)
		if got["studio-headphones"] != 3 || got["gone"] != 0 || len(got) != 1 {
			t.Errorf("cart %v", got)
		}
	})
	t.Run("another account's cart is never taken", func(t *testing.T) {
		a, b := user("a@example.com"), user("b@example.com")
		theirs := cart(map[string]int64{mug.ID: 1})
		if _, err := models.MergeCarts(ctx, db, a.ID, theirs); err != nil {
			t.Fatal(err)
		}
		m, err := models.MergeCarts(ctx, db, b.ID, theirs)
		if err != nil || m.CartID == theirs || owner(m.CartID) != b.ID {
			t.Fatalf("%+v %v", m, err)
		}
		if owner(theirs) != a.ID || quantities(theirs)["stoneware-mug"] != 1 {
			t.Error("the other account's cart changed")
		}
	})
	t.Run("an unknown user is refused", func(t *testing.T) {
		if _, err := models.MergeCarts(ctx, db, models.NewID(), ""); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("err = %v", err)
		}
	})
}
