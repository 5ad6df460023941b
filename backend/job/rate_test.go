package job

import (
	"strings"
	"testing"
)

func TestParseRate(t *testing.T) {
	for in, want := range map[string]int64{
		"0": 0, "off": 0, "None": 0, "0Mbit": 0,
		"20Mbit": 2_500_000, "20 Mbit/s": 2_500_000, "20mbps": 2_500_000,
		"512kbit": 64_000, "1Gbit": 125_000_000,
		"2MiB": 2 << 20, "2M": 2 << 20, "2.5 MiB/s": 5 << 19, "500KiB": 500 << 10, "500k": 500 << 10,
		"1GiB": 1 << 30, "3MB": 3_000_000, "64kB/s": 64_000,
	} {
		got, err := ParseRate(in)
		if err != nil || got != want {
			t.Errorf("ParseRate(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for in, wantErr := range map[string]string{
		"":          "no upload limit given",
		"20":        `has no unit: write e.g. 20Mbit`,
		"-5M":       "does not start with a number",
		"M":         "does not start with a number",
		"5 parsecs": `unknown unit "parsecs"`,
		"1.2.3M":    "is not a number",
		"\x00":      "does not start with a number",
	} {
		if _, err := ParseRate(in); err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("ParseRate(%q) error = %v; want it to say %q", in, err, wantErr)
		}
	}
	if got, _ := ParseRate("99999999999Gbit"); got <= MaxUploadLimit {
		t.Errorf("a huge limit must stay above the maximum for Validate to refuse it, got %d", got)
	}
}

func TestFormatRate(t *testing.T) {
	for n, want := range map[int64]string{
		0: "no limit", 2_500_000: "20 Mbit/s", 2 << 20: "2 MiB/s", 1 << 30: "1 GiB/s", 500 << 10: "500 KiB/s",
		64_000: "512 kbit/s", 1_500_001: "1.4 MiB/s", 10_001: "9.8 KiB/s",
	} {
		if got := FormatRate(n); got != want {
			t.Errorf("FormatRate(%d) = %q, want %q", n, got, want)
		}
	}
	for _, s := range []string{"20Mbit", "2MiB", "500KiB", "512kbit"} {
		n, _ := ParseRate(s)
		if back, _ := ParseRate(strings.TrimSuffix(FormatRate(n), "/s")); back != n {
			t.Errorf("%s → %s → %d bytes/s, want %d", s, FormatRate(n), back, n)
		}
	}
}

func TestUploadLimitBounds(t *testing.T) {
	for _, n := range []int64{0, MinUploadLimit, 2_500_000, MaxUploadLimit} {
		s := Settings{UploadLimit: n}
		if err := s.Validate(); err != nil {
			t.Errorf("UploadLimit %d refused: %v", n, err)
		}
	}
	for _, n := range []int64{-1, 1, MinUploadLimit - 1, MaxUploadLimit + 1} {
		s := Settings{UploadLimit: n}
		if err := s.Validate(); err == nil || !strings.Contains(err.Error(), "uploadLimit") {
			t.Errorf("UploadLimit %d: error %v, want one naming uploadLimit", n, err)
		}
	}
}
