package job

import (
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"time"
)

// ChannelKind is how a notification channel delivers its messages.
type ChannelKind string

// The channel kinds.
const (
	ChannelEmail   ChannelKind = "email"   // SMTP, with STARTTLS or implicit TLS
	ChannelSlack   ChannelKind = "slack"   // a Slack incoming webhook
	ChannelDiscord ChannelKind = "discord" // a Discord channel webhook
	ChannelNtfy    ChannelKind = "ntfy"    // an ntfy topic URL
	ChannelWebhook ChannelKind = "webhook" // Avault's own JSON POST
)

// ChannelKinds lists the kinds in the order a form offers them.
var ChannelKinds = []ChannelKind{ChannelEmail, ChannelSlack, ChannelDiscord, ChannelNtfy, ChannelWebhook}

// ChannelEvent is an occasion a channel can be told about.
type ChannelEvent string

// The occasions.
const (
	ChannelOnFailed    ChannelEvent = "failed"    // a run FAILED
	ChannelOnPartial   ChannelEvent = "partial"   // a run ended PARTIAL_SUCCESS
	ChannelOnSucceeded ChannelEvent = "succeeded" // a run succeeded
	ChannelOnStale     ChannelEvent = "stale"     // a job's backups are overdue
)

// ChannelEvents lists every occasion.
var ChannelEvents = []ChannelEvent{ChannelOnFailed, ChannelOnPartial, ChannelOnSucceeded, ChannelOnStale}

// DefaultChannelEvents are what a channel is told when it says nothing:
// everything but successes.
var DefaultChannelEvents = []ChannelEvent{ChannelOnFailed, ChannelOnPartial, ChannelOnStale}

// The ways an email channel secures its connection.
const (
	SMTPStartTLS = "starttls" // plain connection upgraded with STARTTLS, which must succeed (default; port 587)
	SMTPTLS      = "tls"      // TLS from the first byte (port 465)
)

// Channel is one place notifications go. Its secrets (the URL of a
// Slack, Discord, ntfy or webhook channel, which carries its token; an SMTP
// password; an ntfy access token) are write-only: they are stored sealed
// with the data key and never returned, and the *Set fields say whether
// one is stored. Saving a channel with a secret left empty keeps the
// stored one.
type Channel struct {
	ID   string      `json:"id"`
	Name string      `json:"name"`
	Kind ChannelKind `json:"kind"`
	// Disabled channels are kept but told nothing.
	Disabled bool `json:"disabled"`
	// When lists the occasions to send on; empty means DefaultChannelEvents.
	When []ChannelEvent `json:"when"`

	// URL is the webhook or ntfy topic URL (write-only). URLHost shows
	// where it points (scheme and host) without its secret parts.
	URL     string `json:"url,omitempty"`
	URLHost string `json:"urlHost,omitempty"`

	// Email: the server, how the connection is secured, the login, and
	// the addresses. Password is write-only.
	SMTPHost     string   `json:"smtpHost,omitempty"`
	SMTPPort     int      `json:"smtpPort,omitempty"`
	SMTPSecurity string   `json:"smtpSecurity,omitempty"`
	Username     string   `json:"username,omitempty"`
	Password     string   `json:"password,omitempty"`
	PasswordSet  bool     `json:"passwordSet"`
	From         string   `json:"from,omitempty"`
	To           []string `json:"to,omitempty"`

	// Token is an ntfy access token (write-only).
	Token    string `json:"token,omitempty"`
	TokenSet bool   `json:"tokenSet"`

	// Sealed holds the sealed secrets in the database; it is never
	// returned.
	Sealed string `json:"sealed,omitempty"`

	// The outcome of the last delivery: when one last went through, and
	// the last failure (cleared by a later success).
	LastSentAt  *time.Time `json:"lastSentAt,omitempty"`
	LastError   string     `json:"lastError,omitempty"`
	LastErrorAt *time.Time `json:"lastErrorAt,omitempty"`
}

// Wants reports whether c is told about ev.
func (c *Channel) Wants(ev ChannelEvent) bool {
	if c.Disabled {
		return false
	}
	if len(c.When) == 0 {
		return slices.Contains(DefaultChannelEvents, ev)
	}
	return slices.Contains(c.When, ev)
}

// MaxChannels bounds how many channels Settings keep.
const MaxChannels = 50

// Validate reports every problem with c's own fields. Secrets may be
// empty: a stored one is kept (haveURL says whether one is stored).
func (c *Channel) Validate(haveURL bool) error {
	var p problems
	if err := checkName(c.Name); err != nil {
		p.addErr("name", err)
	}
	if !slices.Contains(ChannelKinds, c.Kind) {
		p.add("kind", "must be one of email, slack, discord, ntfy or webhook, not %q", c.Kind)
	}
	for _, ev := range c.When {
		if !slices.Contains(ChannelEvents, ev) {
			p.add("when", "unknown occasion %q (failed, partial, succeeded or stale)", ev)
		}
	}
	switch c.Kind {
	case ChannelEmail:
		if c.SMTPHost == "" || strings.ContainsAny(c.SMTPHost, " /:\t\r\n") {
			p.add("smtpHost", "must be the mail server's host name, such as smtp.example.com")
		}
		if c.SMTPPort < 0 || c.SMTPPort > 65535 {
			p.add("smtpPort", "must be between 1 and 65535 (0 for the usual port)")
		}
		switch c.SMTPSecurity {
		case "", SMTPStartTLS, SMTPTLS:
		default:
			p.add("smtpSecurity", "must be %q or %q, not %q", SMTPStartTLS, SMTPTLS, c.SMTPSecurity)
		}
		if _, err := mail.ParseAddress(c.From); err != nil {
			p.add("from", "must be an email address")
		}
		if len(c.To) == 0 {
			p.add("to", "needs at least one address")
		}
		for _, to := range c.To {
			if _, err := mail.ParseAddress(to); err != nil {
				p.add("to", "%q is not an email address", to)
			}
		}
		if len(c.Username) > 256 || strings.ContainsAny(c.Username, "\r\n") {
			p.add("username", "must be one line of at most 256 characters")
		}
	case ChannelSlack, ChannelDiscord, ChannelNtfy, ChannelWebhook:
		if c.URL == "" && !haveURL {
			p.add("url", "is needed")
		} else if c.URL != "" {
			if u, err := url.Parse(c.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				p.add("url", "must be an http:// or https:// address")
			}
		}
	}
	if strings.ContainsAny(c.Token, " \t\r\n") {
		p.add("token", "must not contain spaces or line breaks")
	}
	return p.err()
}

// URLHost returns the scheme and host of raw, the part of a webhook URL
// that may be shown; "" when raw is not a URL.
func URLHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}
