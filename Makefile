# Avault. `make run` and `make test` install what is missing first.
SHELL := /bin/bash
export PATH := $(CURDIR)/.cache/bin:$(PATH)

# The semantic version from the newest vX.Y.Z tag (scripts/version.sh), worked
# out once per make run.
VERSION ?= $(shell scripts/version.sh)
VERSION := $(VERSION)
TAGS    := desktop,production,webkit2_41
LDFLAGS := -s -w -X main.version=$(VERSION)
BIN     := build/bin/avault
# The background process and command line are built without WebKit; the
# window is a program of its own beside it.
WINDOW  := build/bin/avault-window

.PHONY: run build build-binary frontend bindings test setup setup-test setup-package windows package bench clean

run: setup build
	./$(BIN)

build: setup frontend build-binary

build-binary:
	CGO_ENABLED=0 go build -tags nowindow -ldflags "$(LDFLAGS)" -o $(BIN) .
	go build -tags $(TAGS) -buildmode=pie -ldflags "$(LDFLAGS)" -o $(WINDOW) .

frontend:
	npm --prefix frontend run -s build

bindings:
	wails generate module -tags webkit2_41

windows:
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go build -tags nowindow -ldflags "$(LDFLAGS) -H windowsgui" -o build/bin/avault.exe .
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go build -tags desktop,production -ldflags "$(LDFLAGS)" -o build/bin/avault-window.exe .

# The release files of this version in dist/: the .deb, a tarball for other
# Linux distributions, the Windows installer and SHA256SUMS (README: "Installing").
package: setup-package frontend build-binary windows
	VERSION=$(VERSION) scripts/package.sh

# macOS, on a Mac with Xcode's command line tools, Go, Node.js and the Wails
# CLI: build/bin/Avault.app from build/darwin/Info.plist, with this version
# (README: "macOS"). Wails runs npm ci and the frontend build itself.
.PHONY: darwin
darwin:
	wails build -clean -platform darwin/universal -skipbindings -ldflags "-X main.version=$(VERSION)"
	plutil -replace CFBundleShortVersionString -string "$(firstword $(subst -, ,$(subst +, ,$(VERSION))))" build/bin/Avault.app/Contents/Info.plist
	plutil -replace CFBundleVersion -string "$(firstword $(subst -, ,$(subst +, ,$(VERSION))))" build/bin/Avault.app/Contents/Info.plist
	plutil -replace CFBundleGetInfoString -string "Avault $(VERSION)" build/bin/Avault.app/Contents/Info.plist

test: setup-test
	scripts/test.sh

# The contract run against real Google Drive and S3, for the providers whose
# AVAULT_LIVE_* variables are set; it says what it skipped and why (README:
# "Testing against real Google Drive and S3").
.PHONY: test-live
test-live:
	scripts/test-live.sh

# Speed and memory against rclone on a local S3 server; BENCH_ARGS="-scale 0.1" for a quick run.
bench: setup-test
	scripts/bench.sh $(BENCH_ARGS)
	$(MAKE) bench-desktop

# Idle memory in the tray and start-to-window time of the desktop app.
.PHONY: bench-desktop
bench-desktop: build
	scripts/bench-desktop.sh

setup:
	scripts/setup.sh run

setup-test:
	scripts/setup.sh test

setup-package:
	scripts/setup.sh package

clean:
	rm -rf build/bin build/package build/test-artifacts dist frontend/dist/assets frontend/dist/index.html

# The reliability campaign (docs/RELIABILITY.md): crashes, faults, hostile
# input, secrets and fuzzing against a fresh build. About 30 minutes; needs
# root for its tmpfs scenarios. TORTURE_ARGS passes options (--short,
# --kills N, --fuzztime D, --no-fuzz, --seed N).
.PHONY: torture
torture: setup-test
	scripts/torture.sh $(TORTURE_ARGS)
