package app_test

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"testing"

	"github.com/storefront/storefront/app/apptest"
	"github.com/storefront/storefront/models"
)

// upload is a file part of a multipart form.
type upload struct {
	name, contentType string
	data              []byte
}

// postMultipart posts a form with an optional image the way a browser does (with the CSRF token).
func postMultipart(t *testing.T, c *apptest.Client, path string, form url.Values, file *upload) apptest.Response {
	t.Helper()
	if c.CSRF == "" {
		c.Get("/admin/products")
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	form = cloneForm(form)
	if _, ok := form["csrf_token"]; !ok {
		form.Set("csrf_token", c.CSRF)
	}
	for k, vs := range form {
		for _, v := range vs {
			w.WriteField(k, v)
		}
	}
	if file != nil {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="image"; filename="`+file.name+`"`)
		h.Set("Content-Type", file.contentType)
		part, _ := w.CreatePart(h)
		part.Write(file.data)
	}
	w.Close()
	return c.Do(http.MethodPost, path, &body, http.Header{"Content-Type": {w.FormDataContentType()}})
}

func cloneForm(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func testImage(t *testing.T, format string) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range 8 {
		img.Set(i, i, color.RGBA{R: 200, G: 40, B: 90, A: 255})
	}
	var b bytes.Buffer
	var err error
	switch format {
	case "png":
		err = png.Encode(&b, img)
	case "jpeg":
		err = jpeg.Encode(&b, img, nil)
	case "gif":
		err = gif.Encode(&b, img, nil)
	case "webp": // the RIFF/WEBP header is what sniffing reads
		b.WriteString("RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00")
		b.Write(make([]byte, 24))
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func productBySlug(t *testing.T, s *apptest.Server, slug string) (models.Product, bool) {
	t.Helper()
	var p models.Product
	err := s.App.DB().Where("slug = ?", slug).Take(&p).Error
	return p, err == nil
}

func countRows(t *testing.T, s *apptest.Server, model any) int64 {
	t.Helper()
	var n int64
	s.App.DB().Model(model).Count(&n)
	return n
}

func TestAdminCreatesAProductWithAnImageAndTheShopShowsItAtOnce(t *testing.T) {
	s := newAdminServer(t)
	c := signedInAdmin(t, s)
	c.Get("/admin/products/new").Expect(t, http.StatusOK)
	form := url.Values{"name": {"Linen Apron"}, "slug": {"linen-apron"}, "description": {"Washed linen, two pockets."},
		"price": {"34.5"}, "stock": {"12"}, "active": {"on"}}
	pic := testImage(t, "png")
	// The browser's type and the file name say JPEG; the bytes say PNG, and the bytes win.
	res := postMultipart(t, c, "/admin/products", form, &upload{"apron.jpg", "image/jpeg", pic}).Expect(t, http.StatusSeeOther)
	if res.Header.Get("Location") != "/admin/products" {
		t.Fatalf("to %s", res.Header.Get("Location"))
	}
	p, ok := productBySlug(t, s, "linen-apron")
	if !ok || p.Name != "Linen Apron" || p.Price != 3450 || p.Stock != 12 || !p.Active || !strings.HasPrefix(p.Image, "/images/") {
		t.Fatalf("product %+v", p)
	}
	img := s.Client(t).Get(p.Image).Expect(t, http.StatusOK)
	if img.Body != string(pic) || img.Header.Get("Content-Type") != "image/png" ||
		img.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || img.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("image: %d bytes, headers %v", len(img.Body), img.Header)
	}
	shopper := s.Client(t)
	if body := shopper.Get("/").Body; !strings.Contains(body, "Linen Apron") || !strings.Contains(body, `src="`+p.Image+`"`) {
		t.Error("the catalog does not show the new product")
	}
	if body := shopper.Get("/products/linen-apron").Expect(t, http.StatusOK).Body; !strings.Contains(body, "$34.50") {
		t.Error("the product page does not show the price")
	}

	t.Run("an edit shows at once, and a new image replaces the old one", func(t *testing.T) {
		edit := c.Get("/admin/products/"+p.ID+"/edit").Expect(t, http.StatusOK).Body
		for _, want := range []string{`value="Linen Apron"`, `value="34.50"`, `value="12"`, `enctype="multipart/form-data"`, `name="csrf_token"`} {
			if !strings.Contains(edit, want) {
				t.Errorf("edit form lacks %s", want)
			}
		}
		form.Set("price", "29.00")
		form.Set("stock", "0")
		postMultipart(t, c, "/admin/products/"+p.ID, form, &upload{"apron.gif", "application/octet-stream", testImage(t, "gif")}).Expect(t, http.StatusSeeOther)
		after, _ := productBySlug(t, s, "linen-apron")
		if after.Price != 2900 || after.Stock != 0 || after.Image == p.Image {
			t.Fatalf("after edit %+v", after)
		}
		if got := s.Client(t).Get(after.Image).Expect(t, http.StatusOK); got.Header.Get("Content-Type") != "image/gif" {
			t.Errorf("new image type %s", got.Header.Get("Content-Type"))
		}
		s.Client(t).Get(p.Image).Expect(t, http.StatusNotFound)
		if n := countRows(t, s, &models.ProductImage{}); n != 1 {
			t.Errorf("%d stored images, want 1", n)
		}
		body := shopper.Get("/products/linen-apron").Body
		if !strings.Contains(body, "$29.00") || !strings.Contains(body, "Sold out") {
			t.Error("the product page does not show the edit")
		}
		// Without a new file, the image stays.
		postMultipart(t, c, "/admin/products/"+p.ID, form, nil).Expect(t, http.StatusSeeOther)
		if again, _ := productBySlug(t, s, "linen-apron"); again.Image != after.Image {
			t.Error("saving without a file dropped the image")
		}
	})
	t.Run("every accepted image type", func(t *testing.T) {
		for format, ct := range map[string]string{"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"} {
			postMultipart(t, c, "/admin/products/"+p.ID, form, &upload{"x." + format, "image/" + format, testImage(t, format)}).Expect(t, http.StatusSeeOther)
			after, _ := productBySlug(t, s, "linen-apron")
			if got := s.Client(t).Get(after.Image).Header.Get("Content-Type"); got != ct {
				t.Errorf("%s served as %s", format, got)
			}
		}
	})
	t.Run("deactivating takes it off the shop at once", func(t *testing.T) {
		c.PostForm("/admin/products/"+p.ID+"/deactivate", url.Values{}).Expect(t, http.StatusSeeOther)
		shopper.Get("/products/linen-apron").Expect(t, http.StatusNotFound)
		if strings.Contains(shopper.Get("/").Body, "Linen Apron") {
			t.Error("the catalog still shows it")
		}
		list := c.Get("/admin/products").Expect(t, http.StatusOK).Body
		if !strings.Contains(list, "Linen Apron") || !strings.Contains(list, "Inactive") {
			t.Error("the admin list lost the inactive product")
		}
	})
}

func TestAdminProductFormRefusesBadInput(t *testing.T) {
	s := newAdminServer(t)
	c := signedInAdmin(t, s)
	mug, _ := productBySlug(t, s, "stoneware-mug")
	valid := url.Values{"name": {"Test Product"}, "slug": {"test-product"}, "price": {"10.00"}, "stock": {"5"}, "active": {"on"}}
	with := func(k, v string) url.Values {
		f := cloneForm(valid)
		f.Set(k, v)
		return f
	}
	cases := []struct {
		name string
		form url.Values
		file *upload
		msg  string
	}{
		{"negative price", with("price", "-5"), nil, "Enter an amount above zero."},
		{"zero price", with("price", "0"), nil, "Enter a price above zero."},
		{"absurd price", with("price", "1000000.01"), nil, "Enter a price of at most $1,000,000.00."},
		{"price with three decimals", with("price", "9.999"), nil, "Use at most 2 decimals."},
		{"price that is not a number", with("price", "ten"), nil, "Enter the amount as a number"},
		{"no price", with("price", ""), nil, "Enter an amount."},
		{"negative stock", with("stock", "-1"), nil, "Enter a stock from 0 to 1,000,000."},
		{"absurd stock", with("stock", "1000001"), nil, "Enter a stock from 0 to 1,000,000."},
		{"fractional stock", with("stock", "1.5"), nil, "Enter the stock as a whole number"},
		{"huge stock", with("stock", "99999999999999999999999"), nil, "Enter a stock from 0 to 1,000,000."},
		{"no name", with("name", "  "), nil, "Enter the product&#39;s name."},
		{"long name", with("name", strings.Repeat("n", 201)), nil, "Use at most 200 characters for the name."},
		{"slug with spaces", with("slug", "Test Product"), nil, "Use lower-case letters, digits and single hyphens"},
		{"slug with a double hyphen", with("slug", "test--product"), nil, "single hyphens"},
		{"long slug", with("slug", strings.Repeat("a", 121)), nil, "Use at most 120 characters for the slug."},
		{"duplicate slug", with("slug", "stoneware-mug"), nil, "Another product already uses this slug."},
		{"long description", with("description", strings.Repeat("d", 5001)), nil, "Use at most 5000 characters for the description."},
		{"oversized image", valid, &upload{"big.png", "image/png", append(testImage(t, "png"), make([]byte, models.MaxImageBytes)...)}, "images may be at most 2 MiB"},
		{"a text file named .png", valid, &upload{"notes.png", "image/png", []byte("just some text, not an image")}, "That file is not a PNG, JPEG, WebP or GIF image."},
		{"an SVG (scripts can hide in it)", valid, &upload{"x.svg", "image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)}, "That file is not a PNG, JPEG, WebP or GIF image."},
		{"an empty file", valid, &upload{"x.png", "image/png", nil}, "The image file is empty."},
	}
	products := countRows(t, s, &models.Product{})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := postMultipart(t, c, "/admin/products", tc.form, tc.file).Expect(t, http.StatusUnprocessableEntity)
			if !strings.Contains(res.Body, tc.msg) || !strings.Contains(res.Body, `class="field__error"`) || !strings.Contains(res.Body, `aria-invalid="true"`) {
				t.Errorf("page lacks %q:\n%s", tc.msg, res.Body)
			}
			if !strings.Contains(res.Body, `name="csrf_token"`) || !strings.Contains(res.Body, "Nothing was saved.") {
				t.Error("the form was not shown again")
			}
			// The same input on an existing product changes nothing either.
			form := tc.form
			if form.Get("slug") == mug.Slug {
				form = with("slug", "canvas-tote") // the mug's own slug is no duplicate
			}
			postMultipart(t, c, "/admin/products/"+mug.ID, form, tc.file).Expect(t, http.StatusUnprocessableEntity)
		})
	}
	if n := countRows(t, s, &models.Product{}); n != products {
		t.Errorf("%d products, want %d", n, products)
	}
	if n := countRows(t, s, &models.ProductImage{}); n != 0 {
		t.Errorf("%d images stored", n)
	}
	if after, _ := productBySlug(t, s, "stoneware-mug"); after != mug {
		t.Errorf("the mug changed:\n%+v\n%+v", after, mug)
	}

	t.Run("a good image with a bad field is asked for again", func(t *testing.T) {
		res := postMultipart(t, c, "/admin/products", with("price", "-1"), &upload{"x.png", "image/png", testImage(t, "png")}).Expect(t, http.StatusUnprocessableEntity)
		if !strings.Contains(res.Body, "Choose the image again") {
			t.Error("no note about the image")
		}
	})
	t.Run("a far too large upload is refused before it is read", func(t *testing.T) {
		res := postMultipart(t, c, "/admin/products", valid, &upload{"huge.png", "image/png", make([]byte, 9<<20)}).Expect(t, http.StatusRequestEntityTooLarge)
		if !strings.Contains(res.Body, "at most 2 MiB") {
			t.Errorf("page:\n%s", res.Body)
		}
	})
	t.Run("forged ids are a 404", func(t *testing.T) {
		for _, id := range []string{models.NewID(), "nope", "..%2f..%2fetc"} {
			c.Get("/admin/products/"+id+"/edit").Expect(t, http.StatusNotFound)
			postMultipart(t, c, "/admin/products/"+id, valid, nil).Expect(t, http.StatusNotFound)
			c.PostForm("/admin/products/"+id+"/deactivate", url.Values{}).Expect(t, http.StatusNotFound)
			s.Client(t).Get("/images/"+id).Expect(t, http.StatusNotFound)
		}
		if _, ok := productBySlug(t, s, "test-product"); ok {
			t.Error("a product was made")
		}
	})
	t.Run("the form needs its CSRF token", func(t *testing.T) {
		res := postMultipart(t, c, "/admin/products", with("csrf_token", "forged"), nil)
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("status %d", res.StatusCode)
		}
	})
}

func TestAdminDiscountCodes(t *testing.T) {
	s := newAdminServer(t)
	c := signedInAdmin(t, s)
	c.Get("/admin/discounts/new").Expect(t, http.StatusOK)
	form := url.Values{"code": {"spring-25"}, "kind": {"percent"}, "percent_off": {"25"}, "min_subtotal": {"20.00"},
		"starts_at": {"2020-01-01T00:00"}, "ends_at": {"2099-12-31T23:59"}, "max_redemptions": {"100"}, "active": {"on"}}
	c.PostForm("/admin/discounts", form).Expect(t, http.StatusSeeOther)
	d, err := models.DiscountByCode(t.Context(), s.App.DB().DB, "SPRING-25")
	if err != nil || d.Code != "SPRING-25" || d.PercentOff != 25 || d.MinSubtotal != 2000 || d.MaxRedemptions == nil || *d.MaxRedemptions != 100 ||
		d.StartsAt == nil || d.EndsAt == nil || !d.Active {
		t.Fatalf("discount %+v, %v", d, err)
	}
	c.PostForm("/admin/discounts", url.Values{"code": {"FIVEOFF"}, "kind": {"fixed"}, "amount_off": {"5"}, "active": {"on"}}).Expect(t, http.StatusSeeOther)
	five, _ := models.DiscountByCode(t.Context(), s.App.DB().DB, "fiveoff")
	if five.Kind != models.DiscountFixed || five.AmountOff != 500 || five.StartsAt != nil || five.MaxRedemptions != nil {
		t.Fatalf("fixed discount %+v", five)
	}

	t.Run("the list shows redemptions", func(t *testing.T) {
		s.App.DB().Model(&models.Discount{}).Where("id = ?", d.ID).Update("redemptions", 7)
		list := c.Get("/admin/discounts").Expect(t, http.StatusOK).Body
		for _, want := range []string{`data-testid="redemptions-SPRING-25">7 of 100<`, `data-testid="redemptions-FIVEOFF">0<`, "25% off", "$5.00 off"} {
			if !strings.Contains(list, want) {
				t.Errorf("list lacks %s", want)
			}
		}
	})
	t.Run("a shopper can use a new code at once", func(t *testing.T) {
		sh := shopper(t, s, "everyday-sneakers")
		res := sh.PostJSON("/checkout/discount", map[string]string{"code": "Spring-25"}).Expect(t, http.StatusOK)
		if !strings.Contains(res.Body, `"amount":6675`) {
			t.Errorf("discount reply %s", res.Body)
		}
	})
	t.Run("an edit keeps the code", func(t *testing.T) {
		edit := c.Get("/admin/discounts/"+d.ID+"/edit").Expect(t, http.StatusOK).Body
		for _, want := range []string{`value="SPRING-25" readonly`, `value="25"`, `value="20.00"`, `value="2099-12-31T23:59"`, `value="100"`} {
			if !strings.Contains(edit, want) {
				t.Errorf("edit form lacks %s", want)
			}
		}
		f := cloneForm(form)
		f.Set("code", "RENAMED")
		f.Set("percent_off", "30")
		f.Set("max_redemptions", "")
		c.PostForm("/admin/discounts/"+d.ID, f).Expect(t, http.StatusSeeOther)
		after, _ := models.DiscountByID(t.Context(), s.App.DB().DB, d.ID)
		if after.Code != "SPRING-25" || after.PercentOff != 30 || after.MaxRedemptions != nil || after.Redemptions != 7 {
			t.Errorf("after edit %+v", after)
		}
	})
	t.Run("a deactivated code no longer works", func(t *testing.T) {
		c.PostForm("/admin/discounts/"+five.ID+"/deactivate", url.Values{}).Expect(t, http.StatusSeeOther)
		sh := shopper(t, s, "everyday-sneakers")
		sh.PostJSON("/checkout/discount", map[string]string{"code": "FIVEOFF"}).Expect(t, http.StatusUnprocessableEntity)
	})
}

func TestAdminDiscountFormRefusesBadInput(t *testing.T) {
	s := newAdminServer(t)
	c := signedInAdmin(t, s)
	valid := url.Values{"code": {"GOOD-CODE"}, "kind": {"percent"}, "percent_off": {"10"}, "active": {"on"}}
	with := func(kv ...string) url.Values {
		f := cloneForm(valid)
		for i := 0; i < len(kv); i += 2 {
			f.Set(kv[i], kv[i+1])
		}
		return f
	}
	cases := []struct {
		name string
		form url.Values
		msg  string
	}{
		{"short code", with("code", "ab"), "Use 3 to 64 letters, digits, hyphens or underscores"},
		{"code with spaces", with("code", "TEN OFF"), "Use 3 to 64 letters"},
		{"long code", with("code", strings.Repeat("A", 65)), "Use 3 to 64 letters"},
		{"duplicate code in another case", with("code", "welcome10"), "Another discount already uses this code"},
		{"no kind", with("kind", ""), "Choose a percentage or a fixed amount."},
		{"zero percent", with("percent_off", "0"), "Enter a whole percentage from 1 to 100."},
		{"over 100 percent", with("percent_off", "101"), "Enter a whole percentage from 1 to 100."},
		{"fractional percent", with("percent_off", "12.5"), "Enter a whole percentage from 1 to 100."},
		{"negative fixed amount", with("kind", "fixed", "amount_off", "-5"), "Enter an amount above zero."},
		{"zero fixed amount", with("kind", "fixed", "amount_off", "0"), "Enter an amount above zero."},
		{"absurd fixed amount", with("kind", "fixed", "amount_off", "99999999"), "Enter an amount of at most $1,000,000.00."},
		{"end before start", with("starts_at", "2030-05-01T10:00", "ends_at", "2030-04-01T10:00"), "The end must come after the start."},
		{"end equal to start", with("starts_at", "2030-05-01T10:00", "ends_at", "2030-05-01T10:00"), "The end must come after the start."},
		{"a start that is not a time", with("starts_at", "soon"), "Enter the start as a date and time"},
		{"zero max redemptions", with("max_redemptions", "0"), "Enter a whole number of at least 1"},
		{"negative minimum", with("min_subtotal", "-1"), "Enter an amount above zero."},
	}
	welcome, _ := models.DiscountByCode(t.Context(), s.App.DB().DB, "WELCOME10")
	n := countRows(t, s, &models.Discount{})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := c.PostForm("/admin/discounts", tc.form).Expect(t, http.StatusUnprocessableEntity)
			if !strings.Contains(res.Body, tc.msg) || !strings.Contains(res.Body, "Nothing was saved.") {
				t.Errorf("page lacks %q:\n%s", tc.msg, res.Body)
			}
			if tc.form.Get("code") == valid.Get("code") { // an edit keeps the stored code: code errors cannot happen
				c.PostForm("/admin/discounts/"+welcome.ID, tc.form).Expect(t, http.StatusUnprocessableEntity)
			}
		})
	}
	if got := countRows(t, s, &models.Discount{}); got != n {
		t.Errorf("%d discounts, want %d", got, n)
	}
	if after, _ := models.DiscountByID(t.Context(), s.App.DB().DB, welcome.ID); after.PercentOff != welcome.PercentOff || !after.UpdatedAt.Equal(welcome.UpdatedAt) {
		t.Errorf("WELCOME10 changed: %+v", after)
	}
	t.Run("forged ids are a 404", func(t *testing.T) {
		for _, id := range []string{models.NewID(), "nope"} {
			c.Get("/admin/discounts/"+id+"/edit").Expect(t, http.StatusNotFound)
			c.PostForm("/admin/discounts/"+id, valid).Expect(t, http.StatusNotFound)
			c.PostForm("/admin/discounts/"+id+"/deactivate", url.Values{}).Expect(t, http.StatusNotFound)
		}
	})
}
