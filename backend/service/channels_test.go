package service

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/avault/avault/backend/job"
)

// hook is a loopback stand-in for Slack, Discord or ntfy that answers
// code and keeps the bodies it was sent.
type hook struct {
	mu     sync.Mutex
	code   int
	bodies []string
	paths  []string
}

func (h *hook) start(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.bodies, h.paths = append(h.bodies, string(b)), append(h.paths, r.URL.Path)
		code := h.code
		h.mu.Unlock()
		if code == 0 {
			code = http.StatusOK
		}
		w.WriteHeader(code)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func (h *hook) got() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.bodies...)
}

// channelService opens a service whose channels retry once, quickly, and
// returns it with a channel that is closed each time a run has finished
// and its notifications were handed out.
func channelService(t *testing.T, emailTLS *tls.Config) (*Service, string, chan job.Run) {
	t.Helper()
	finished := make(chan job.Run, 10)
	s, nas := openTestService(t, Options{Version: "1.0.0",
		Channels:      ChannelOptions{Retries: 1, MinBackoff: 10 * time.Millisecond, EmailTLS: emailTLS},
		OnRunFinished: func(r job.Run) { finished <- r }})
	return s, nas, finished
}

// settle waits until every notification handed out has been delivered or
// has failed.
func settle(s *Service) { s.notes.wg.Wait() }

func channelByName(t *testing.T, s *Service, name string) job.Channel {
	t.Helper()
	c, err := s.FindChannel(name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestChannelSecretsAreSealedAndNeverReturned(t *testing.T) {
	s, _, _ := channelService(t, nil)
	h := &hook{}
	url := h.start(t) + "/services/T1/B2/slack-token-SECRET"
	c, err := s.SaveChannel(job.Channel{Name: "Family chat", Kind: job.ChannelSlack, URL: url})
	if err != nil {
		t.Fatal(err)
	}
	if c.URL != "" || c.URLHost != job.URLHost(url) || c.ID == "" {
		t.Fatalf("saved channel %+v", c)
	}
	n, err := s.SaveChannel(job.Channel{Name: "Phone", Kind: job.ChannelNtfy, URL: url + "/ntfy", Token: "tk_TOKEN_SECRET"})
	if err != nil || !n.TokenSet {
		t.Fatalf("ntfy channel %+v, %v", n, err)
	}
	list, _ := s.ListChannels()
	st, _ := s.Settings()
	out, _ := json.Marshal([]any{list, st})
	raw, _ := s.store.GetSettings()
	stored, _ := json.Marshal(raw)
	for _, secret := range []string{"slack-token-SECRET", "tk_TOKEN_SECRET"} {
		if strings.Contains(string(out), secret) {
			t.Errorf("%q is returned: %s", secret, out)
		}
		if strings.Contains(string(stored), secret) {
			t.Errorf("%q is stored in the clear: %s", secret, stored)
		}
	}
	if strings.Contains(string(out), `"sealed"`) {
		t.Errorf("the sealed secrets are returned: %s", out)
	}
	// Renamed without its URL: the stored one stays, and is used.
	c.Name = "Family"
	c.When = []job.ChannelEvent{job.ChannelOnFailed}
	if _, err := s.SaveChannel(c); err != nil {
		t.Fatal(err)
	}
	if err := s.TestChannel(context.Background(), c.ID); err != nil {
		t.Fatal(err)
	}
	if got := h.got(); len(got) != 1 || !strings.Contains(got[0], "Avault test message") || h.paths[0] != "/services/T1/B2/slack-token-SECRET" {
		t.Fatalf("test message %v to %v", got, h.paths)
	}
	if got := channelByName(t, s, "Family"); got.LastSentAt == nil || got.LastError != "" || got.URLHost == "" {
		t.Errorf("after a test: %+v", got)
	}
	// Bad input is refused, naming the field.
	if _, err := s.SaveChannel(job.Channel{Name: "x", Kind: job.ChannelDiscord, URL: "javascript:alert(1)"}); err == nil || !strings.Contains(err.Error(), "url:") {
		t.Errorf("a javascript: URL: %v", err)
	}
	if _, err := s.SaveChannel(job.Channel{Name: "x", Kind: job.ChannelEmail, SMTPHost: "mail.example.com", From: "me", To: []string{"you@example.com"}}); err == nil || !strings.Contains(err.Error(), "from:") {
		t.Errorf("a bad sender: %v", err)
	}
	if err := s.DeleteChannel(n.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.ListChannels(); len(list) != 1 {
		t.Errorf("after delete: %+v", list)
	}
}

func TestChannelsAreToldByOccasionAndADownOneChangesNoRun(t *testing.T) {
	s, nas, finished := channelService(t, nil)
	slack, discord, down := &hook{}, &hook{}, &hook{code: http.StatusServiceUnavailable}
	for _, c := range []job.Channel{
		{Name: "Slack failures", Kind: job.ChannelSlack, URL: slack.start(t) + "/s", When: []job.ChannelEvent{job.ChannelOnFailed}},
		{Name: "Discord all", Kind: job.ChannelDiscord, URL: discord.start(t) + "/d", When: job.ChannelEvents},
		{Name: "Down ntfy", Kind: job.ChannelNtfy, URL: down.start(t) + "/topic", When: job.ChannelEvents},
		{Name: "Nowhere", Kind: job.ChannelWebhook, URL: "http://127.0.0.1:1/hook", When: job.ChannelEvents},
		{Name: "Off", Kind: job.ChannelWebhook, URL: slack.start(t) + "/off", Disabled: true, When: job.ChannelEvents},
	} {
		if _, err := s.SaveChannel(c); err != nil {
			t.Fatal(err)
		}
	}
	j, _ := localJob(t, s, nas, 3)
	run, err := s.RunJob(j.ID, job.TriggerManual)
	if err != nil {
		t.Fatal(err)
	}
	if r := <-finished; r.Status != job.StatusSuccess {
		t.Fatalf("with two channels down the run ended %s (%s)", r.Status, r.ErrorMessage)
	}
	settle(s)
	if got := waitFinal(t, s, run.ID); got.Status != job.StatusSuccess {
		t.Fatalf("recorded %s", got.Status)
	}
	if len(slack.got()) != 0 || len(discord.got()) != 1 || !strings.Contains(discord.got()[0], "Backup done") {
		t.Fatalf("after a success: slack %v, discord %v", slack.got(), discord.got())
	}
	if err := removeAll(nas + "/photos"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RunJob(j.ID, job.TriggerManual); err != nil {
		t.Fatal(err)
	}
	if r := <-finished; r.Status != job.StatusFailed {
		t.Fatalf("a run of a missing folder ended %s", r.Status)
	}
	settle(s)
	if got := slack.got(); len(got) != 1 || !strings.Contains(got[0], "Backup failed") {
		t.Fatalf("slack after a failure: %v", got)
	}
	if len(discord.got()) != 2 {
		t.Fatalf("discord after a failure: %v", discord.got())
	}
	if n := len(down.got()); n != 4 {
		t.Errorf("the down channel was tried %d times, want 2 runs × 2 attempts", n)
	}
	for _, name := range []string{"Down ntfy", "Nowhere"} {
		c := channelByName(t, s, name)
		if c.LastError == "" || c.LastErrorAt == nil || c.LastSentAt != nil {
			t.Errorf("%s: %+v; want its last error shown", name, c)
		}
	}
	if c := channelByName(t, s, "Down ntfy"); !strings.Contains(c.LastError, "503") || strings.Contains(c.LastError, "/topic") {
		t.Errorf("last error %q: want the 503, without the topic", c.LastError)
	}
	if c := channelByName(t, s, "Off"); c.LastSentAt != nil || c.LastError != "" {
		t.Errorf("a disabled channel was told: %+v", c)
	}
	if err := s.TestChannel(context.Background(), channelByName(t, s, "Nowhere").ID); err == nil {
		t.Error("a test of a channel nobody answers succeeded")
	}
}

func TestOlderWebhookBecomesASealedChannel(t *testing.T) {
	s, _, _ := channelService(t, nil)
	st, _ := s.Settings()
	st.WebhookURL = "https://hooks.example.com/check/uuid-SECRET"
	if _, err := s.UpdateSettings(st); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Settings()
	list, _ := s.ListChannels()
	raw, _ := s.store.GetSettings()
	if got.WebhookURL != "" || raw.WebhookURL != "" || len(list) != 1 || list[0].Kind != job.ChannelWebhook || list[0].URLHost != "https://hooks.example.com" {
		t.Fatalf("settings %q, stored %q, channels %+v", got.WebhookURL, raw.WebhookURL, list)
	}
	// Settings saved by the window again do not drop the channels.
	if _, err := s.UpdateSettings(got); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.ListChannels(); len(list) != 1 {
		t.Fatalf("channels after saving settings: %+v", list)
	}
}

// A loopback mail server with STARTTLS, standing in for a provider's.
type mailBox struct {
	mu    sync.Mutex
	mails []string
	tls   []bool
}

type mailConn struct {
	box  *mailBox
	conn *smtp.Conn
}

func (b *mailBox) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &mailConn{box: b, conn: c}, nil
}
func (m *mailConn) AuthMechanisms() []string { return []string{sasl.Plain} }
func (m *mailConn) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "me" || pass != "mail-PASSWORD" {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "authentication failed"}
		}
		return nil
	}), nil
}
func (m *mailConn) Mail(string, *smtp.MailOptions) error { return nil }
func (m *mailConn) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (m *mailConn) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	_, enc := m.conn.TLSConnectionState()
	m.box.mu.Lock()
	m.box.mails, m.box.tls = append(m.box.mails, string(b)), append(m.box.tls, enc)
	m.box.mu.Unlock()
	return err
}
func (m *mailConn) Reset()        {}
func (m *mailConn) Logout() error { return nil }

func startMailBox(t *testing.T) (*mailBox, int, *tls.Config) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mail"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	box := &mailBox{}
	srv := smtp.NewServer(box)
	srv.Domain = "localhost"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { srv.Close() })
	return box, l.Addr().(*net.TCPAddr).Port, &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
}

func TestEmailChannelTestAndAWrongPassword(t *testing.T) {
	box, port, trust := startMailBox(t)
	s, _, _ := channelService(t, trust)
	c, err := s.SaveChannel(job.Channel{Name: "Mail", Kind: job.ChannelEmail, SMTPHost: "127.0.0.1", SMTPPort: port,
		Username: "me", Password: "mail-PASSWORD", From: "avault@example.com", To: []string{"me@example.com, you@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if !c.PasswordSet || c.Password != "" || len(c.To) != 2 {
		t.Fatalf("saved %+v", c)
	}
	if err := s.TestChannel(context.Background(), c.ID); err != nil {
		t.Fatal(err)
	}
	box.mu.Lock()
	if len(box.mails) != 1 || !box.tls[0] || !strings.Contains(box.mails[0], "Subject: Avault test message") ||
		!strings.Contains(box.mails[0], "text/html") || !strings.Contains(box.mails[0], "text/plain") {
		t.Fatalf("mails %q, encrypted %v", box.mails, box.tls)
	}
	box.mu.Unlock()
	c.Password = "not-the-PASSWORD"
	if _, err := s.SaveChannel(c); err != nil {
		t.Fatal(err)
	}
	err = s.TestChannel(context.Background(), c.ID)
	if err == nil || strings.Contains(err.Error(), "not-the-PASSWORD") || !strings.Contains(err.Error(), "Mail") {
		t.Fatalf("test with a wrong password: %v", err)
	}
	if got := channelByName(t, s, "Mail"); got.LastError == "" || strings.Contains(got.LastError, "PASSWORD") {
		t.Errorf("last error %q", got.LastError)
	}
}
