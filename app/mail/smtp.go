package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Sender delivers one rendered email; messageID makes a retried delivery recognisable to the receiver.
type Sender interface {
	Send(ctx context.Context, messageID string, r Rendered) error
}

// SMTP sends through the server of SMTP_URL: smtp:// with mandatory STARTTLS (port 587 by default), smtps://
// with implicit TLS (port 465), and authentication from the URL's user and password when given.
type SMTP struct {
	host     string
	port     int
	implicit bool
	user     string
	pass     string
	from     string
	tls      *tls.Config
	Timeout  time.Duration
}

// NewSMTP reads SMTP_URL; tlsConfig is nil for the system's roots.
func NewSMTP(rawURL, from string, tlsConfig *tls.Config) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return nil, errors.New("SMTP_URL: use smtp://USER:PASS@HOST:587 or smtps://USER:PASS@HOST:465")
	}
	s := &SMTP{host: u.Hostname(), implicit: u.Scheme == "smtps", from: from, Timeout: 30 * time.Second, port: 587}
	if s.implicit {
		s.port = 465
	}
	if p := u.Port(); p != "" {
		if s.port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("SMTP_URL: bad port %q", p)
		}
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}
	if tlsConfig != nil {
		s.tls = tlsConfig.Clone()
		if s.tls.ServerName == "" {
			s.tls.ServerName = s.host
		}
	}
	return s, nil
}

// Send delivers one email: plain text with an HTML alternative.
func (s *SMTP) Send(ctx context.Context, messageID string, r Rendered) error {
	m := gomail.NewMsg()
	if err := m.From(s.from); err != nil {
		return permanent(fmt.Errorf("MAIL_FROM: %w", err))
	}
	if err := m.To(r.To); err != nil {
		return permanent(fmt.Errorf("recipient: %w", err))
	}
	m.Subject(r.Subject)
	m.SetMessageIDWithValue(messageID)
	m.SetDate()
	m.SetBodyString(gomail.TypeTextPlain, r.Text)
	m.AddAlternativeString(gomail.TypeTextHTML, r.HTML)

	opts := []gomail.Option{gomail.WithPort(s.port), gomail.WithTimeout(s.Timeout)}
	if s.implicit {
		opts = append(opts, gomail.WithSSL())
	} else {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.tls != nil {
		opts = append(opts, gomail.WithTLSConfig(s.tls))
	}
	if s.user != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(s.user), gomail.WithPassword(s.pass))
	}
	c, err := gomail.NewClient(s.host, opts...)
	if err != nil {
		return fmt.Errorf("smtp client: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, m); err != nil {
		var se *gomail.SendError
		if errors.As(err, &se) && se.ErrorCode() >= 500 &&
			(se.Reason == gomail.ErrSMTPRcptTo || se.Reason == gomail.ErrSMTPData || se.Reason == gomail.ErrSMTPDataClose) {
			return permanent(err) // the server refused this message or recipient for good
		}
		return err
	}
	return nil
}

// PermanentError is a delivery that will not succeed however often it is tried (the server refused the
// recipient or the message with a 5xx reply). Anything else (no connection, 4xx, authentication, TLS) is
// retried: an outage delays an email, never loses it.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

func permanent(err error) error { return &PermanentError{Err: err} }
