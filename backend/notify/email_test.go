package notify

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/avault/avault/backend/job"
)

// testCert makes a certificate for 127.0.0.1 and a pool that trusts it.
func testCert(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "avault test mail"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// mailServer is a loopback SMTP server that keeps what it is sent.
type mailServer struct {
	mu       sync.Mutex
	mails    []receivedMail
	logins   []string
	tls      []bool // per MAIL FROM: whether the connection was encrypted
	failures int    // answer this many DATA commands with failCode first
	failCode int
	attempts int
}

type receivedMail struct {
	from string
	to   []string
	data []byte
}

type mailSession struct {
	srv  *mailServer
	conn *smtp.Conn
	cur  receivedMail
}

func (s *mailServer) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &mailSession{srv: s, conn: c}, nil
}

func (m *mailSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (m *mailSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "backup@example.com" || pass != "smtp-pass-S3cret" {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "authentication failed"}
		}
		m.srv.mu.Lock()
		m.srv.logins = append(m.srv.logins, user)
		m.srv.mu.Unlock()
		return nil
	}), nil
}

func (m *mailSession) Mail(from string, _ *smtp.MailOptions) error {
	m.cur = receivedMail{from: from}
	_, enc := m.conn.TLSConnectionState()
	m.srv.mu.Lock()
	m.srv.tls = append(m.srv.tls, enc)
	m.srv.mu.Unlock()
	return nil
}

func (m *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	m.cur.to = append(m.cur.to, to)
	return nil
}

func (m *mailSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m.srv.mu.Lock()
	defer m.srv.mu.Unlock()
	m.srv.attempts++
	if m.srv.failures > 0 {
		m.srv.failures--
		return &smtp.SMTPError{Code: m.srv.failCode, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	m.cur.data = data
	m.srv.mails = append(m.srv.mails, m.cur)
	return nil
}

func (m *mailSession) Reset()        { m.cur = receivedMail{} }
func (m *mailSession) Logout() error { return nil }

// startMail starts a server on loopback: with STARTTLS offered when
// starttls, with TLS from the first byte when implicit, or plain.
func startMail(t *testing.T, ms *mailServer, cert tls.Certificate, starttls, implicit bool) int {
	t.Helper()
	srv := smtp.NewServer(ms)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	var l net.Listener
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tc := &tls.Config{Certificates: []tls.Certificate{cert}}
	if starttls {
		srv.TLSConfig = tc
	}
	if implicit {
		l = tls.NewListener(l, tc)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { srv.Close() })
	return l.Addr().(*net.TCPAddr).Port
}

func testEmail(t *testing.T, o EmailOptions, pool *x509.CertPool) (*Email, *[]time.Duration) {
	t.Helper()
	o.Host = "127.0.0.1"
	o.From = "Avault <backup@example.com>"
	o.To = []string{"me@example.com", "partner@example.com"}
	o.TLSConfig = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	o.Timeout = 10 * time.Second
	e, err := NewEmail(o)
	if err != nil {
		t.Fatal(err)
	}
	var waits []time.Duration
	e.sleep = func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return ctx.Err() }
	return e, &waits
}

func mailRun() job.Run {
	done := time.Date(2026, 3, 10, 2, 5, 0, 0, time.UTC)
	return job.Run{ID: "run-1", JobID: "job-1", JobName: "Photos <family>", Status: job.StatusFailed,
		StartedAt: done.Add(-time.Minute), CompletedAt: &done, FilesUploaded: 3,
		ErrorMessage: "upload to https://bucket.example.com/x?X-Amz-Signature=abcdef0123456789 failed"}
}

// parts returns a mail's parts by content type, and its header.
func parts(t *testing.T, data []byte) (mail.Header, map[string]string) {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q (%v), want multipart/alternative", msg.Header.Get("Content-Type"), err)
	}
	out := map[string]string{}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(decodePart(p))
		if err != nil {
			t.Fatal(err)
		}
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		out[ct] = string(body)
	}
	return msg.Header, out
}

func TestEmailOverSTARTTLSWithLogin(t *testing.T) {
	cert, pool := testCert(t)
	ms := &mailServer{}
	port := startMail(t, ms, cert, true, false)
	e, _ := testEmail(t, EmailOptions{Port: port, Username: "backup@example.com", Password: "smtp-pass-S3cret"}, pool)
	m, _ := ForRun(mailRun(), job.NotifyFailures)
	if err := e.Notify(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if len(ms.mails) != 1 || len(ms.logins) != 1 || !ms.tls[0] {
		t.Fatalf("mails %d, logins %v, encrypted %v; want one mail after a login over TLS", len(ms.mails), ms.logins, ms.tls)
	}
	got := ms.mails[0]
	if got.from != "backup@example.com" || strings.Join(got.to, ",") != "me@example.com,partner@example.com" {
		t.Errorf("envelope from %q to %v", got.from, got.to)
	}
	h, ps := parts(t, got.data)
	subj, _ := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if subj != "Backup failed: Photos <family>" {
		t.Errorf("subject %q", subj)
	}
	plain, html := ps["text/plain"], ps["text/html"]
	if !strings.Contains(plain, "X-Amz-Signature=REDACTED") || strings.Contains(plain, "abcdef0123456789") {
		t.Errorf("plain body does not carry the redacted error:\n%s", plain)
	}
	if !strings.Contains(plain, "Files sent: 3") || !strings.Contains(plain, "Status: FAILED") {
		t.Errorf("plain body lacks the run's figures:\n%s", plain)
	}
	if !strings.Contains(html, "<h2") || !strings.Contains(html, "Photos &lt;family&gt;") || strings.Contains(html, "<family>") {
		t.Errorf("HTML body is not escaped HTML:\n%s", html)
	}
}

func TestEmailOverImplicitTLS(t *testing.T) {
	cert, pool := testCert(t)
	ms := &mailServer{}
	port := startMail(t, ms, cert, false, true)
	e, _ := testEmail(t, EmailOptions{Port: port, ImplicitTLS: true, Username: "backup@example.com", Password: "smtp-pass-S3cret"}, pool)
	if err := e.Notify(context.Background(), ForTest("Mail", time.Now())); err != nil {
		t.Fatal(err)
	}
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if len(ms.mails) != 1 || !ms.tls[0] {
		t.Fatalf("mails %d, encrypted %v", len(ms.mails), ms.tls)
	}
}

func TestEmailRetriesATemporaryRefusal(t *testing.T) {
	cert, pool := testCert(t)
	ms := &mailServer{failures: 2, failCode: 451}
	port := startMail(t, ms, cert, true, false)
	e, waits := testEmail(t, EmailOptions{Port: port, MinBackoff: time.Second}, pool)
	if err := e.Notify(context.Background(), ForTest("Mail", time.Now())); err != nil {
		t.Fatal(err)
	}
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if ms.attempts != 3 || len(ms.mails) != 1 || len(*waits) != 2 {
		t.Fatalf("attempts %d, mails %d, waits %v; want 3 attempts, 1 mail after 2 waits", ms.attempts, len(ms.mails), *waits)
	}
	if (*waits)[1] <= time.Second/2 || (*waits)[1] > 2*time.Second {
		t.Errorf("second wait %s, want a doubled backoff", (*waits)[1])
	}
}

func TestEmailDoesNotRetryARefusal(t *testing.T) {
	cert, pool := testCert(t)
	ms := &mailServer{failures: 5, failCode: 554}
	port := startMail(t, ms, cert, true, false)
	e, waits := testEmail(t, EmailOptions{Port: port}, pool)
	err := e.Notify(context.Background(), ForTest("Mail", time.Now()))
	if err == nil || !strings.Contains(err.Error(), "554") {
		t.Fatalf("err %v, want the 554 refusal", err)
	}
	if ms.attempts != 1 || len(*waits) != 0 {
		t.Errorf("attempts %d, waits %v; a permanent refusal is not retried", ms.attempts, *waits)
	}
}

func TestEmailWrongPasswordNamesNoSecret(t *testing.T) {
	cert, pool := testCert(t)
	ms := &mailServer{}
	port := startMail(t, ms, cert, true, false)
	e, waits := testEmail(t, EmailOptions{Port: port, Username: "backup@example.com", Password: "wrong-Pa55word"}, pool)
	err := e.Notify(context.Background(), ForTest("Mail", time.Now()))
	if err == nil || strings.Contains(err.Error(), "wrong-Pa55word") {
		t.Fatalf("err %v: want a failure that does not show the password", err)
	}
	if len(*waits) != 0 || len(ms.mails) != 0 {
		t.Errorf("waits %v, mails %d: a refused login is not retried", *waits, len(ms.mails))
	}
}

func TestEmailRefusesAServerWithoutSTARTTLS(t *testing.T) {
	cert, pool := testCert(t)
	ms := &mailServer{}
	port := startMail(t, ms, cert, false, false)
	e, _ := testEmail(t, EmailOptions{Port: port, Username: "backup@example.com", Password: "smtp-pass-S3cret"}, pool)
	err := e.Notify(context.Background(), ForTest("Mail", time.Now()))
	if err == nil {
		t.Fatal("a server without STARTTLS was sent the password in the clear")
	}
	if len(ms.logins) != 0 || len(ms.mails) != 0 {
		t.Errorf("logins %v, mails %d over a plain connection", ms.logins, len(ms.mails))
	}
}

func TestEmailRefusesAnUntrustedCertificate(t *testing.T) {
	cert, _ := testCert(t)
	_, otherPool := testCert(t)
	ms := &mailServer{}
	port := startMail(t, ms, cert, true, false)
	e, waits := testEmail(t, EmailOptions{Port: port}, otherPool)
	if err := e.Notify(context.Background(), ForTest("Mail", time.Now())); err == nil {
		t.Fatal("sent to a server whose certificate is not trusted")
	}
	if len(*waits) != 0 {
		t.Errorf("waits %v: a bad certificate is not retried", *waits)
	}
}

// decodePart undoes a part's base64 transfer encoding; multipart already
// undoes quoted-printable.
func decodePart(p *multipart.Part) io.Reader {
	if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "base64") {
		return base64.NewDecoder(base64.StdEncoding, p)
	}
	return p
}
