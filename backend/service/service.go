// Package service holds Avault's use cases. The window (app.go), the tray,
// the command line and the headless web mode all call this one layer, so a
// feature is written once.
package service

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// Options configure a Service. Zero values mean defaults.
type Options struct {
	// DataDir holds the database and the instance lock; DataDir() by default.
	DataDir string
	// Version is the build's version string, shown in Status.
	Version string
	// TrayHost says whether a tray host was found at start.
	TrayHost bool
}

// Service is the application core.
type Service struct {
	opts Options
}

// Status describes this copy of Avault for the Status view.
type Status struct {
	Version  string `json:"version"`
	DataDir  string `json:"dataDir"`
	TrayHost bool   `json:"trayHost"`
	Platform string `json:"platform"`
}

// DataDir returns the data folder: $AVAULT_DATA_DIR, or "avault" in the
// user's config folder (~/.config/avault, ~/Library/Application Support/avault,
// %AppData%\avault).
func DataDir() (string, error) {
	if d := os.Getenv("AVAULT_DATA_DIR"); d != "" {
		return filepath.Abs(d)
	}
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the user config folder (set AVAULT_DATA_DIR): %w", err)
	}
	return filepath.Join(base, "avault"), nil
}

// Open starts the service on its data folder.
func Open(_ context.Context, o Options) (*Service, error) {
	if o.DataDir == "" {
		d, err := DataDir()
		if err != nil {
			return nil, err
		}
		o.DataDir = d
	}
	if o.Version == "" {
		o.Version = "dev"
	}
	if err := os.MkdirAll(o.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	return &Service{opts: o}, nil
}

// Status reports the version, the data folder and whether a tray host exists.
func (s *Service) Status() Status {
	return Status{
		Version:  s.opts.Version,
		DataDir:  s.opts.DataDir,
		TrayHost: s.opts.TrayHost,
		Platform: runtime.GOOS + "/" + runtime.GOARCH,
	}
}

// Close stops everything the service started.
func (s *Service) Close() error {
	return errors.Join()
}
