package s3

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	awsretry "github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/avault/avault/backend/retry"
	"github.com/avault/avault/backend/storage"
)

// codeKinds maps S3 error codes to the storage sentinels.
var codeKinds = map[string]error{
	"NoSuchBucket":                 storage.ErrNotFound,
	"NoSuchKey":                    storage.ErrNotFound,
	"NotFound":                     storage.ErrNotFound,
	"NoSuchUpload":                 storage.ErrNotFound,
	"InvalidAccessKeyId":           storage.ErrAuth,
	"SignatureDoesNotMatch":        storage.ErrAuth,
	"ExpiredToken":                 storage.ErrAuth,
	"InvalidToken":                 storage.ErrAuth,
	"TokenRefreshRequired":         storage.ErrAuth,
	"AuthorizationHeaderMalformed": storage.ErrAuth,
	"XAdminUserNotFound":           storage.ErrAuth, // versitygw's unknown access key, with status 404
	"AccessDenied":                 storage.ErrPermission,
	"AllAccessDisabled":            storage.ErrPermission,
	"AccountProblem":               storage.ErrPermission,
	"InvalidObjectState":           storage.ErrPermission, // archived (Glacier) objects cannot be read
	"EntityTooLarge":               storage.ErrQuota,
	"QuotaExceeded":                storage.ErrQuota,
	"StorageQuotaExceeded":         storage.ErrQuota,
	"XAmzContentSHA256Mismatch":    storage.ErrUnavailable, // corrupted in transit: send again
	"BadDigest":                    storage.ErrUnavailable,
	"InternalError":                storage.ErrUnavailable,
	"ServiceUnavailable":           storage.ErrUnavailable,
	"RequestTimeout":               storage.ErrUnavailable,
	"RequestTimeTooSkewed":         storage.ErrAuth,
	"SlowDown":                     storage.ErrRateLimited,
	"TooManyRequests":              storage.ErrRateLimited,
	"Throttling":                   storage.ErrRateLimited,
	"PreconditionFailed":           storage.ErrExists,
	"InvalidBucketName":            storage.ErrInvalid,
	"KeyTooLongError":              storage.ErrInvalid,
}

// statusKinds maps HTTP statuses to sentinels for answers without a code
// (HEAD requests have no body).
var statusKinds = map[int]error{
	http.StatusNotFound:            storage.ErrNotFound,
	http.StatusUnauthorized:        storage.ErrAuth,
	http.StatusForbidden:           storage.ErrPermission,
	http.StatusTooManyRequests:     storage.ErrRateLimited,
	http.StatusInsufficientStorage: storage.ErrQuota,
}

// translate turns an SDK error into the storage sentinels, once, at the
// edge. what says what was being done ("S3: reading bucket b"). Context
// cancellation and network errors keep their own type (IsRetryable knows
// them). An error after which the SDK's retryer ran out of attempts is
// marked retry.GaveUp, so that no layer above tries the request again.
func translate(err error, what string) error {
	if err == nil {
		return nil
	}
	var spent *awsretry.MaxAttemptsError
	if errors.As(err, &spent) {
		return retry.GaveUp(translateOnce(err, what))
	}
	return translateOnce(err, what)
}

func translateOnce(err error, what string) error {
	var se *storage.Error
	if errors.As(err, &se) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	kind := errorKind(err)
	if kind == nil {
		return &opError{what: what, err: err}
	}
	after, _ := retryAfter(err) // 429 and 503 answers may say when to come back
	return &storage.Error{Kind: kind, Msg: what, Err: err, After: after}
}

// translateDigest is translate for uploads whose Content-MD5 came from an
// earlier reading of the file: the server's BadDigest then means the file
// changed in between, which no retry of this upload fixes.
func translateDigest(err error, key, what string) error {
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorCode() == "BadDigest" {
		return storage.NewError(storage.ErrInvalid, fmt.Sprintf("S3: %s changed while it was read", key), err)
	}
	return translate(err, what)
}

// errorKind returns the sentinel for an S3 error, or nil.
func errorKind(err error) error {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		if k, ok := codeKinds[ae.ErrorCode()]; ok {
			return k
		}
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status := re.HTTPStatusCode()
		if k, ok := statusKinds[status]; ok {
			return k
		}
		if status >= 500 {
			return storage.ErrUnavailable
		}
	}
	return nil
}

// opError adds what was being done to an error that has no sentinel.
type opError struct {
	what string
	err  error
}

func (e *opError) Error() string { return e.what + ": " + e.err.Error() }
func (e *opError) Unwrap() error { return e.err }

// retryAfter reads the Retry-After header of an error answer.
func retryAfter(err error) (time.Duration, bool) {
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.Response == nil {
		return 0, false
	}
	return retry.After(re.Response.Header, time.Now())
}

// isNotFound reports an S3 error that means the key or bucket is absent.
func isNotFound(err error) bool { return errors.Is(translate(err, ""), storage.ErrNotFound) }
