package notify

import (
	"net/url"
	"regexp"
	"strings"
)

// redacted replaces a secret in a message.
const redacted = "REDACTED"

var (
	urlPattern = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.-]*://[^\s"'<>]+`)
	// authPattern finds an HTTP authorization scheme and its credentials.
	authPattern = regexp.MustCompile(`(?i)\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}`)
	// assignPattern finds secret=value and "secret": "value" pairs.
	assignPattern = regexp.MustCompile(`(?i)("?[a-z_-]*(?:secret|password|passwd|token|api[_-]?key|access[_-]?key|credential|signature)[a-z_-]*"?\s*[:=]\s*"?)([^\s",&;}]+)`)
	// googleToken finds Google OAuth access (ya29.) and refresh (1//) tokens.
	googleToken = regexp.MustCompile(`\b(ya29\.|1//)[A-Za-z0-9._-]{10,}`)
	// awsKeyID finds AWS access key ids; they are shown masked, as the
	// window shows them.
	awsKeyID = regexp.MustCompile(`\b(AKIA|ASIA)[A-Z0-9]{12}([A-Z0-9]{4})\b`)
)

// sensitiveParam reports whether a URL query parameter may carry a secret:
// a signature, a token, a key, a credential, or a resumable upload's id
// (which lets anyone holding it write to the upload).
func sensitiveParam(name string) bool {
	name = strings.ToLower(name)
	for _, s := range []string{"sig", "token", "key", "secret", "password", "credential", "auth", "code", "upload_id", "session"} {
		if strings.Contains(name, s) {
			return true
		}
	}
	return false
}

// Redact removes what may be a secret from an error text before it is
// shown or sent: the user information in URLs, sensitive query parameters
// (presigned S3 signatures, OAuth codes, upload session ids),
// authorization credentials, Google OAuth tokens and secret=value pairs.
// AWS access key ids are masked to their last four characters. Redacting
// twice gives the same text as redacting once.
func Redact(s string) string {
	s = urlPattern.ReplaceAllStringFunc(s, redactURL)
	s = authPattern.ReplaceAllString(s, "$1 "+redacted)
	s = googleToken.ReplaceAllString(s, "${1}"+redacted)
	s = assignPattern.ReplaceAllString(s, "${1}"+redacted)
	return awsKeyID.ReplaceAllString(s, "${1}…$2")
}

// redactURL removes the user information from a URL and the values of
// its sensitive query parameters.
func redactURL(raw string) string {
	trimmed := strings.TrimRight(raw, ".,:;!?)]}") // punctuation of the sentence around it
	tail := raw[len(trimmed):]
	u, err := url.Parse(trimmed)
	if err != nil {
		return "(a URL)" + tail
	}
	if u.User != nil { // a user name can be an access key id too
		u.User = url.User(redacted)
	}
	if u.RawQuery != "" {
		q := u.Query()
		for name, values := range q {
			if sensitiveParam(name) {
				for i := range values {
					values[i] = redacted
				}
			}
		}
		u.RawQuery = q.Encode()
	}
	return u.String() + tail
}
