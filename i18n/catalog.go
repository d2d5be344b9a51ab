package i18n

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

// The catalogs: one TOML file per locale, named by its code. Keys are dotted ids by area (cart.empty,
// checkout.pay_button); js.* reach assets/js/checkout.js through checkout-config, sim.* the simulator's
// stand-in Payment Element, email.* the order emails.
//
//go:embed locales/*.toml
var localeFiles embed.FS

// catalog is every locale's messages, loaded once from localeFiles.
type catalog struct {
	bundle     *goi18n.Bundle
	localizers map[Locale]*goi18n.Localizer
	messages   map[Locale]map[string]*goi18n.Message
}

var loadCatalog = sync.OnceValues(func() (*catalog, error) { return parseCatalog(localeFiles) })

// Load reads the embedded catalogs and reports a broken one (bad TOML, a file for no locale, a locale without
// a file). Call it at start so a bad catalog stops the shop; the Localizer works without it, falling back to
// message ids.
func Load() error {
	_, err := loadCatalog()
	return err
}

func parseCatalog(fsys fs.FS) (*catalog, error) {
	c := &catalog{
		bundle:     goi18n.NewBundle(Default.Tag()),
		localizers: map[Locale]*goi18n.Localizer{},
		messages:   map[Locale]map[string]*goi18n.Message{},
	}
	c.bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	for _, l := range Supported {
		path := "locales/" + string(l) + ".toml"
		f, err := c.bundle.LoadMessageFileFS(fsys, path)
		if err != nil {
			return nil, fmt.Errorf("load catalog %s: %w", path, err)
		}
		c.messages[l] = map[string]*goi18n.Message{}
		for _, m := range f.Messages {
			c.messages[l][m.ID] = m
		}
		// English second: a message missing in the locale falls back to English.
		c.localizers[l] = goi18n.NewLocalizer(c.bundle, string(l), string(Default))
	}
	return c, nil
}

// Localizer speaks one locale: messages from its catalog, and prices, dates and numbers in its format.
// The zero value speaks English. It never panics: a message missing in the locale comes in English, and
// one missing everywhere shows its id, so a gap is visible on the page and caught by the catalog tests.
type Localizer struct {
	locale Locale
}

// For returns the Localizer of a locale; an unsupported one gives English.
func For(l Locale) Localizer {
	if _, ok := Parse(string(l)); !ok {
		l = Default
	}
	return Localizer{locale: l}
}

// Locale is the Localizer's locale.
func (l Localizer) Locale() Locale {
	if l.locale == "" {
		return Default
	}
	return l.locale
}

// T is the message id in the Localizer's locale. data fills the message's placeholders ({{.Number}}): either
// one map or struct, or pairs of name and value: T("order.number", "Number", o.Number).
func (l Localizer) T(id string, data ...any) string {
	return l.localize(id, nil, templateData(data))
}

// N is the plural message id for count: the CLDR plural rules of the locale choose the form (one, other…).
// The message sees the count, formatted for the locale, as {{.Count}}, beside data as in T.
func (l Localizer) N(id string, count int, data ...any) string {
	td := templateData(data)
	if m, ok := td.(map[string]any); ok || td == nil {
		if m == nil {
			m = map[string]any{}
		}
		if _, set := m["Count"]; !set {
			m["Count"] = l.Int(int64(count))
		}
		td = m
	}
	return l.localize(id, count, td)
}

func (l Localizer) localize(id string, count any, data any) string {
	c, err := loadCatalog()
	if err != nil {
		return id
	}
	return c.localize(l.Locale(), id, count, data)
}

// localize executes the message id of locale l; a message missing there comes in English, and one missing
// everywhere (or that fails to execute) gives its id.
func (c *catalog) localize(l Locale, id string, count any, data any) string {
	lz, ok := c.localizers[l]
	if !ok {
		lz = c.localizers[Default]
	}
	msg, err := lz.Localize(&goi18n.LocalizeConfig{MessageID: id, PluralCount: count, TemplateData: data})
	if msg == "" && err != nil {
		return id
	}
	return msg
}

// Has reports whether the locale's catalog, or the English one, has the message id: for ids built at run
// time ("error.title." + code) that need a fallback of their own.
func (l Localizer) Has(id string) bool {
	c, err := loadCatalog()
	if err != nil {
		return false
	}
	_, ok := c.messages[l.Locale()][id]
	_, inDefault := c.messages[Default][id]
	return ok || inDefault
}

// templateData turns T's variadic data into what the message template reads.
func templateData(data []any) any {
	switch {
	case len(data) == 0:
		return nil
	case len(data) == 1:
		if m, ok := data[0].(map[string]any); ok {
			out := make(map[string]any, len(m)+1) // a copy: N adds Count
			for k, v := range m {
				out[k] = v
			}
			return out
		}
		return data[0]
	}
	m := make(map[string]any, len(data)/2+1)
	for i := 0; i+1 < len(data); i += 2 {
		m[fmt.Sprint(data[i])] = data[i+1]
	}
	return m
}

// Messages returns the messages whose ids start with prefix (such as "js."), keyed by their full id and
// unexecuted: their {{.Name}} placeholders stay for the script to fill. Plural messages give their "other"
// form. A message missing in the locale comes in English.
func (l Localizer) Messages(prefix string) map[string]string {
	c, err := loadCatalog()
	if err != nil {
		return map[string]string{}
	}
	out := map[string]string{}
	for _, loc := range []Locale{Default, l.Locale()} {
		for id, m := range c.messages[loc] {
			if strings.HasPrefix(id, prefix) {
				out[id] = m.Other
			}
		}
	}
	return out
}

// Keys lists every message id of the English catalog, sorted: the ids the other catalogs must have too.
func Keys() []string {
	c, err := loadCatalog()
	if err != nil {
		return nil
	}
	ids := make([]string, 0, len(c.messages[Default]))
	for id := range c.messages[Default] {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}
