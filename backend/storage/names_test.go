package storage

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"backup-2024-05-01_0300", true},
		{"Sicherung ä 日本", true},
		{".hidden", true},
		{"", false}, {".", false}, {"..", false},
		{"a/b", false}, {`a\b`, false}, {"a\x00b", false},
		{".tmp-x", false}, {".avault", false},
		{strings.Repeat("x", 256), false},
	}
	for _, tt := range tests {
		err := ValidateName(tt.name)
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrInvalid)) {
			t.Errorf("ValidateName(%q) = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}

func TestValidatePath(t *testing.T) {
	tests := []struct {
		path string
		ok   bool
	}{
		{"a.txt", true}, {"a/b/c.txt", true}, {".dot/.file", true}, {"x/.avault/y", true},
		{"with space/100% #1 + 'q'.txt", true},
		{"", false}, {".", false}, {"..", false}, {"../x", false}, {"a/../../x", false},
		{"/etc/passwd", false}, {"a//b", false}, {"a/", false}, {"./a", false}, {"a/./b", false},
		{"a\x00b", false}, {".avault", false}, {".avault/manifest.json.gz", false},
	}
	for _, tt := range tests {
		err := ValidatePath(tt.path)
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrInvalid)) {
			t.Errorf("ValidatePath(%q) = %v, want ok=%v", tt.path, err, tt.ok)
		}
	}
}
