package autostart

import (
	"encoding/xml"
	"strings"
	"testing"
)

func TestWindowsCommandLine(t *testing.T) {
	exe := `C:\Program Files\Avault\avault.exe`
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{HiddenArg}, `"C:\Program Files\Avault\avault.exe" --hidden`},
		{nil, `"C:\Program Files\Avault\avault.exe"`},
		{[]string{"two words", ""}, `"C:\Program Files\Avault\avault.exe" "two words" ""`},
		{[]string{`say "hi"`}, `"C:\Program Files\Avault\avault.exe" "say \"hi\""`},
		{[]string{`C:\dir with space\`}, `"C:\Program Files\Avault\avault.exe" "C:\dir with space\\"`},
		{[]string{`a\\"b`}, `"C:\Program Files\Avault\avault.exe" "a\\\\\"b"`},
		{[]string{`C:\plain\path`}, `"C:\Program Files\Avault\avault.exe" C:\plain\path`},
	} {
		if got := windowsCommandLine(exe, tc.args); got != tc.want {
			t.Errorf("windowsCommandLine(%q) = %s, want %s", tc.args, got, tc.want)
		}
	}
}

func TestLaunchAgentPlist(t *testing.T) {
	args := []string{HiddenArg, "a <b> & 'c'"}
	exe := "/Applications/Avault.app/Contents/MacOS/Avault"
	var doc struct {
		Dict struct {
			Keys   []string `xml:"key"`
			String []string `xml:"string"`
			Array  struct {
				Strings []string `xml:"string"`
			} `xml:"array"`
		} `xml:"dict"`
	}
	data := launchAgentPlist(exe, args)
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("the plist is not XML: %v\n%s", err, data)
	}
	if got, want := strings.Join(doc.Dict.Keys, ","), "Label,ProgramArguments,RunAtLoad,KeepAlive,ProcessType"; got != want {
		t.Errorf("keys = %s, want %s", got, want)
	}
	if doc.Dict.String[0] != "app.avault" {
		t.Errorf("Label = %q", doc.Dict.String[0])
	}
	want := append([]string{exe}, args...)
	if strings.Join(doc.Dict.Array.Strings, "|") != strings.Join(want, "|") {
		t.Errorf("ProgramArguments = %q, want %q", doc.Dict.Array.Strings, want)
	}
	if !strings.Contains(string(data), "<key>RunAtLoad</key>\n\t<true/>") {
		t.Errorf("RunAtLoad is not true:\n%s", data)
	}
}

func TestExecLineEscapes(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"/usr/bin/avault", HiddenArg}, `/usr/bin/avault --hidden`},
		{[]string{"/opt/My Apps/avault"}, `"/opt/My Apps/avault"`},
		{[]string{"/a", `back\slash`}, `/a "back\\\\slash"`}, // four backslashes, as the specification says
		{[]string{"/a", `say "hi"`}, `/a "say \\"hi\\""`},
		{[]string{"/a", "100%"}, `/a 100%%`},
		{[]string{"/a", "$HOME", ""}, `/a "\\$HOME" ""`},
		{[]string{"/a", "line\nbreak"}, `/a "line\nbreak"`},
	} {
		if got := execLine(tc.args[0], tc.args[1:]); got != tc.want {
			t.Errorf("execLine(%q) = %s, want %s", tc.args, got, tc.want)
		}
	}
}
