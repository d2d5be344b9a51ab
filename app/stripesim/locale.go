package stripesim

import (
	"encoding/json"

	"github.com/storefront/storefront/i18n"
)

// Stripe says its error messages (card declines) in the language of the request's Accept-Language header, and
// Stripe.js speaks the locale it was given (Stripe(pk, {locale})). The simulator does both with the shop's
// catalogs: sim.decline.* for the API's decline messages, sim.* for the stand-in Payment Element.

// localeOf is the language a request to the API asked for: its Accept-Language, else English.
func localeOf(c *call) i18n.Localizer {
	if c == nil || c.r == nil {
		return i18n.Localizer{}
	}
	return i18n.For(i18n.Negotiate("", c.r.Header.Get("Accept-Language")))
}

// inEnglish speaks English (the zero Localizer).
var inEnglish i18n.Localizer

// say is an API message in the request's language: the catalog's message id when its English form is the
// message Stripe sends in English, else the message as it is.
func say(c *call, english, id string) string {
	if inEnglish.T(id) != english {
		return english
	}
	return localeOf(c).T(id)
}

// declineMessage is a scripted decline's message in the request's language (a lost or stolen card gets the
// generic decline's words, as with Stripe).
func declineMessage(c *call, b cardBehavior) string {
	for _, id := range []string{"sim.decline." + b.declineCode, "sim.decline." + b.code, "sim.decline.generic_decline"} {
		if inEnglish.T(id) == b.message {
			return localeOf(c).T(id)
		}
	}
	return b.message
}

// standInMessages is the stand-in Stripe.js's own words in every locale, as a script statement that sets
// SIM_MESSAGES: {"de": {"sim.card": "Karte", …}, …}.
func standInMessages() ([]byte, error) {
	all := map[string]map[string]string{}
	for _, l := range i18n.Supported {
		all[l.String()] = i18n.For(l).Messages("sim.")
	}
	b, err := json.Marshal(all)
	if err != nil {
		return nil, err
	}
	return append(append([]byte("var SIM_MESSAGES = "), b...), ";\n"...), nil
}
