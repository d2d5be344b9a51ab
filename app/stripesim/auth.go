package stripesim

import (
	"encoding/base64"
	"net/http"
	"strings"
)

// keyMode says which API keys an endpoint accepts.
type keyMode int

const (
	secretOnly    keyMode = iota // server-side endpoints
	publishableOK                // Stripe.js endpoints; the secret key works too
)

// authenticate returns the API key of r, or Stripe's 401.
func (s *Sim) authenticate(r *http.Request) (string, *apiError) {
	key := bearerKey(r)
	if key == "" {
		return "", &apiError{status: http.StatusUnauthorized, body: errorBody{
			Type: typeInvalidRequest,
			Message: "You did not provide an API key. You need to provide your API key in the Authorization header, " +
				"using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication " +
				"for details, or we can help at https://support.stripe.com/.",
		}}
	}
	if key != s.cfg.SecretKey && key != s.cfg.PublishableKey {
		return "", &apiError{status: http.StatusUnauthorized, body: errorBody{
			Type:    typeInvalidRequest,
			Message: "Invalid API Key provided: " + maskKey(key),
		}}
	}
	return key, nil
}

// bearerKey reads the key from Bearer or Basic auth, as Stripe accepts both.
func bearerKey(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if k, ok := strings.CutPrefix(h, "Bearer "); ok {
		return strings.TrimSpace(k)
	}
	if b, ok := strings.CutPrefix(h, "Basic "); ok {
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b))
		if err == nil {
			user, _, _ := strings.Cut(string(raw), ":")
			return user
		}
	}
	return ""
}

// maskKey hides all of a key but its kind prefix and last four characters,
// the way Stripe echoes a wrong key.
func maskKey(key string) string {
	prefix := ""
	rest := key
	for _, p := range []string{"sk_test_", "sk_live_", "pk_test_", "pk_live_", "rk_test_", "rk_live_"} {
		if strings.HasPrefix(key, p) {
			prefix, rest = p, strings.TrimPrefix(key, p)
			break
		}
	}
	if len(rest) <= 4 {
		return prefix + strings.Repeat("*", len(rest))
	}
	return prefix + strings.Repeat("*", len(rest)-4) + rest[len(rest)-4:]
}

// secretKeyRequired is Stripe's answer to a publishable key on a server endpoint.
func secretKeyRequired() *apiError {
	return &apiError{status: http.StatusUnauthorized, body: errorBody{
		Type: typeInvalidRequest,
		Code: "secret_key_required",
		Message: "This API call cannot be made with a publishable API key. Please use a secret API key. " +
			"You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.",
		DocURL: docURL("secret_key_required"),
	}}
}
