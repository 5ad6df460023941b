package autostart

import (
	"bufio"
	"strings"
)

// iconName is the icon theme name Avault's packages install its icon under.
const iconName = "avault"

// desktopEntry returns the XDG autostart entry that runs exe with args.
// TryExec makes the desktop skip the entry, rather than fail at each
// login, when the program has been moved or removed.
func desktopEntry(exe string, args []string) string {
	var b strings.Builder
	b.WriteString("[Desktop Entry]\n")
	for _, kv := range [][2]string{
		{"Type", "Application"},
		{"Version", "1.5"},
		{"Name", "Avault"},
		{"GenericName", "Backup"},
		{"Comment", "Back up NAS folders to Google Drive, S3 and local folders"},
		{"TryExec", escapeString(exe)},
		{"Exec", execLine(exe, args)},
		{"Icon", iconName},
		{"Terminal", "false"},
		{"X-GNOME-Autostart-enabled", "true"},
		{"Hidden", "false"},
	} {
		b.WriteString(kv[0] + "=" + kv[1] + "\n")
	}
	return b.String()
}

// execLine returns the value of an Exec key that runs exe with args, by
// the Desktop Entry Specification: each argument quoted when it needs to
// be, literal percent signs doubled, then the value escaped as a string.
func execLine(exe string, args []string) string {
	words := make([]string, 0, 1+len(args))
	for _, a := range append([]string{exe}, args...) {
		words = append(words, strings.ReplaceAll(quoteExecArg(a), "%", "%%"))
	}
	return escapeString(strings.Join(words, " "))
}

// execReserved are the characters that make an Exec argument need quotes.
const execReserved = " \t\n\"'\\><~|&;$*?#()`="

// quoteExecArg puts an argument in double quotes when it is empty or holds
// a reserved character, with a backslash before each of " ` $ and \ inside.
func quoteExecArg(a string) string {
	if a != "" && !strings.ContainsAny(a, execReserved) {
		return a
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range a {
		if strings.ContainsRune("\"`$\\", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// escapeString escapes a value of type string: backslash, newline, tab and
// carriage return, and a leading space.
func escapeString(s string) string {
	s = strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\t", `\t`, "\r", `\r`).Replace(s)
	if strings.HasPrefix(s, " ") {
		s = `\s` + s[1:]
	}
	return s
}

// entryEnabled reports whether an autostart entry is in force: the desktop
// ignores it when Hidden is true, and GNOME when X-GNOME-Autostart-enabled
// is false (which is how its settings turn an entry off).
func entryEnabled(content string) bool {
	group := ""
	sc := bufio.NewScanner(strings.NewReader(content))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			group = line
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok || group != "[Desktop Entry]" {
			continue
		}
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if (key == "Hidden" && value == "true") || (key == "X-GNOME-Autostart-enabled" && value == "false") {
			return false
		}
	}
	return true
}
