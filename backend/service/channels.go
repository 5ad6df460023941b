package service

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/notify"
	"github.com/avault/avault/backend/store"
)

// channelSecrets are a channel's secrets, sealed together with the
// channel's id as additional data.
type channelSecrets struct {
	URL      string `json:"url,omitempty"`
	Password string `json:"password,omitempty"`
	Token    string `json:"token,omitempty"`
}

func channelSealID(id string) string { return "channel:" + id }

// ChannelOptions tune how channels deliver (tests make the waits short).
type ChannelOptions struct {
	// Retries, MinBackoff: as notify.WebhookOptions (defaults there).
	Retries    int
	MinBackoff time.Duration
	// HTTPClient sends webhook requests (default: a plain client).
	HTTPClient *http.Client
	// EmailTLS, when set, replaces the TLS settings of email channels
	// (tests trust their own mail server with it).
	EmailTLS *tls.Config
}

// publicChannel is c as the window, the web mode and the command line see
// it: without secrets.
func publicChannel(c job.Channel) job.Channel {
	c.URL, c.Password, c.Token = "", "", ""
	if c.Sealed == "" {
		c.PasswordSet, c.TokenSet = false, false
	}
	c.Sealed = ""
	c.When = slices.Clone(c.When)
	if len(c.When) == 0 {
		c.When = slices.Clone(job.DefaultChannelEvents)
	}
	return c
}

// ListChannels returns the notification channels, by name, without their
// secrets, each with the outcome of its last delivery.
func (s *Service) ListChannels() ([]job.Channel, error) {
	st, err := s.store.GetSettings()
	if err != nil {
		return nil, err
	}
	out := make([]job.Channel, 0, len(st.Channels))
	for _, c := range st.Channels {
		out = append(out, publicChannel(c))
	}
	slices.SortStableFunc(out, func(a, b job.Channel) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	return out, nil
}

// SaveChannel adds a channel (empty ID) or changes one. Secrets left empty
// keep the stored ones; given ones are sealed with the data key. The
// delivery outcome is kept, not taken from c.
func (s *Service) SaveChannel(c job.Channel) (job.Channel, error) {
	c.Name = strings.TrimSpace(c.Name)
	c.URL, c.SMTPHost, c.From = strings.TrimSpace(c.URL), strings.TrimSpace(c.SMTPHost), strings.TrimSpace(c.From)
	var to []string
	for _, a := range c.To {
		for _, part := range strings.Split(a, ",") {
			if part = strings.TrimSpace(part); part != "" {
				to = append(to, part)
			}
		}
	}
	c.To = to
	cur, err := s.store.GetSettings()
	if err != nil {
		return job.Channel{}, err
	}
	var old *job.Channel
	if c.ID != "" {
		i := slices.IndexFunc(cur.Channels, func(o job.Channel) bool { return o.ID == c.ID })
		if i < 0 {
			return job.Channel{}, &store.NotFoundError{Entity: "notification channel", ID: c.ID}
		}
		old = &cur.Channels[i]
	} else {
		c.ID = store.NewID()
	}
	var sec channelSecrets
	if old != nil && old.Sealed != "" && (c.URL != "" || c.Password != "" || c.Token != "") {
		if sec, err = s.openChannel(*old); err != nil {
			return job.Channel{}, err
		}
	}
	haveURL := old != nil && old.Kind == c.Kind && old.URLHost != ""
	if err := c.Validate(haveURL); err != nil {
		return job.Channel{}, err
	}
	sealed := ""
	if old != nil {
		sealed = old.Sealed
		c.URLHost, c.PasswordSet, c.TokenSet = old.URLHost, old.PasswordSet, old.TokenSet
		c.LastSentAt, c.LastError, c.LastErrorAt = old.LastSentAt, old.LastError, old.LastErrorAt
		if old.Kind != c.Kind && c.URL == "" {
			c.URLHost = ""
		}
	} else {
		c.PasswordSet, c.TokenSet, c.URLHost = false, false, ""
		c.LastSentAt, c.LastError, c.LastErrorAt = nil, "", nil
	}
	if c.URL != "" || c.Password != "" || c.Token != "" {
		if c.URL != "" {
			sec.URL, c.URLHost = c.URL, job.URLHost(c.URL)
		}
		if c.Password != "" {
			sec.Password, c.PasswordSet = c.Password, true
		}
		if c.Token != "" {
			sec.Token, c.TokenSet = c.Token, true
		}
		plain, err := json.Marshal(sec)
		if err != nil {
			return job.Channel{}, err
		}
		blob, err := s.sealBytes(channelSealID(c.ID), plain)
		if err != nil {
			return job.Channel{}, fmt.Errorf("the channel's secrets cannot be stored: %w", err)
		}
		sealed = base64.StdEncoding.EncodeToString(blob)
	}
	c.Sealed = sealed
	c.URL, c.Password, c.Token = "", "", ""
	_, err = s.store.ModifySettings(func(st *job.Settings) error {
		i := slices.IndexFunc(st.Channels, func(o job.Channel) bool { return o.ID == c.ID })
		switch {
		case i >= 0:
			// keep an outcome recorded since it was read
			c.LastSentAt, c.LastError, c.LastErrorAt = st.Channels[i].LastSentAt, st.Channels[i].LastError, st.Channels[i].LastErrorAt
			st.Channels[i] = c
		case old != nil:
			return &store.NotFoundError{Entity: "notification channel", ID: c.ID}
		default:
			st.Channels = append(st.Channels, c)
		}
		return nil
	})
	if err != nil {
		return job.Channel{}, err
	}
	s.changed("settings")
	return publicChannel(c), nil
}

// DeleteChannel removes a channel and its sealed secrets.
func (s *Service) DeleteChannel(id string) error {
	_, err := s.store.ModifySettings(func(st *job.Settings) error {
		i := slices.IndexFunc(st.Channels, func(o job.Channel) bool { return o.ID == id })
		if i < 0 {
			return &store.NotFoundError{Entity: "notification channel", ID: id}
		}
		st.Channels = slices.Delete(st.Channels, i, i+1)
		return nil
	})
	if err == nil {
		s.changed("settings")
	}
	return err
}

// FindChannel returns the channel whose id or name (ignoring case) is
// idOrName, without its secrets.
func (s *Service) FindChannel(idOrName string) (job.Channel, error) {
	all, err := s.ListChannels()
	if err != nil {
		return job.Channel{}, err
	}
	for _, c := range all {
		if c.ID == idOrName {
			return c, nil
		}
	}
	for _, c := range all {
		if strings.EqualFold(c.Name, idOrName) {
			return c, nil
		}
	}
	return job.Channel{}, &store.NotFoundError{Entity: "notification channel", ID: idOrName}
}

// TestChannel sends a test message to a channel now, whatever occasions it
// is set for (even when disabled), and returns the failure, if any, after
// one retry. The outcome is recorded as any delivery's is.
func (s *Service) TestChannel(ctx context.Context, id string) error {
	c, err := s.storedChannel(id)
	if err != nil {
		return err
	}
	n, err := s.channelNotifier(c, 1)
	if err == nil {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		err = n.Notify(ctx, notify.ForTest(c.Name, s.now()))
	}
	s.recordDelivery(c.ID, err)
	if err != nil {
		return fmt.Errorf("%s: %s", c.Name, notify.Redact(err.Error()))
	}
	return nil
}

func (s *Service) storedChannel(id string) (job.Channel, error) {
	st, err := s.store.GetSettings()
	if err != nil {
		return job.Channel{}, err
	}
	for _, c := range st.Channels {
		if c.ID == id {
			return c, nil
		}
	}
	return job.Channel{}, &store.NotFoundError{Entity: "notification channel", ID: id}
}

func (s *Service) openChannel(c job.Channel) (channelSecrets, error) {
	var sec channelSecrets
	if c.Sealed == "" {
		return sec, nil
	}
	blob, err := base64.StdEncoding.DecodeString(c.Sealed)
	if err != nil {
		return sec, fmt.Errorf("channel %s: the stored secrets are damaged", c.Name)
	}
	plain, err := s.openBytes(channelSealID(c.ID), blob)
	if err != nil {
		return sec, fmt.Errorf("channel %s: the stored secrets cannot be opened: %w", c.Name, err)
	}
	if err := json.Unmarshal(plain, &sec); err != nil {
		return sec, fmt.Errorf("channel %s: the stored secrets are not readable", c.Name)
	}
	return sec, nil
}

// channelNotifier builds the sender for a stored channel. retries < 0
// means the defaults.
func (s *Service) channelNotifier(c job.Channel, retries int) (notify.Notifier, error) {
	sec, err := s.openChannel(c)
	if err != nil {
		return nil, err
	}
	co := s.opts.Channels
	if retries < 0 {
		retries = co.Retries
	}
	wo := notify.WebhookOptions{URL: sec.URL, Client: co.HTTPClient, Retries: retries, MinBackoff: co.MinBackoff}
	if c.Kind != job.ChannelEmail && sec.URL == "" {
		return nil, fmt.Errorf("channel %s has no URL stored", c.Name)
	}
	switch c.Kind {
	case job.ChannelEmail:
		eo := notify.EmailOptions{
			Host: c.SMTPHost, Port: c.SMTPPort, ImplicitTLS: c.SMTPSecurity == job.SMTPTLS,
			Username: c.Username, Password: sec.Password, From: c.From, To: c.To,
			Retries: retries, MinBackoff: co.MinBackoff,
		}
		if co.EmailTLS != nil {
			eo.TLSConfig = co.EmailTLS.Clone()
		}
		return notify.NewEmail(eo)
	case job.ChannelSlack:
		return notify.NewSlack(wo)
	case job.ChannelDiscord:
		return notify.NewDiscord(wo)
	case job.ChannelNtfy:
		return notify.NewNtfy(notify.NtfyOptions{WebhookOptions: wo, Token: sec.Token})
	case job.ChannelWebhook:
		return notify.NewWebhook(wo)
	}
	return nil, fmt.Errorf("channel %s: unknown kind %q", c.Name, c.Kind)
}

// recordDelivery keeps the outcome of a delivery to channel id: the time
// of a success, or the failure (redacted) and its time.
func (s *Service) recordDelivery(id string, sendErr error) {
	now := s.now()
	_, err := s.store.ModifySettings(func(st *job.Settings) error {
		i := slices.IndexFunc(st.Channels, func(o job.Channel) bool { return o.ID == id })
		if i < 0 {
			return errGone
		}
		c := &st.Channels[i]
		if sendErr == nil {
			c.LastSentAt, c.LastError, c.LastErrorAt = &now, "", nil
		} else {
			c.LastError, c.LastErrorAt = truncate(notify.Redact(sendErr.Error()), 500), &now
		}
		return nil
	})
	if err == nil {
		s.changed("settings")
	} else if !errors.Is(err, errGone) {
		s.log.Warn("recording a notification's outcome", "err", err)
	}
}

var errGone = errors.New("the channel was deleted")

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// channelEvent maps a message's event to the occasion channels choose.
func channelEvent(e notify.Event) job.ChannelEvent {
	switch e {
	case notify.EventFailed:
		return job.ChannelOnFailed
	case notify.EventPartial:
		return job.ChannelOnPartial
	case notify.EventSucceeded:
		return job.ChannelOnSucceeded
	case notify.EventStale:
		return job.ChannelOnStale
	}
	return ""
}

// sendToChannels hands m to every channel that wants it, each in the
// background on its own: a slow or broken channel holds up neither the
// run nor the others.
func (s *Service) sendToChannels(m notify.Message, st job.Settings) {
	ev := channelEvent(m.Event)
	for _, c := range st.Channels {
		if !c.Wants(ev) {
			continue
		}
		s.notes.goSend(5*time.Minute, func(ctx context.Context) {
			n, err := s.channelNotifier(c, -1)
			if err == nil {
				err = n.Notify(ctx, m)
			}
			if err != nil {
				s.log.Warn("notify", "channel", c.Name, "err", notify.Redact(err.Error()))
			}
			s.recordDelivery(c.ID, err)
		})
	}
}

// migrateWebhook turns the single webhook URL of older versions into a
// webhook channel, sealed; it stays as it was while the data key cannot be
// had.
func (s *Service) migrateWebhook(url string, on job.NotifyOn) error {
	c := job.Channel{Name: "Webhook", Kind: job.ChannelWebhook, URL: url, When: slices.Clone(job.DefaultChannelEvents)}
	switch on { // what the single webhook was told
	case job.NotifyAll:
		c.When = slices.Clone(job.ChannelEvents)
	case job.NotifyNever:
		c.Disabled = true
	}
	c, err := s.SaveChannel(c)
	if err != nil {
		return err
	}
	_, err = s.store.ModifySettings(func(st *job.Settings) error {
		if st.WebhookURL == url {
			st.WebhookURL = ""
		}
		return nil
	})
	if err != nil {
		_ = s.DeleteChannel(c.ID)
	}
	return err
}
