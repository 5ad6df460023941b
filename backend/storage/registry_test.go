package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestSecretNeverPrints(t *testing.T) {
	cfg := Config{Kind: "s3", Bucket: "b", Secret: NewSecret(map[string]string{"secretAccessKey": "hunter2"})}
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("open", "cfg", cfg, "secret", cfg.Secret)
	js, _ := json.Marshal(cfg)
	sj, _ := json.Marshal(cfg.Secret)
	outputs := []string{
		fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), fmt.Sprintf("%s %q %x", cfg.Secret, cfg.Secret, cfg.Secret),
		cfg.Secret.String(), string(js), string(sj), logged.String(),
	}
	for _, out := range outputs {
		if strings.Contains(out, "hunter2") {
			t.Errorf("secret leaked: %s", out)
		}
	}
	if got := cfg.Secret.Get("secretAccessKey"); got != "hunter2" {
		t.Errorf("Get = %q", got)
	}
}

func TestSecretRedact(t *testing.T) {
	s := NewSecret(map[string]string{
		"accessKeyId": "AKIAEXAMPLE", "secretAccessKey": "hunter2hunter2", "short": "ab",
		"token": `{"access_token":"ya29.live-token","refresh_token":"1//refresh-me","token_type":"Bearer"}`,
	})
	msg := "denied for AKIAEXAMPLE with hunter2hunter2 (ab); sent Bearer ya29.live-token, refresh 1//refresh-me"
	got := s.Redact(msg)
	for _, leak := range []string{"AKIAEXAMPLE", "hunter2", "ya29", "refresh-me"} {
		if strings.Contains(got, leak) {
			t.Errorf("Redact left %q in %q", leak, got)
		}
	}
	if !strings.Contains(got, "denied for **redacted**") || !strings.Contains(got, "(ab)") || !strings.Contains(got, "Bearer **redacted**") {
		t.Errorf("Redact garbled the message: %q", got)
	}
	if got := (Secret{}).Redact("plain"); got != "plain" {
		t.Errorf("an empty Secret changed the message: %q", got)
	}
}

func TestRegistryOpen(t *testing.T) {
	r := NewRegistry()
	opened := 0
	kind := Kind{Name: "fake", Title: "Fake", Fields: []Field{
		{Key: "root", Label: "Folder", Required: true},
		{Key: "region", Label: "Region"},
		{Key: "token", Label: "Token", Required: true, Secret: true},
	}, Open: func(ctx context.Context, cfg Config) (Destination, error) { opened++; return &flaky{}, nil }}
	if err := r.Register(kind); err != nil {
		t.Fatal(err)
	}
	if err := r.Register(kind); err == nil {
		t.Error("registering a kind twice succeeded")
	}
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"complete", Config{Kind: "fake", Root: "/x", Secret: NewSecret(map[string]string{"token": "t"})}, ""},
		{"unknown kind", Config{Kind: "ftp"}, `unknown destination kind "ftp"`},
		{"missing fields", Config{Kind: "fake", Root: " "}, "Fake destination: missing Folder, Token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := r.Open(context.Background(), tt.cfg)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || err.Error() != tt.wantErr || !errors.Is(err, ErrInvalid) {
				t.Errorf("err = %v, want %q matching ErrInvalid", err, tt.wantErr)
			}
		})
	}
	if opened != 1 {
		t.Errorf("opener called %d times, want 1", opened)
	}
	if ks := r.Kinds(); len(ks) != 1 || ks[0].Name != "fake" {
		t.Errorf("Kinds = %v", ks)
	}
}
