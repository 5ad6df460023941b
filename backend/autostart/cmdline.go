package autostart

import "strings"

// windowsCommandLine returns exe and args as one Windows command line, as
// the Run key holds it: the program path always in double quotes (a path
// with spaces is otherwise read up to the first space), and each argument
// quoted the way CommandLineToArgvW reads it back.
func windowsCommandLine(exe string, args []string) string {
	words := []string{`"` + exe + `"`}
	for _, a := range args {
		words = append(words, quoteWindowsArg(a))
	}
	return strings.Join(words, " ")
}

// quoteWindowsArg quotes an argument when it is empty or holds a space,
// tab or double quote; backslashes are doubled only where they precede a
// double quote, as CommandLineToArgvW expects.
func quoteWindowsArg(a string) string {
	if a != "" && !strings.ContainsAny(a, " \t\"") {
		return a
	}
	var b strings.Builder
	b.WriteByte('"')
	slashes := 0
	for i := 0; i < len(a); i++ {
		c := a[i]
		if c == '\\' {
			slashes++
			continue
		}
		n := slashes
		if c == '"' {
			n = 2*slashes + 1
		}
		b.WriteString(strings.Repeat(`\`, n))
		b.WriteByte(c)
		slashes = 0
	}
	b.WriteString(strings.Repeat(`\`, 2*slashes))
	b.WriteByte('"')
	return b.String()
}
