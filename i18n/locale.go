// Package i18n is the shop's languages: which locale a request gets, the message catalogs in locales/*.toml,
// and prices, dates and numbers formatted per locale with CLDR data. It imports nothing of the shop, so views
// and app may both use it.
package i18n

import (
	"net/http"
	"strings"

	"golang.org/x/text/language"
)

// Locale is one of the languages the shop speaks to shoppers: "en", "de", "fr" or "id".
type Locale string

// The shop's locales.
const (
	English    Locale = "en"
	German     Locale = "de"
	French     Locale = "fr"
	Indonesian Locale = "id"
)

// Default is the locale of a request that asks for none the shop speaks.
const Default = English

// CookieName is the cookie the language picker sets.
const CookieName = "locale"

// Supported lists the locales in the order the language picker shows them; the first is the default.
var Supported = []Locale{English, German, French, Indonesian}

// tags are Supported as language tags, in the same order, for the matcher.
var tags = []language.Tag{language.English, language.German, language.French, language.Indonesian}

// matcher picks the closest supported locale for what a browser asks: de-AT → de, fr-CA → fr.
// language.Matcher is safe for concurrent use.
var matcher = language.NewMatcher(tags)

// maxAcceptLanguage bounds the header we parse; browsers send a few dozen bytes.
const maxAcceptLanguage = 1024

// Parse validates a locale value from a form field or a cookie: exactly one of the supported codes, in any
// case, surrounding spaces ignored. Anything else ("de-DE", "xx", "") is refused.
func Parse(s string) (Locale, bool) {
	l := Locale(strings.ToLower(strings.TrimSpace(s)))
	for _, s := range Supported {
		if l == s {
			return l, true
		}
	}
	return "", false
}

// Negotiate picks the locale of a request: the picker's cookie value when it is valid, else the best match
// for the Accept-Language header (q-values honoured), else Default. Malformed headers give Default.
func Negotiate(cookie, acceptLanguage string) Locale {
	if l, ok := Parse(cookie); ok {
		return l
	}
	return fromAcceptLanguage(acceptLanguage)
}

func fromAcceptLanguage(header string) Locale {
	header = strings.TrimSpace(header)
	if header == "" || len(header) > maxAcceptLanguage {
		return Default
	}
	desired, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(desired) == 0 {
		return Default
	}
	_, i, conf := matcher.Match(desired...)
	if conf == language.No {
		return Default // "*", or only languages we don't speak
	}
	return Supported[i]
}

// FromRequest is the locale of a request: its locale cookie, else its Accept-Language header, else Default.
func FromRequest(r *http.Request) Locale {
	var cookie string
	if c, err := r.Cookie(CookieName); err == nil {
		cookie = c.Value
	}
	return Negotiate(cookie, r.Header.Get("Accept-Language"))
}

// String is the locale's code, as used in <html lang>, the cookie, and Stripe.js's locale option.
func (l Locale) String() string {
	if _, ok := Parse(string(l)); !ok {
		return string(Default)
	}
	return string(l)
}

// Tag is the locale as a language tag.
func (l Locale) Tag() language.Tag {
	for i, s := range Supported {
		if l == s {
			return tags[i]
		}
	}
	return language.English
}

// Name is the locale's name in its own language, for the language picker.
func (l Locale) Name() string {
	switch l {
	case German:
		return "Deutsch"
	case French:
		return "Français"
	case Indonesian:
		return "Bahasa Indonesia"
	}
	return "English"
}
