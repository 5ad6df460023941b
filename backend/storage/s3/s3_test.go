package s3

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/s3/s3test"
	"github.com/avault/avault/backend/storage/storagetest"
	"github.com/avault/avault/backend/storage/storagetest/faultproxy"
)

const testPartSize = 5 << 20

func TestConformanceHTTP(t *testing.T)  { runSuite(t, s3test.Start(t, s3test.Options{})) }
func TestConformanceHTTPS(t *testing.T) { runSuite(t, s3test.Start(t, s3test.Options{TLS: true})) }

func runSuite(t *testing.T, srv *s3test.Server) {
	lowerCopyLimits(t)
	storagetest.Run(t, func(t *testing.T) storage.Destination {
		return openTest(t, srv, srv.Endpoint, freshPrefix(srv))
	}, storagetest.Options{
		PartSize:     testPartSize,
		PageSize:     7,
		PutUserFile:  putUserFile,
		ReadUserFile: readUserFile,
		Faulty: func(t *testing.T) (storage.Destination, *faultproxy.Proxy) {
			proxy := startProxy(t, srv)
			o := testOptions(srv, proxy.URL, freshPrefix(srv))
			o.MaxAttempts = 10 // the SDK is the one retry layer; a quarter of requests fail here
			o.retryBase = 10 * time.Millisecond
			return open(t, o), proxy
		},
	})
}

// lowerCopyLimits makes the suite's large file take the multipart copy path.
func lowerCopyLimits(t *testing.T) {
	limit, part := copyLimit, copyPartSize
	copyLimit, copyPartSize = 6<<20, testPartSize
	t.Cleanup(func() { copyLimit, copyPartSize = limit, part })
}

var prefixes = []string{"", "backups/nas", "odd prefix/ü #1"}
var opened int

// freshPrefix returns an unused prefix, cycling through the forms a user
// may choose; "" gets a bucket of its own.
func freshPrefix(srv *s3test.Server) string {
	opened++
	p := prefixes[opened%len(prefixes)]
	return p + "/" + "run-" + string(rune('a'+opened%26)) + "-" + randomName()
}

func testOptions(srv *s3test.Server, endpoint, prefix string) Options {
	o := Options{
		Bucket: srv.Bucket, Prefix: prefix, Endpoint: endpoint, Region: srv.Region, PathStyle: true,
		AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey,
		PartSize: testPartSize, ListPageSize: 7,
	}
	if srv.Cert != nil {
		o.CAPEM = srv.Cert.PEM
	}
	return o
}

func openTest(t *testing.T, srv *s3test.Server, endpoint, prefix string) *Dest {
	t.Helper()
	return open(t, testOptions(srv, endpoint, prefix))
}

func open(t *testing.T, o Options) *Dest {
	t.Helper()
	d, err := New(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Check(context.Background()); err != nil {
		t.Fatalf("Check: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func putUserFile(t *testing.T, sd storage.Destination, path string, data []byte) {
	d := sd.(*Dest)
	_, err := d.c.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: &d.o.Bucket, Key: aws.String(d.base() + path), Body: bytes.NewReader(data),
	})
	if err != nil {
		t.Fatal(err)
	}
}

func readUserFile(t *testing.T, sd storage.Destination, path string) ([]byte, error) {
	d := sd.(*Dest)
	out, err := d.c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: &d.o.Bucket, Key: aws.String(d.base() + path)})
	if err != nil {
		return nil, err
	}
	defer out.Body.Close()
	return io.ReadAll(out.Body)
}

// startProxy starts a fault proxy in front of srv, speaking the same scheme.
func startProxy(t *testing.T, srv *s3test.Server) *faultproxy.Proxy {
	po := faultproxy.Options{Transport: srv.HTTPClient().Transport, ErrorBody: s3ErrorBody}
	if srv.Cert != nil {
		po.TLS = srv.Cert.ServerTLS()
	}
	proxy, err := faultproxy.New(srv.Endpoint, po)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })
	return proxy
}

// s3ErrorBody returns the XML error S3 sends with each injected status.
func s3ErrorBody(status int) (string, []byte) {
	code := map[int]string{500: "InternalError", 503: "SlowDown", 429: "TooManyRequests"}[status]
	return "application/xml", []byte(`<?xml version="1.0" encoding="UTF-8"?>` +
		`<Error><Code>` + code + `</Code><Message>injected</Message><RequestId>fault</RequestId></Error>`)
}
