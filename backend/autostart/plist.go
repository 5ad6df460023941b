package autostart

import (
	"bytes"
	"encoding/xml"
)

// launchAgentLabel names Avault's LaunchAgent; the plist file is named
// after it.
const launchAgentLabel = "app.avault"

// launchAgentPlist returns a LaunchAgent property list that runs exe with
// args once at login (RunAtLoad) and does not restart it when it quits.
func launchAgentPlist(exe string, args []string) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>Label</key>
	<string>` + launchAgentLabel + `</string>
	<key>ProgramArguments</key>
	<array>
`)
	for _, a := range append([]string{exe}, args...) {
		b.WriteString("\t\t<string>")
		xml.EscapeText(&b, []byte(a)) // never fails on a bytes.Buffer
		b.WriteString("</string>\n")
	}
	b.WriteString(`	</array>
	<key>RunAtLoad</key>
	<true/>
	<key>KeepAlive</key>
	<false/>
	<key>ProcessType</key>
	<string>Interactive</string>
</dict>
</plist>
`)
	return b.Bytes()
}
