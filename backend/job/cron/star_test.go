package cron_test

import (
	"strings"
	"testing"

	"github.com/avault/avault/backend/job/cron"
)

// TestHiddenStarInADayFieldIsRefused: "0,*" or "*/1" in a day field covers
// every day without being "*". robfig/cron then lets the other day field
// decide alone, where a field other than "*" restricts the days here (a
// day matching either field fires), so the two would fire on different
// days. Such fields are refused; "*/2" means the same to both and stays.
func TestHiddenStarInADayFieldIsRefused(t *testing.T) {
	for _, expr := range []string{"0 0 1 1 0,*", "0 0 1,* * 1", "0 0 */1 * 1", "0 0 1 * */1", "0 0 * * *,1"} {
		if _, err := cron.Parse(expr); err == nil || !strings.Contains(err.Error(), "write * alone") {
			t.Errorf("Parse(%q) = %v, want a refusal", expr, err)
		}
	}
	for _, expr := range []string{"0,* * * * *", "0 */1 * * *", "0 0 */2 * 1", "0 0 * * *", "0 0 1-31 * 1"} {
		if _, err := cron.Parse(expr); err != nil {
			t.Errorf("Parse(%q): %v", expr, err)
		}
	}
}

// TestSignedNumbersAreRefused: "0--0" once read as the range 0 to -0.
// A value is digits only, as robfig/cron requires.
func TestSignedNumbersAreRefused(t *testing.T) {
	for _, expr := range []string{"0 0--0 1 1 0", "-0 * * * *", "+5 * * * *", "0 1-+3 * * *"} {
		if _, err := cron.Parse(expr); err == nil {
			t.Errorf("Parse(%q) accepted a signed number", expr)
		}
	}
}
