package job

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// rateUnits are the units ParseRate knows, lower-cased, in bytes per
// second: binary byte units (as rclone counts), decimal byte units, and
// the bit units that internet providers quote.
var rateUnits = map[string]float64{
	"k": 1 << 10, "ki": 1 << 10, "kib": 1 << 10,
	"m": 1 << 20, "mi": 1 << 20, "mib": 1 << 20,
	"g": 1 << 30, "gi": 1 << 30, "gib": 1 << 30,
	"kb": 1e3, "mb": 1e6, "gb": 1e9,
	"kbit": 1e3 / 8, "kbps": 1e3 / 8,
	"mbit": 1e6 / 8, "mbps": 1e6 / 8,
	"gbit": 1e9 / 8, "gbps": 1e9 / 8,
}

// ParseRate reads an upload limit such as "20Mbit", "2.5 MiB/s", "500K"
// or "0" (no limit; also "off" and "none") into bytes per second. A
// number needs a unit, since a bare one could mean bytes, KiB or bits.
// The result is not checked against the bounds of Settings.UploadLimit.
func ParseRate(s string) (int64, error) {
	t := strings.TrimSpace(s)
	switch strings.ToLower(t) {
	case "":
		return 0, fmt.Errorf("no upload limit given: say 0 for none, or e.g. 20Mbit, 2MiB or 500KiB")
	case "0", "off", "none":
		return 0, nil
	}
	i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i == 0 {
		return 0, fmt.Errorf("upload limit %q does not start with a number (e.g. 20Mbit, 2MiB or 500KiB)", clip(t))
	}
	num, unit := t, ""
	if i > 0 {
		num, unit = t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	}
	unit = strings.TrimSuffix(unit, "/s")
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("upload limit %q is not a number followed by a unit (e.g. 20Mbit, 2MiB or 500KiB)", clip(t))
	}
	if v == 0 {
		return 0, nil
	}
	if unit == "" {
		return 0, fmt.Errorf("upload limit %q has no unit: write e.g. %sMbit (megabits), %sMiB or %sKiB per second", clip(t), num, num, num)
	}
	per, ok := rateUnits[unit]
	if !ok {
		return 0, fmt.Errorf("upload limit %q has an unknown unit %q: use KiB, MiB, GiB, kB, MB, GB, kbit, Mbit or Gbit (per second)", clip(t), clip(unit))
	}
	b := v * per
	if b > float64(MaxUploadLimit)*2 {
		return math.MaxInt64, nil // too high; Validate says so
	}
	return int64(math.Round(b)), nil
}

// FormatRate writes bytes per second the way a person reads them: in the
// unit that shows the value exactly when there is one, "no limit" for 0.
func FormatRate(n int64) string {
	switch {
	case n <= 0:
		return "no limit"
	case n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB/s", n>>30)
	case n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB/s", n>>20)
	case (n*8)%1_000_000 == 0:
		return fmt.Sprintf("%d Mbit/s", n*8/1_000_000)
	case n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB/s", n>>10)
	case (n*8)%1000 == 0:
		return fmt.Sprintf("%d kbit/s", n*8/1000)
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB/s"
	default:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KiB/s"
	}
}

// clip shortens what a person typed for an error message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
