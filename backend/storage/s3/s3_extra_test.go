package s3

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/s3/s3test"
	"github.com/avault/avault/backend/storage/storagetest"
)

var (
	bg    = context.Background()
	owner = storage.Owner{JobID: "job", RunID: "run"}
)

// TestConformanceChecksumWhenRequired runs the suite with the SDK's CRC
// checksums off, as for stores that reject them.
func TestConformanceChecksumWhenRequired(t *testing.T) {
	srv := s3test.Start(t, s3test.Options{TLS: true})
	lowerCopyLimits(t)
	storagetest.Run(t, func(t *testing.T) storage.Destination {
		o := testOptions(srv, srv.Endpoint, freshPrefix(srv))
		o.ChecksumWhenRequired = true
		return open(t, o)
	}, storagetest.Options{PartSize: testPartSize, PageSize: 7})
}

func TestCheckErrors(t *testing.T) {
	srv := s3test.Start(t, s3test.Options{TLS: true})
	tests := []struct {
		name  string
		edit  func(*Options)
		want  error
		words string
	}{
		{"wrong secret", func(o *Options) { o.SecretAccessKey = "wrong-secret-value" }, storage.ErrAuth, "SignatureDoesNotMatch"},
		{"unknown key", func(o *Options) { o.AccessKeyID = "nobody" }, storage.ErrAuth, ""},
		{"missing bucket", func(o *Options) { o.Bucket = "no-such-bucket" }, storage.ErrNotFound, "bucket no-such-bucket does not exist"},
		{"no bucket", func(o *Options) { o.Bucket = "" }, storage.ErrInvalid, "no bucket chosen"},
		{"untrusted certificate", func(o *Options) { o.CAPEM = nil }, nil, "certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := testOptions(srv, srv.Endpoint, "p")
			o.MaxAttempts = 1
			tt.edit(&o)
			d, err := New(bg, o)
			if err != nil {
				t.Fatal(err)
			}
			err = d.Check(bg)
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) || !strings.Contains(err.Error(), tt.words) {
				t.Fatalf("Check = %v, want %v mentioning %q", err, tt.want, tt.words)
			}
			if storage.IsRetryable(err) {
				t.Errorf("%v is retryable", err)
			}
			for _, secret := range []string{srv.SecretKey, "wrong-secret-value"} {
				if strings.Contains(err.Error(), secret) || strings.Contains(fmt.Sprint(o), secret) {
					t.Errorf("a secret leaked: %v / %v", err, o)
				}
			}
		})
	}
}

// seekless hides every method but Read.
type seekless struct{ io.Reader }

// seekOnly hides ReadAt.
type seekOnly struct{ io.ReadSeeker }

func TestMD5Metadata(t *testing.T) {
	for _, md5Pass := range []bool{false, true} {
		t.Run(fmt.Sprintf("md5Pass=%v", md5Pass), func(t *testing.T) {
			t.Run("HTTP", func(t *testing.T) { testMD5Metadata(t, s3test.Start(t, s3test.Options{}), md5Pass) })
			t.Run("HTTPS", func(t *testing.T) { testMD5Metadata(t, s3test.Start(t, s3test.Options{TLS: true}), md5Pass) })
		})
	}
}

// testMD5Metadata puts files through every path of Put (buffered, streamed,
// multipart from sections or buffers) and checks hash, metadata and the
// bytes the server stored. Without the MD5 pass a seekable multipart file
// is read once and gets no MD5: neither in its Hash nor in its metadata.
// A single-request object needs no md5chksum: its ETag is its MD5.
func testMD5Metadata(t *testing.T, srv *s3test.Server, md5Pass bool) {
	o := testOptions(srv, srv.Endpoint, freshPrefix(srv))
	o.MD5Pass = md5Pass
	d := open(t, o)
	p, err := d.Begin(bg, "v", owner)
	if err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte("0123456789abcdef"), (2*testPartSize+1000)/16)
	tests := []struct {
		name     string
		data     []byte
		r        io.Reader
		wantHash bool // the Hash is the MD5, else zero
		wantMeta bool // md5chksum is set, else absent
	}{
		{"single part", []byte("small"), seekless{strings.NewReader("small")}, true, false},
		{"multipart seekable", big, bytes.NewReader(big), md5Pass, md5Pass},
		{"multipart not seekable", big, seekless{bytes.NewReader(big)}, true, false},
		{"multipart seeker without ReadAt", big, seekOnly{bytes.NewReader(big)}, true, md5Pass},
		{"one part streamed", big[:2<<20], bytes.NewReader(big[:2<<20]), true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := p.Put(bg, tt.name, tt.r, int64(len(tt.data)), nil)
			if err != nil {
				t.Fatal(err)
			}
			sum := md5.Sum(tt.data)
			want := storage.Hash{}
			if tt.wantHash {
				want = storage.Hash{Algo: "md5", Value: hex.EncodeToString(sum[:])}
			}
			if res.Hash != want || res.Size != int64(len(tt.data)) {
				t.Errorf("Put = %+v, want hash %+v", res, want)
			}
			head, err := d.c.HeadObject(bg, &s3.HeadObjectInput{Bucket: &d.o.Bucket, Key: aws.String(d.dir("v") + tt.name)})
			if err != nil {
				t.Fatal(err)
			}
			got, wantMeta := head.Metadata[md5Meta], base64.StdEncoding.EncodeToString(sum[:])
			if tt.wantMeta && got != wantMeta || !tt.wantMeta && got != "" {
				t.Errorf("x-amz-meta-md5chksum = %q, want %q (wanted: %v)", got, wantMeta, tt.wantMeta)
			}
			onDisk, err := os.ReadFile(filepath.Join(srv.Dir, srv.Bucket, filepath.FromSlash(d.dir("v")+tt.name)))
			if err != nil || !bytes.Equal(onDisk, tt.data) {
				t.Errorf("the server stored %d bytes (%v), want exactly the %d sent", len(onDisk), err, len(tt.data))
			}
		})
	}
}

// changingFile gives different bytes on its second pass, as a file being
// written does.
type changingFile struct {
	*bytes.Reader
	passes int
}

func (c *changingFile) Seek(off int64, whence int) (int64, error) {
	if off == 0 && whence == io.SeekStart {
		c.passes++
		if c.passes == 1 {
			b := make([]byte, c.Size())
			c.Reader.ReadAt(b, 0)
			b[len(b)-1] ^= 0xff
			c.Reader.Reset(b)
		}
	}
	return c.Reader.Seek(off, whence)
}

// TestFailedMultipartLeavesNoUpload: with the MD5 pass, a file whose bytes
// differ from the first pass is refused (without it, the engine's checks
// of size and time before and after catch a file being written); either
// way, and past a deadline, no unfinished upload or object is left.
func TestFailedMultipartLeavesNoUpload(t *testing.T) {
	srv := s3test.Start(t, s3test.Options{})
	o := testOptions(srv, srv.Endpoint, freshPrefix(srv))
	o.MD5Pass = true
	d := open(t, o)
	p, err := d.Begin(bg, "v", owner)
	if err != nil {
		t.Fatal(err)
	}
	data := make([]byte, 3*testPartSize)
	for _, r := range []io.Reader{&changingFile{Reader: bytes.NewReader(data)}, seekOnly{&changingFile{Reader: bytes.NewReader(data)}}} {
		_, err = p.Put(bg, "changing.bin", r, int64(len(data)), nil)
		if !errors.Is(err, storage.ErrInvalid) || !strings.Contains(err.Error(), "changed while it was read") {
			t.Errorf("Put of a file that changed (%T): %v", r, err)
		}
	}
	ctx, cancel := context.WithTimeout(bg, 50*time.Millisecond)
	defer cancel()
	_, err = p.Put(ctx, "slow.bin", seekless{io.MultiReader(bytes.NewReader(data[:testPartSize+1]), slowReader{})}, int64(len(data)), nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Put past its deadline: %v", err)
	}
	ups, err := d.c.ListMultipartUploads(bg, &s3.ListMultipartUploadsInput{Bucket: &d.o.Bucket})
	if err != nil || len(ups.Uploads) != 0 {
		t.Errorf("unfinished uploads left: %d (%v)", len(ups.Uploads), err)
		for _, u := range ups.Uploads {
			t.Logf("left: %s", aws.ToString(u.Key))
		}
	}
	for _, name := range []string{"changing.bin", "slow.bin"} {
		if _, err := d.c.HeadObject(bg, &s3.HeadObjectInput{Bucket: &d.o.Bucket, Key: aws.String(d.dir("v") + name)}); !isNotFound(err) {
			t.Errorf("%s exists after a failed Put: %v", name, err)
		}
	}
}

// slowReader gives a byte every 10 ms.
type slowReader struct{}

func (slowReader) Read(p []byte) (int, error) {
	time.Sleep(10 * time.Millisecond)
	return 1, nil
}

func TestListChoices(t *testing.T) {
	srv := s3test.Start(t, s3test.Options{})
	d := openTest(t, srv, srv.Endpoint, "team/nas")
	putUserFile(t, d, "x.txt", []byte("x"))
	o := testOptions(srv, srv.Endpoint, "")
	o.Bucket = ""
	chooser, err := New(bg, o)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		parent string
		want   string
	}{
		{"", fmt.Sprintf("[{%s %s bucket true}]", srv.Bucket, srv.Bucket)},
		{srv.Bucket, fmt.Sprintf("[{%s/team team folder true}]", srv.Bucket)},
		{srv.Bucket + "/team", fmt.Sprintf("[{%s/team/nas nas folder true}]", srv.Bucket)},
		{srv.Bucket + "/team/nas", "[]"},
	}
	for _, tt := range tests {
		got, err := chooser.ListChoices(bg, tt.parent)
		if err != nil || fmt.Sprint(got) != tt.want {
			t.Errorf("ListChoices(%q) = %v, %v; want %s", tt.parent, got, err, tt.want)
		}
	}
}

func TestPartSize(t *testing.T) {
	d := &Dest{o: Options{PartSize: 16 << 20}}
	tests := []struct{ size, want int64 }{
		{1 << 30, 16 << 20},
		{16 << 20 * 10000, 16 << 20},
		{16<<20*10000 + 1, 17 << 20},
		{5 << 40, 525 << 20},
	}
	for _, tt := range tests {
		got := d.partSize(tt.size)
		if got != tt.want || (tt.size+got-1)/got > maxParts {
			t.Errorf("partSize(%d) = %d MiB, want %d MiB", tt.size, got>>20, tt.want>>20)
		}
	}
}

// apiErr builds an SDK error as the client returns it for an answer.
func apiErr(status int, code string, header http.Header) error {
	resp := &http.Response{StatusCode: status, Header: header}
	return &smithy.OperationError{ServiceID: "S3", OperationName: "PutObject", Err: &awshttp.ResponseError{
		ResponseError: &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: resp}, Err: &smithy.GenericAPIError{Code: code}},
	}}
}

func TestTranslate(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		want      error
		retryable bool
		after     time.Duration
	}{
		{"no such key", apiErr(404, "NoSuchKey", nil), storage.ErrNotFound, false, 0},
		{"head 404", apiErr(404, "", nil), storage.ErrNotFound, false, 0},
		{"bad signature", apiErr(403, "SignatureDoesNotMatch", nil), storage.ErrAuth, false, 0},
		{"access denied", apiErr(403, "AccessDenied", nil), storage.ErrPermission, false, 0},
		{"quota", apiErr(403, "QuotaExceeded", nil), storage.ErrQuota, false, 0},
		{"too large", apiErr(400, "EntityTooLarge", nil), storage.ErrQuota, false, 0},
		{"slow down", apiErr(503, "SlowDown", http.Header{"Retry-After": {"7"}}), storage.ErrRateLimited, true, 7 * time.Second},
		{"503", apiErr(503, "ServiceUnavailable", nil), storage.ErrUnavailable, true, 0},
		{"502 without code", apiErr(502, "", nil), storage.ErrUnavailable, true, 0},
		{"429", apiErr(429, "", http.Header{"Retry-After": {"2"}}), storage.ErrRateLimited, true, 2 * time.Second},
		{"cancelled", fmt.Errorf("op: %w", context.Canceled), context.Canceled, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := translate(tt.err, "S3: writing x")
			if !errors.Is(got, tt.want) || storage.IsRetryable(got) != tt.retryable {
				t.Errorf("translate = %v (retryable %v), want %v (%v)", got, storage.IsRetryable(got), tt.want, tt.retryable)
			}
			if after, _ := storage.RetryAfter(got); after != tt.after {
				t.Errorf("RetryAfter = %v, want %v", after, tt.after)
			}
		})
	}
}

func TestCopySource(t *testing.T) {
	got := copySource("b", "p q/ü+#%?&=.txt")
	if want := "b/p%20q/%C3%BC%2B%23%25%3F%26%3D.txt"; got != want {
		t.Errorf("copySource = %q, want %q", got, want)
	}
}

func TestOpenThroughRegistry(t *testing.T) {
	srv := s3test.Start(t, s3test.Options{TLS: true})
	r := storage.NewRegistry()
	if err := r.Register(Kind()); err != nil {
		t.Fatal(err)
	}
	cfg := storage.Config{
		Kind: "s3", Bucket: srv.Bucket, Prefix: "/via/registry/",
		Options: map[string]string{"endpoint": srv.Endpoint, "pathStyle": "true", "caPem": string(srv.Cert.PEM), "partSizeMiB": "8"},
		Secret:  storage.NewSecret(map[string]string{"accessKeyId": srv.AccessKey, "secretAccessKey": srv.SecretKey}),
	}
	d, err := r.Open(bg, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Check(bg); err != nil {
		t.Fatal(err)
	}
	if got := d.(*Dest); got.Prefix() != "via/registry" || got.o.PartSize != 8<<20 {
		t.Errorf("prefix %q, part size %d", got.Prefix(), got.o.PartSize)
	}
	cfg.Options["partSizeMiB"] = "4"
	if _, err := r.Open(bg, cfg); !errors.Is(err, storage.ErrInvalid) {
		t.Errorf("a 4 MiB part size: %v, want ErrInvalid", err)
	}
}

// recorder remembers the headers of DeleteObjects requests.
type recorder struct {
	next    http.RoundTripper
	deletes []http.Header
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPost && req.URL.Query().Has("delete") {
		r.deletes = append(r.deletes, req.Header.Clone())
	}
	return r.next.RoundTrip(req)
}

func TestDeleteObjectsSendsContentMD5(t *testing.T) {
	srv := s3test.Start(t, s3test.Options{})
	rec := &recorder{next: srv.HTTPClient().Transport}
	o := testOptions(srv, srv.Endpoint, freshPrefix(srv))
	o.HTTPClient = &http.Client{Transport: rec}
	o.ChecksumWhenRequired = true
	d := open(t, o)
	p, err := d.Begin(bg, "v", owner)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Put(bg, "a.txt", strings.NewReader("a"), 1, nil); err != nil {
		t.Fatal(err)
	}
	if err := p.Abort(bg); err != nil {
		t.Fatal(err)
	}
	if len(rec.deletes) == 0 || rec.deletes[0].Get("Content-Md5") == "" {
		t.Errorf("DeleteObjects headers: %v", rec.deletes)
	}
}

// TestDamagedBodyIsRefused: a proxy flips one byte of every upload's body
// on the way; the server must refuse each kind of upload (one request,
// streamed, multipart from sections or buffers, with and without the MD5
// pass) instead of storing the damaged bytes. Over HTTPS the SDK does not
// sign the body, so the checksum is the only thing that can catch it.
func TestDamagedBodyIsRefused(t *testing.T) {
	srv := s3test.Start(t, s3test.Options{TLS: true})
	target, _ := url.Parse(srv.Endpoint)
	proxy := httptest.NewUnstartedServer(&httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			r.Out.Host = r.In.Host
			if r.In.Method == http.MethodPut && r.In.ContentLength > 64 {
				r.Out.Body = &flipper{r: r.In.Body, at: r.In.ContentLength / 2}
			}
		},
		Transport: &http.Transport{TLSClientConfig: srv.Cert.ClientTLS()},
		ErrorLog:  log.New(io.Discard, "", 0), // refused uploads end in proxy errors
	})
	proxy.TLS = srv.Cert.ServerTLS()
	proxy.StartTLS()
	t.Cleanup(proxy.Close)
	big := bytes.Repeat([]byte("0123456789abcdef"), (2*testPartSize+1000)/16)
	for _, md5Pass := range []bool{false, true} {
		o := testOptions(srv, proxy.URL, freshPrefix(srv))
		o.MD5Pass, o.MaxAttempts = md5Pass, 1
		d := open(t, o)
		p, err := d.Begin(bg, "v", owner)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			r    io.Reader
			n    int
		}{
			{"buffered", bytes.NewReader(big[:4096]), 4096},
			{"streamed", bytes.NewReader(big[:2<<20]), 2 << 20},
			{"multipart sections", bytes.NewReader(big), len(big)},
			{"multipart buffers", seekless{bytes.NewReader(big)}, len(big)},
		} {
			name := fmt.Sprintf("%s md5Pass=%v", tc.name, md5Pass)
			if _, err := p.Put(bg, name, tc.r, int64(tc.n), nil); err == nil {
				t.Errorf("%s: a damaged upload was accepted", name)
			}
			if _, err := d.c.HeadObject(bg, &s3.HeadObjectInput{Bucket: &d.o.Bucket, Key: aws.String(d.dir("v") + name)}); err == nil {
				t.Errorf("%s: the damaged object was stored", name)
			}
		}
	}
}

// flipper inverts the byte at offset at of what it reads.
type flipper struct {
	r   io.ReadCloser
	at  int64
	off int64
}

func (f *flipper) Read(b []byte) (int, error) {
	n, err := f.r.Read(b)
	if f.at >= f.off && f.at < f.off+int64(n) {
		b[f.at-f.off] ^= 0xff
	}
	f.off += int64(n)
	return n, err
}

func (f *flipper) Close() error { return f.r.Close() }
