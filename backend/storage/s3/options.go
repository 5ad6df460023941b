package s3

import (
	"cmp"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	awsretry "github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/avault/avault/backend/retry"
	"github.com/avault/avault/backend/storage"
)

// Options configures an S3 destination. Zero values mean the defaults
// given in each comment.
type Options struct {
	Bucket string // required, except to list buckets (Chooser)
	Prefix string // key prefix for all versions; slashes at the ends are ignored

	// Endpoint is the service's base URL for S3-compatible stores
	// ("https://s3.eu-central-2.wasabisys.com"); "" means AWS.
	Endpoint string
	// Region is the signing region; "" means "us-east-1".
	Region string
	// PathStyle addresses buckets as https://host/bucket instead of
	// https://bucket.host; most S3-compatible stores need it.
	PathStyle bool
	// ChecksumWhenRequired sends and checks the SDK's CRC checksums only where
	// the API requires them, for stores that reject the newer headers.
	// Content-MD5 is sent either way.
	ChecksumWhenRequired bool

	AccessKeyID     string
	SecretAccessKey string // never printed: Options' String redacts it
	SessionToken    string

	StorageClass string // for file objects ("STANDARD_IA", "GLACIER_IR"); "" means the bucket's default
	SSE          string // server-side encryption: "", "AES256" or "aws:kms"
	SSEKMSKeyID  string // the KMS key for "aws:kms"; "" means the account's default key

	// CAPEM holds extra PEM certificates to trust besides the system's, for
	// a store with a private certificate authority.
	CAPEM []byte
	// InsecureSkipVerify turns off certificate checks. Tests only: prefer CAPEM.
	InsecureSkipVerify bool

	// PartSize is the size of one part of a multipart upload; files up to
	// it go in one request. 0 means 16 MiB; at least 5 MiB. It grows for a
	// file that would need more than 10,000 parts.
	PartSize int64
	// Concurrency is the number of parts of one file uploaded at once.
	// 0 means 4.
	Concurrency int
	// MemoryLimit bounds the bytes buffered for uploads by all concurrent
	// Puts together. 0 means 4 parts.
	MemoryLimit int64
	// MD5Pass reads a seekable file larger than 1 MiB twice, first for its
	// MD5, so that every object carries it (x-amz-meta-md5chksum on
	// multipart objects, which "rclone check" reads) and every request a
	// Content-MD5. Off, such a file is read once and each request carries a
	// CRC32 the server verifies. ChecksumWhenRequired turns it on: without
	// the CRC, the Content-MD5 is the only check of the bytes on the way.
	MD5Pass bool
	// ListPageSize is the number of keys asked for per listing request.
	// 0 means 1000, the most S3 returns.
	ListPageSize int32
	// MaxAttempts bounds the attempts of one request, made by the SDK's
	// retryer; 0 means retry.Attempts (5). A request that fails them all
	// is not tried again above (retry.GaveUp).
	MaxAttempts int
	// HTTPClient replaces the client built from the options above (tests).
	HTTPClient *http.Client

	retryBase time.Duration // the first backoff bound; 0 means 200 ms (tests)
}

// String prints the options without the secret.
func (o Options) String() string {
	o.SecretAccessKey, o.SessionToken = "**redacted**", "**redacted**"
	type plain Options
	return fmt.Sprintf("%+v", plain(o))
}

// GoString prints the options without the secret.
func (o Options) GoString() string { return o.String() }

const (
	minPartSize = 5 << 20
	maxParts    = 10000
)

func (o Options) withDefaults() Options {
	o.Prefix = strings.Trim(o.Prefix, "/")
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.PartSize == 0 {
		o.PartSize = 16 << 20
	}
	o.PartSize = max(o.PartSize, minPartSize)
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.MemoryLimit <= 0 {
		o.MemoryLimit = 4 * o.PartSize
	}
	if o.ListPageSize <= 0 || o.ListPageSize > 1000 {
		o.ListPageSize = 1000
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = retry.Attempts
	}
	return o
}

func (o Options) validate() error {
	bad := func(msg string) error { return storage.NewError(storage.ErrInvalid, "S3: "+msg, nil) }
	switch {
	case o.AccessKeyID == "" || o.SecretAccessKey == "":
		return bad("the access key id and secret access key are required")
	case o.SSE != "" && o.SSE != "AES256" && o.SSE != "aws:kms":
		return bad(fmt.Sprintf("server-side encryption %q is not AES256 or aws:kms", o.SSE))
	case o.SSEKMSKeyID != "" && o.SSE != "aws:kms":
		return bad("a KMS key id needs server-side encryption aws:kms")
	}
	if o.Endpoint != "" {
		u, err := url.Parse(o.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return bad(fmt.Sprintf("endpoint %q is not an http(s) URL", o.Endpoint))
		}
	}
	return nil
}

// newClient builds the SDK client from the options alone: no shared AWS
// config files, environment variables or instance metadata are read.
func newClient(o Options) *s3.Client {
	so := s3.Options{
		Region:       o.Region,
		UsePathStyle: o.PathStyle,
		Credentials:  aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(o.AccessKeyID, o.SecretAccessKey, o.SessionToken)),
		HTTPClient:   o.HTTPClient,
		Retryer: awsretry.NewStandard(func(so *awsretry.StandardOptions) {
			so.MaxAttempts = o.MaxAttempts
			so.RateLimiter = ratelimit.None // the per-client retry budget fails a long backup
			so.Backoff = retryAfterBackoff{base: o.retryBase}
			// What storage.IsRetryable calls retryable is retried here, so
			// that no S3 error is left for the decorator to retry.
			so.Retryables = append([]awsretry.IsErrorRetryable{awsretry.NoRetryCanceledError{}, storageRetryable{}},
				so.Retryables...)
		}),
		DisableLogOutputChecksumValidationSkipped: true,
	}
	if o.Endpoint != "" {
		so.BaseEndpoint = aws.String(o.Endpoint)
	}
	if o.ChecksumWhenRequired {
		so.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		so.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	}
	return s3.New(so)
}

// newHTTPClient returns a client with bounded timeouts, keep-alive
// connections for parallel transfers and the configured trust.
func newHTTPClient(o Options) (*http.Client, error) {
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if len(o.CAPEM) > 0 && !pool.AppendCertsFromPEM(o.CAPEM) {
		return nil, storage.NewError(storage.ErrInvalid, "S3: the extra CA certificate is not valid PEM", nil)
	}
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   64,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   15 * time.Second,
		ExpectContinueTimeout: time.Second,
		ResponseHeaderTimeout: 5 * time.Minute,
		WriteBufferSize:       128 << 10,
		ReadBufferSize:        128 << 10,
		TLSClientConfig: &tls.Config{
			RootCAs:            pool,
			MinVersion:         tls.VersionTLS12,
			InsecureSkipVerify: o.InsecureSkipVerify, //nolint:gosec // tests only, documented
		},
	}
	return &http.Client{Transport: tr}, nil
}

// retryAfterBackoff is the SDK's wait between attempts of one request
// (retry.Backoff): full jitter over an exponential bound from 200 ms (1 s
// when the service said to slow down) up to 20 s, but at least what a
// Retry-After header asked, up to a minute.
type retryAfterBackoff struct {
	base time.Duration // the first bound; 0 means 200 ms (tests shorten it)
}

func (b retryAfterBackoff) BackoffDelay(attempt int, err error) (time.Duration, error) {
	base := cmp.Or(b.base, 200*time.Millisecond)
	if errorKind(err) == storage.ErrRateLimited {
		base *= 5
	}
	after, _ := retryAfter(err)
	return retry.Backoff{Base: base, Max: 20 * time.Second}.Delay(attempt, min(after, time.Minute)), nil
}

// storageRetryable makes the SDK retry what storage.IsRetryable calls
// retryable (a broken connection the SDK's own checks miss, an unmodelled
// 5xx); it leaves the rest to the SDK's checks.
type storageRetryable struct{}

func (storageRetryable) IsErrorRetryable(err error) aws.Ternary {
	if storage.IsRetryable(translateOnce(err, "")) {
		return aws.TrueTernary
	}
	return aws.UnknownTernary
}

// FromConfig turns a registry Config into Options: Bucket and Prefix; from
// the Secret "accessKeyId" (or from Options, for a key id kept in the
// clear), "secretAccessKey" and "sessionToken"; and the options
// job.DestinationOptions declares for S3: endpoint, region, pathStyle
// ("true"), checksumCompat ("true"), storageClass, sse, sseKmsKeyId,
// caPem, partSizeMiB and md5Pass ("true").
func FromConfig(cfg storage.Config) (Options, error) {
	o := Options{
		Bucket:               cfg.Bucket,
		Prefix:               cfg.Prefix,
		AccessKeyID:          cmp.Or(cfg.Secret.Get("accessKeyId"), cfg.Option("accessKeyId")),
		SecretAccessKey:      cfg.Secret.Get("secretAccessKey"),
		SessionToken:         cfg.Secret.Get("sessionToken"),
		Endpoint:             cfg.Option("endpoint"),
		Region:               cfg.Option("region"),
		PathStyle:            cfg.Option("pathStyle") == "true",
		ChecksumWhenRequired: cfg.Option("checksumCompat") == "true",
		StorageClass:         cfg.Option("storageClass"),
		SSE:                  cfg.Option("sse"),
		SSEKMSKeyID:          cfg.Option("sseKmsKeyId"),
		CAPEM:                []byte(cfg.Option("caPem")),
		MD5Pass:              cfg.Option("md5Pass") == "true",
	}
	if s := cfg.Option("partSizeMiB"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 5 || n > 5120 {
			return o, storage.NewError(storage.ErrInvalid, fmt.Sprintf("S3: part size %q MiB is not a number from 5 to 5120", s), nil)
		}
		o.PartSize = int64(n) << 20
	}
	return o, o.validate()
}
