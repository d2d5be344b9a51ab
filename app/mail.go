package app

import (
	"context"

	"github.com/storefront/storefront/app/mail"
)

// setUpMail builds the email worker when SMTP_URL is set. Without it, emails stay in the outbox, where
// /admin/emails shows each one rendered.
func (a *App) setUpMail() error {
	a.mailCompose = mail.Composer{BaseURL: a.cfg.BaseURL, From: a.cfg.MailFrom}
	if a.cfg.SMTPURL == "" {
		a.log.Info("SMTP_URL is not set: emails stay in the outbox; read them at " + a.cfg.BaseURL + "/admin/emails")
		return nil
	}
	sender, err := mail.NewSMTP(a.cfg.SMTPURL, a.cfg.MailFrom, a.cfg.SMTPTLS)
	if err != nil {
		return err
	}
	a.mail = mail.NewWorker(a.db.DB, sender, a.mailCompose, a.log.With("component", "mail"), instanceID())
	if a.cfg.MailRetryBase > 0 {
		a.mail.RetryBase = a.cfg.MailRetryBase
	}
	return nil
}

// startMail runs the email worker in the background until Close (called by startJobs).
func (a *App) startMail(ctx context.Context) {
	if a.mail == nil {
		return
	}
	a.jobs.Add(1)
	go func() {
		defer a.jobs.Done()
		a.mail.Run(ctx)
	}()
}

// Mailer is the email worker, or nil without SMTP_URL (tests drain it).
func (a *App) Mailer() *mail.Worker { return a.mail }
