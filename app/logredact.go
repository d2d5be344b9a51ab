package app

import (
	"context"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
)

// The log hygiene of the go-live checklist: whatever a log line carries, these never reach the output.
var (
	secretRe = regexp.MustCompile(`\b(sk|rk|pk)_(test|live)_[0-9A-Za-z]+|\bwhsec_[0-9A-Za-z_]+|\b(pi|seti|cuss)_[0-9A-Za-z]+_secret_[0-9A-Za-z_]+|\bcuss_secret_[0-9A-Za-z_]+`)
	cardRe   = regexp.MustCompile(`\b\d(?:[ -]?\d){12,18}\b`)
	emailRe  = regexp.MustCompile(`([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})`)
)

// Redact removes keys, webhook secrets, client secrets and card numbers from s and masks email addresses.
// Every log line's every string passes here, so each pattern is tried only when the string holds what any of
// its matches must hold (most hold none: paths, ids, statuses).
func Redact(s string) string {
	if strings.Contains(s, "_test_") || strings.Contains(s, "_live_") || strings.Contains(s, "whsec_") || strings.Contains(s, "_secret_") {
		s = secretRe.ReplaceAllString(s, "[redacted]")
	}
	if digits(s) >= 13 {
		s = cardRe.ReplaceAllString(s, "[redacted-number]")
	}
	if strings.IndexByte(s, '@') >= 0 {
		s = emailRe.ReplaceAllString(s, "$1•••@$2")
	}
	return s
}

// digits counts the ASCII digits of s (a card number has at least 13).
func digits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if '0' <= s[i] && s[i] <= '9' {
			n++
		}
	}
	return n
}

// sensitiveKeys are attributes whose values are never logged at all.
var sensitiveKeys = map[string]bool{"password": true, "cookie": true, "authorization": true, "client_secret": true,
	"card": true, "cvc": true, "secret": true, "token": true, "set-cookie": true}

// redactingHandler cleans every attribute of every record before the real handler writes it.
type redactingHandler struct{ next slog.Handler }

func (h redactingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

func (h redactingHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, Redact(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h redactingHandler) WithAttrs(as []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(as))
	for i, a := range as {
		clean[i] = redactAttr(a)
	}
	return redactingHandler{h.next.WithAttrs(clean)}
}

func (h redactingHandler) WithGroup(name string) slog.Handler {
	return redactingHandler{h.next.WithGroup(name)}
}

func redactAttr(a slog.Attr) slog.Attr {
	if sensitiveKeys[strings.ToLower(a.Key)] {
		return slog.String(a.Key, "[redacted]")
	}
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, Redact(v.String()))
	case slog.KindGroup:
		attrs := v.Group()
		clean := make([]any, len(attrs))
		for i, g := range attrs {
			clean[i] = redactAttr(g)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, Redact(err.Error()))
		}
		return slog.String(a.Key, Redact(v.String()))
	}
	return slog.Attr{Key: a.Key, Value: v}
}

// RedactDSN hides the secrets of a database URL for logs: the password in the user part and every query
// parameter that carries one (password=, sslpassword=, …). A URL that does not parse is not shown at all.
func RedactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "[unparsable database URL]"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	if u.RawQuery != "" {
		q, err := url.ParseQuery(u.RawQuery)
		if err != nil {
			q = url.Values{"query": {"[unparsable]"}}
		}
		for k := range q {
			if name := strings.ToLower(k); strings.Contains(name, "pass") || strings.Contains(name, "secret") || strings.Contains(name, "token") {
				q[k] = []string{"xxxxx"}
			}
		}
		u.RawQuery = q.Encode()
	}
	return u.String()
}
