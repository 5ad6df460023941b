package engine

import (
	"context"
	"fmt"

	"github.com/avault/avault/backend/engine/area"
	"github.com/avault/avault/backend/engine/scan"
	"github.com/avault/avault/backend/storage"
)

// SharedDriveItems is the most files and folders Google lets one Shared
// Drive hold, trashed ones included. My Drive has no such limit.
const SharedDriveItems = 400_000

// ItemLimiter is a destination that holds at most a number of items
// (files and folders together): a Google Shared Drive. where names it in
// messages ("a Google Shared Drive"); a limit of 0 means none.
type ItemLimiter interface {
	ItemLimit() (limit int64, where string)
}

// ItemLimitOf returns the item limit of dest, looking through the
// wrappers Avault puts around a destination; 0 when it has none.
func ItemLimitOf(dest storage.Destination) (int64, string) {
	for d := dest; d != nil; {
		if l, ok := d.(ItemLimiter); ok {
			return l.ItemLimit()
		}
		switch w := d.(type) {
		case interface{ Unwrap() storage.Destination }:
			d = w.Unwrap()
		case *area.View:
			d = w.Destination
		default:
			return 0, ""
		}
	}
	return 0, ""
}

// checkItemLimit refuses, before anything is sent, a run whose version
// would take a destination with an item limit past it: it counts the
// files and folders the rules select (a walk that reads no file), and for
// full copies adds the files of the versions already there, since every
// full copy is items of its own until retention deletes it.
func (r *runner) checkItemLimit(ctx context.Context) error {
	limit, where := ItemLimitOf(r.req.Dest)
	if limit <= 0 {
		return nil
	}
	var files, folders int64
	err := scan.Walk(ctx, r.src, r.rules, func(it *scan.Item) error {
		switch it.Kind {
		case scan.File:
			files++
		case scan.Dir:
			folders++
		}
		return nil
	})
	if err != nil {
		return err
	}
	var there int64
	if ch, _ := r.currentHistory(); !ch {
		versions, err := r.req.Dest.ListVersions(ctx)
		if err != nil {
			return err
		}
		for _, v := range versions {
			there += v.Files
		}
	}
	if total := files + folders + there; total > limit {
		return failf(nil, "%s holds at most %s files and folders, and this backup would bring it to %s "+
			"(%s files and %s folders in the new version%s); nothing was sent. Exclude some of the source, "+
			"split it into several jobs, or back up to another destination",
			where, thousands(limit), thousands(total), thousands(files), thousands(folders), alreadyThere(there))
	}
	return nil
}

func alreadyThere(n int64) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(", %s files in the full copies already there", thousands(n))
}

// thousands writes n with commas between groups of three digits.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
