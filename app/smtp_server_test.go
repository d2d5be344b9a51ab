package app_test

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/http/httptest"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/storefront/storefront/app"
)

// smtpServer is a real SMTP server (emersion/go-smtp) in the test: STARTTLS or implicit TLS with a certificate
// the app is told to trust, AUTH PLAIN required, every message kept. It can be stopped and started again on the
// same address (an outage), and can refuse a recipient for good.
type smtpServer struct {
	t        *testing.T
	implicit bool
	addr     string
	tls      *tls.Config // the server's
	roots    *x509.CertPool
	mu       sync.Mutex
	srv      *smtp.Server
	received []receivedMail
	refuse   string // a recipient answered with 550
}

type receivedMail struct {
	From, To      string
	Subject       string
	Header        mail.Header
	Text, HTML    string
	Raw           string
	Authenticated bool
}

const smtpUser, smtpPass = "shop", "s3cret-pass"

func startSMTP(t *testing.T, implicit bool) *smtpServer {
	t.Helper()
	// httptest's certificate is valid for 127.0.0.1; its pool is what the app trusts.
	ts := httptest.NewUnstartedServer(nil)
	ts.StartTLS()
	serverTLS := ts.TLS.Clone()
	roots := x509.NewCertPool()
	roots.AddCert(ts.Certificate())
	ts.Close()
	s := &smtpServer{t: t, implicit: implicit, tls: serverTLS, roots: roots}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	s.serve(ln)
	t.Cleanup(s.Stop)
	return s
}

// URL is the SMTP_URL of this server, with credentials.
func (s *smtpServer) URL() string {
	scheme := "smtp"
	if s.implicit {
		scheme = "smtps"
	}
	return scheme + "://" + smtpUser + ":" + smtpPass + "@" + s.addr
}

// Env and Tune configure an app to send through this server.
func (s *smtpServer) Env() map[string]string { return map[string]string{"SMTP_URL": s.URL()} }

func (s *smtpServer) Tune(c *app.Config) {
	c.SMTPTLS = &tls.Config{RootCAs: s.roots, MinVersion: tls.VersionTLS12}
	c.MailRetryBase = 20 * time.Millisecond
}

func (s *smtpServer) serve(ln net.Listener) {
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &smtpSession{s: s}, nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.TLSConfig = s.tls
	if s.implicit {
		ln = tls.NewListener(ln, s.tls)
	}
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
	go srv.Serve(ln) //nolint:errcheck // returns when stopped
}

// Stop takes the server down: connections are refused until Start.
func (s *smtpServer) Stop() {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		srv.Close()
	}
}

// Start brings the server back on the same address.
func (s *smtpServer) Start() {
	s.t.Helper()
	var (
		ln  net.Listener
		err error
	)
	for range 50 {
		if ln, err = net.Listen("tcp", s.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		s.t.Fatalf("restart SMTP server: %v", err)
	}
	s.serve(ln)
}

// Refuse makes the server reject a recipient with a permanent 550.
func (s *smtpServer) Refuse(rcpt string) {
	s.mu.Lock()
	s.refuse = rcpt
	s.mu.Unlock()
}

// Received returns a copy of the messages so far.
func (s *smtpServer) Received() []receivedMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]receivedMail(nil), s.received...)
}

type smtpSession struct {
	s        *smtpServer
	authed   bool
	from, to string
}

func (ss *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != smtpUser || pass != smtpPass {
			return errors.New("invalid credentials")
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if !ss.authed {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.s.mu.Lock()
	refuse := ss.s.refuse
	ss.s.mu.Unlock()
	if refuse != "" && strings.EqualFold(to, refuse) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	}
	ss.to = to
	return nil
}

func (ss *smtpSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := parseMail(string(raw))
	if err != nil {
		ss.s.t.Errorf("unreadable message: %v\n%s", err, raw)
		return err
	}
	m.From, m.To, m.Authenticated = ss.from, ss.to, ss.authed
	ss.s.mu.Lock()
	ss.s.received = append(ss.s.received, m)
	ss.s.mu.Unlock()
	return nil
}

func (ss *smtpSession) Reset()        {}
func (ss *smtpSession) Logout() error { return nil }

// parseMail reads a message: its subject, and the text and HTML parts of a multipart/alternative body.
func parseMail(raw string) (receivedMail, error) {
	msg, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		return receivedMail{}, err
	}
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return receivedMail{}, err
	}
	out := receivedMail{Subject: subject, Header: msg.Header, Raw: raw}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return out, err
	}
	if !strings.HasPrefix(mt, "multipart/") {
		return out, errors.New("not multipart: " + mt)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		var body io.Reader = p
		if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(p) // multipart.Reader decodes it already when it sees the header
		}
		b, err := io.ReadAll(body)
		if err != nil {
			return out, err
		}
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		switch ct {
		case "text/plain":
			out.Text = string(b)
		case "text/html":
			out.HTML = string(b)
		}
	}
}
