package notify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"html/template"
	"net/textproto"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"

	"github.com/avault/avault/backend/retry"
)

// EmailOptions configure an Email. Zero values mean the defaults noted.
type EmailOptions struct {
	Host string
	// Port defaults to 587 with STARTTLS and 465 with implicit TLS.
	Port int
	// ImplicitTLS speaks TLS from the first byte (SMTPS); otherwise the
	// connection must be upgraded with STARTTLS, and a server that does not
	// offer it is refused: a password never crosses in the clear.
	ImplicitTLS bool
	// Username and Password log in when Username is set, with the best
	// mechanism the server offers. The password is a secret: never in
	// errors.
	Username, Password string
	From               string
	To                 []string
	// TLSConfig replaces the default TLS settings (the system's roots,
	// Host as the server name); tests use it to trust their own server.
	TLSConfig *tls.Config
	// Timeout bounds each attempt (default 30 s).
	Timeout time.Duration
	// Retries, MinBackoff and MaxWait are as in WebhookOptions (defaults
	// 3, 5 s and 1 minute).
	Retries    int
	MinBackoff time.Duration
	MaxWait    time.Duration
}

// Email sends messages over SMTP as a plain-text and an HTML body.
type Email struct {
	o     EmailOptions
	sleep func(ctx context.Context, d time.Duration) error
}

var _ Notifier = (*Email)(nil)

// NewEmail returns an Email, or an error naming what is missing.
func NewEmail(o EmailOptions) (*Email, error) {
	if o.Host == "" {
		return nil, errors.New("email: the mail server is not set")
	}
	if o.From == "" || len(o.To) == 0 {
		return nil, errors.New("email: a sender and at least one recipient are needed")
	}
	if o.Port == 0 {
		o.Port = 587
		if o.ImplicitTLS {
			o.Port = 465
		}
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.Retries == 0 {
		o.Retries = 3
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = 5 * time.Second
	}
	if o.MaxWait <= 0 {
		o.MaxWait = time.Minute
	}
	return &Email{o: o, sleep: retry.Sleep}, nil
}

func (e *Email) where() string { return fmt.Sprintf("email via %s:%d", e.o.Host, e.o.Port) }

// Notify sends m to every recipient in one message. Failures that may
// pass (no connection, a 4xx answer) are retried with backoff; a refusal
// (a 5xx answer, a bad certificate, a failed login) is not.
func (e *Email) Notify(ctx context.Context, m Message) error {
	msg, err := e.message(m)
	if err != nil {
		return fmt.Errorf("%s: %w", e.where(), err)
	}
	p := retryPolicy{Retries: e.o.Retries, MinBackoff: e.o.MinBackoff, MaxWait: e.o.MaxWait, sleep: e.sleep}
	return retrying(ctx, p, func() (bool, time.Duration, error) {
		err := e.send(ctx, msg)
		if err == nil {
			return false, 0, nil
		}
		if ctx.Err() != nil {
			return false, 0, fmt.Errorf("%s: %w", e.where(), ctx.Err())
		}
		return mayPass(err), 0, fmt.Errorf("%s: %s", e.where(), shorten(Redact(e.scrub(err.Error())), 300))
	})
}

// scrub removes the password from a text, should a server echo it.
func (e *Email) scrub(s string) string {
	if e.o.Password != "" {
		s = strings.ReplaceAll(s, e.o.Password, redacted)
	}
	return s
}

func (e *Email) send(ctx context.Context, msg *mail.Msg) error {
	tc := e.o.TLSConfig
	if tc == nil {
		tc = &tls.Config{ServerName: e.o.Host, MinVersion: tls.VersionTLS12}
	}
	opts := []mail.Option{
		mail.WithPort(e.o.Port), mail.WithTimeout(e.o.Timeout), mail.WithTLSConfig(tc),
		mail.WithTLSPolicy(mail.TLSMandatory),
	}
	if e.o.ImplicitTLS {
		opts = append(opts, mail.WithSSL())
	}
	if e.o.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover),
			mail.WithUsername(e.o.Username), mail.WithPassword(e.o.Password))
	}
	c, err := mail.NewClient(e.o.Host, opts...)
	if err != nil {
		return err
	}
	actx, cancel := context.WithTimeout(ctx, e.o.Timeout)
	defer cancel()
	return c.DialAndSendWithContext(actx, msg)
}

// mayPass says whether an SMTP failure may pass on retry.
func mayPass(err error) bool {
	var se *mail.SendError
	if errors.As(err, &se) {
		var tp *textproto.Error
		if errors.As(se, &tp) {
			return tp.Code < 500
		}
		return se.IsTemp()
	}
	var tp *textproto.Error
	if errors.As(err, &tp) {
		return tp.Code < 500
	}
	var (
		unknownCA   x509.UnknownAuthorityError
		hostname    x509.HostnameError
		invalid     x509.CertificateInvalidError
		certVerify  *tls.CertificateVerificationError
		recordError tls.RecordHeaderError
	)
	if errors.As(err, &unknownCA) || errors.As(err, &hostname) || errors.As(err, &invalid) ||
		errors.As(err, &certVerify) || errors.As(err, &recordError) {
		return false
	}
	// A server without STARTTLS, or one that refused the login, will not
	// change its mind in a minute.
	text := strings.ToLower(err.Error())
	if strings.Contains(text, "starttls") || strings.Contains(text, "auth") {
		return false
	}
	return true // no connection, a timeout, a dropped line
}

var emailHTML = template.Must(template.New("mail").Parse(`<!doctype html>
<html><body style="font-family: system-ui, sans-serif; color: #0f172a">
<h2 style="margin: 0 0 12px; color: {{.Colour}}">{{.Title}}</h2>
{{range .Lines}}<p style="margin: 0 0 8px">{{.}}</p>
{{end}}{{if .Facts}}<table style="border-collapse: collapse; margin-top: 12px">
{{range .Facts}}<tr><td style="padding: 2px 12px 2px 0; color: #475569">{{index . 0}}</td><td>{{index . 1}}</td></tr>
{{end}}</table>{{end}}
<p style="margin-top: 16px; color: #64748b; font-size: 12px">Sent by Avault.</p>
</body></html>
`))

var emailColour = map[Event]string{
	EventFailed: "#b91c1c", EventPartial: "#b45309", EventSucceeded: "#15803d", EventStale: "#c2410c",
}

// message builds the mail: subject from the title, a plain-text body and
// the same in HTML, with the run's figures below.
func (e *Email) message(m Message) (*mail.Msg, error) {
	p := (&Webhook{now: time.Now}).payload(m)
	var facts [][2]string
	if p.Job.Name != "" {
		facts = append(facts, [2]string{"Job", p.Job.Name})
	}
	if p.Status != "" {
		facts = append(facts, [2]string{"Status", string(p.Status)})
	}
	if c := p.Counts; c != nil {
		facts = append(facts,
			[2]string{"Files sent", thousands(c.FilesUploaded)}, [2]string{"Files copied", thousands(c.FilesCopied)},
			[2]string{"Files failed", thousands(c.FilesFailed)}, [2]string{"Bytes sent", size(c.BytesUploaded)})
	}
	facts = append(facts, [2]string{"Time", p.Timestamp.Local().Format("Mon 2 Jan 2006 15:04 MST")})

	var text strings.Builder
	text.WriteString(p.Message + "\n\n")
	for _, f := range facts {
		fmt.Fprintf(&text, "%s: %s\n", f[0], f[1])
	}
	text.WriteString("\n-- \nSent by Avault.\n")
	colour, ok := emailColour[p.Event]
	if !ok {
		colour = "#1d4ed8"
	}
	var html strings.Builder
	if err := emailHTML.Execute(&html, map[string]any{
		"Title": p.Title, "Lines": strings.Split(p.Message, "\n"), "Facts": facts, "Colour": colour,
	}); err != nil {
		return nil, err
	}

	msg := mail.NewMsg()
	if err := msg.From(e.o.From); err != nil {
		return nil, fmt.Errorf("the sender %q: %w", e.o.From, err)
	}
	if err := msg.To(e.o.To...); err != nil {
		return nil, fmt.Errorf("the recipients: %w", err)
	}
	msg.Subject(p.Title)
	msg.SetDateWithValue(p.Timestamp)
	msg.SetMessageID()
	msg.SetGenHeader(mail.HeaderXMailer, "Avault")
	msg.SetBodyString(mail.TypeTextPlain, text.String())
	msg.AddAlternativeString(mail.TypeTextHTML, html.String())
	return msg, nil
}
