package app

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/views/admin"
)

// maxUploadBody bounds a product form with its image: well above the 2 MiB image limit, so that a somewhat
// larger photo gets the form back with a message rather than a bare error page.
const maxUploadBody = 8 << 20

// uploadLimit is the body limit of the product forms (the shop's other forms take 1 MiB).
func uploadLimit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.ContentLength > maxUploadBody {
			return echo.NewHTTPError(http.StatusRequestEntityTooLarge, "That upload is far too large. Product images may be at most 2 MiB.")
		}
		req.Body = http.MaxBytesReader(c.Response(), req.Body, maxUploadBody)
		return next(c)
	}
}

// listProducts renders every product, active or not.
func (a *App) listProducts(c echo.Context) error {
	ps, err := models.AllProducts(c.Request().Context(), a.db.DB)
	if err != nil {
		return fmt.Errorf("list products: %w", err)
	}
	return render(c, http.StatusOK, admin.ProductsPage(a.page(c, "Products"), ps))
}

// newProduct renders the empty product form.
func (a *App) newProduct(c echo.Context) error {
	f := admin.ProductForm{Input: models.ProductInput{Stock: "0", Active: true}}
	return render(c, http.StatusOK, admin.ProductFormPage(a.page(c, "New product"), f))
}

// editProduct renders a product's form.
func (a *App) editProduct(c echo.Context) error {
	p, err := byID(c, a.db.DB, "product", models.ProductByID)
	if err != nil {
		return err
	}
	f := admin.ProductForm{ID: p.ID, Image: p.Image, Input: models.ProductInput{Name: p.Name, Slug: p.Slug,
		Description: p.Description, Price: models.FormatMoneyInput(p.Price, a.cfg.Currency),
		Stock: strconv.FormatInt(p.Stock, 10), Active: p.Active}}
	return render(c, http.StatusOK, admin.ProductFormPage(a.page(c, "Edit "+p.Name), f))
}

// createProduct saves a new product (and its image) or shows the form again with what to fix.
func (a *App) createProduct(c echo.Context) error {
	return a.saveProduct(c, models.Product{}, "New product")
}

// updateProduct saves a product's changes (and a new image, if one was chosen).
func (a *App) updateProduct(c echo.Context) error {
	p, err := byID(c, a.db.DB, "product", models.ProductByID)
	if err != nil {
		return err
	}
	return a.saveProduct(c, p, "Edit "+p.Name)
}

func (a *App) saveProduct(c echo.Context, current models.Product, title string) error {
	in := models.ProductInput{Name: c.FormValue("name"), Slug: c.FormValue("slug"), Description: c.FormValue("description"),
		Price: c.FormValue("price"), Stock: c.FormValue("stock"), Active: c.FormValue("active") == "on"}
	p, errs := in.Parse(a.cfg.Currency)
	img, imgErr, err := productImage(c)
	if err != nil {
		return err
	}
	if imgErr != "" {
		errs["image"] = imgErr
	} else if img != nil && len(errs) > 0 {
		errs["image"] = "Choose the image again: files are not kept while the form has errors."
	}
	if len(errs) == 0 {
		p.ID, p.Image, p.Position = current.ID, current.Image, current.Position
		err = models.SaveProduct(c.Request().Context(), a.db.DB, &p, img)
		switch {
		case errors.Is(err, models.ErrSlugTaken):
			errs["slug"] = "Another product already uses this slug. Choose another."
		case errors.Is(err, models.ErrNotFound):
			return echo.NewHTTPError(http.StatusNotFound, "There is no product with that id.")
		case err != nil:
			return fmt.Errorf("save product: %w", err)
		}
	}
	if len(errs) > 0 {
		f := admin.ProductForm{ID: current.ID, Image: current.Image, Input: in, Errors: errs}
		return render(c, http.StatusUnprocessableEntity, admin.ProductFormPage(a.page(c, title), f))
	}
	a.invalidateCatalog() // the shop shows the change at once
	return a.savedRedirect(c, p.Name, current.ID == "", "/admin/products")
}

// deactivateProduct takes a product off the shop.
func (a *App) deactivateProduct(c echo.Context) error {
	p, err := byID(c, a.db.DB, "product", models.ProductByID)
	if err != nil {
		return err
	}
	if err := models.DeactivateProduct(c.Request().Context(), a.db.DB, p.ID); err != nil {
		return fmt.Errorf("deactivate product: %w", err)
	}
	a.invalidateCatalog()
	return a.flashRedirect(c, "success", p.Name+" is no longer shown in the shop.", "/admin/products")
}

// productImage reads the form's optional image. The type is judged from the bytes (never from the file name
// or the browser's Content-Type), and only PNG, JPEG, WebP and GIF up to 2 MiB are taken. msg says what is
// wrong with the file; err is for failures of the server.
func productImage(c echo.Context) (img *models.ProductImage, msg string, err error) {
	fh, err := c.FormFile("image")
	if errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart) {
		return nil, "", nil
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, "", echo.NewHTTPError(http.StatusRequestEntityTooLarge, "That upload is far too large. Product images may be at most 2 MiB.")
	}
	if err != nil {
		return nil, "", echo.NewHTTPError(http.StatusBadRequest, "The upload could not be read. Try again.").SetInternal(err)
	}
	tooLarge := fmt.Sprintf("The image is %.1f MiB; images may be at most 2 MiB.", float64(fh.Size)/(1<<20))
	if fh.Size > models.MaxImageBytes {
		return nil, tooLarge, nil
	}
	f, err := fh.Open()
	if err != nil {
		return nil, "", fmt.Errorf("open upload: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, models.MaxImageBytes+1))
	if err != nil {
		return nil, "", fmt.Errorf("read upload: %w", err)
	}
	switch {
	case len(data) > models.MaxImageBytes:
		return nil, tooLarge, nil
	case len(data) == 0:
		return nil, "The image file is empty.", nil
	}
	ct := http.DetectContentType(data)
	if !models.ImageTypes[ct] {
		return nil, "That file is not a PNG, JPEG, WebP or GIF image.", nil
	}
	return &models.ProductImage{ContentType: ct, Data: data}, "", nil
}

// showImage serves an uploaded product image. Its URL changes with every upload, so it is cached for good;
// nosniff keeps browsers from reading it as anything but the image type it was checked to be.
func (a *App) showImage(c echo.Context) error {
	img, err := models.ProductImageByID(c.Request().Context(), a.db.DB, c.Param("id"))
	if errors.Is(err, models.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound, "There is no image with that id.")
	}
	if err != nil {
		return fmt.Errorf("load image: %w", err)
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("X-Content-Type-Options", "nosniff")
	return c.Blob(http.StatusOK, img.ContentType, img.Data)
}
