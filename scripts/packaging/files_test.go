package packaging

import (
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/avault/avault/backend/cli"
)

// helpCommands lists the commands 'avault help' names.
func helpCommands(t *testing.T) []string {
	t.Helper()
	var out bytes.Buffer
	if code := cli.Run(context.Background(), []string{"help"}, cli.Env{Stdout: &out, Stderr: &out}); code != cli.ExitOK {
		t.Fatalf("avault help: exit %d\n%s", code, out.String())
	}
	var names []string
	in := false
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "commands:":
			in = true
		case in && strings.HasPrefix(line, "  "):
			names = append(names, strings.Fields(line)[0])
		case in && strings.TrimSpace(line) == "":
			in = false
		}
	}
	if len(names) < 10 {
		t.Fatalf("read %d commands from avault help:\n%s", len(names), out.String())
	}
	return names
}

// The man page describes every command of the command line, and no other.
func TestManPageListsEveryCommand(t *testing.T) {
	data, err := os.ReadFile("../../build/linux/avault.1")
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	lines := strings.Split(string(data), "\n")
	in := false
	for i, l := range lines {
		if strings.HasPrefix(l, ".SH ") {
			in = l == ".SH COMMANDS"
			continue
		}
		if in && l == ".TP" && i+1 < len(lines) && strings.HasPrefix(lines[i+1], ".B ") {
			documented[strings.TrimPrefix(lines[i+1], ".B ")] = true
		}
	}
	for _, name := range helpCommands(t) {
		if !documented[name] {
			t.Errorf("the man page's COMMANDS lack %q", name)
		}
		delete(documented, name)
	}
	delete(documented, "help")
	for name := range documented {
		t.Errorf("the man page describes %q, which avault help does not list", name)
	}
}

// The menu entry and the tarball's installer agree with what the packages
// and the launch-at-login entry expect.
func TestDesktopEntry(t *testing.T) {
	data, err := os.ReadFile("../../build/linux/avault.desktop")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"[Desktop Entry]", "Type=Application", "Name=Avault", "Exec=avault", "TryExec=avault",
		"Icon=avault", "Categories=Utility;Archiving;", "StartupWMClass=Avault", "Terminal=false"}
	have := map[string]bool{}
	for _, l := range strings.Split(string(data), "\n") {
		have[l] = true
	}
	for _, w := range want {
		if !have[w] {
			t.Errorf("build/linux/avault.desktop lacks the line %q", w)
		}
	}
	inst, err := os.ReadFile("../../build/linux/install.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"s|^Exec=avault|", "s|^TryExec=avault|"} {
		if !bytes.Contains(inst, []byte(w)) {
			t.Errorf("install.sh no longer rewrites %q to the installed path", w)
		}
	}
}

// The Mac bundle's Info.plist is one `wails build` away from a bundle with
// Avault's name, identifier (the LaunchAgent's label too) and a tray-only
// start; the version is written in by `make darwin`.
func TestDarwinInfoPlist(t *testing.T) {
	data, err := os.ReadFile("../../build/darwin/Info.plist")
	if err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	dec.Entity = xml.HTMLEntity
	values := map[string]string{}
	var key, last string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("Info.plist is not well-formed: %v", err)
		}
		switch v := tok.(type) {
		case xml.StartElement:
			last = v.Name.Local
			if last == "true" || last == "false" {
				values[key] = last
			}
		case xml.CharData:
			s := strings.TrimSpace(string(v))
			if s == "" {
				continue
			}
			if last == "key" {
				key = s
			} else if last == "string" {
				values[key] = s
			}
		}
	}
	for k, want := range map[string]string{
		"CFBundleName": "Avault", "CFBundleIdentifier": "app.avault", "CFBundleExecutable": "{{.OutputFilename}}",
		"CFBundleShortVersionString": "{{.Info.ProductVersion}}", "CFBundlePackageType": "APPL",
		"LSUIElement": "true", "NSHighResolutionCapable": "true",
	} {
		if values[k] != want {
			t.Errorf("Info.plist %s = %q, want %q", k, values[k], want)
		}
	}
	label, err := os.ReadFile("../../backend/autostart/plist.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(label, []byte(`launchAgentLabel = "app.avault"`)) {
		t.Error("the LaunchAgent's label is no longer app.avault, the bundle identifier")
	}
}
