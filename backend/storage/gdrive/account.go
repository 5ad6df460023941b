package gdrive

import (
	"context"

	"google.golang.org/api/drive/v3"
)

// Account is the signed-in Google account and how full its storage is.
type Account struct {
	Email, Name string
	// Used, InTrash and Limit are bytes; InTrash is part of Used, and Limit
	// is 0 when the storage is unlimited.
	Used, InTrash, Limit int64
}

// About returns the signed-in account and its storage quota (about.get),
// for showing who is connected and how much room is left.
func (d *Dest) About(ctx context.Context) (Account, error) {
	var a *drive.About
	err := d.do(ctx, "read the account", metaCall, func(ctx context.Context, _ bool) error {
		var err error
		a, err = d.svc.About.Get().
			Fields("user(displayName,emailAddress),storageQuota(limit,usage,usageInDriveTrash)").Context(ctx).Do()
		return err
	})
	if err != nil {
		return Account{}, err
	}
	acc := Account{}
	if a.User != nil {
		acc.Email, acc.Name = a.User.EmailAddress, a.User.DisplayName
	}
	if q := a.StorageQuota; q != nil {
		acc.Used, acc.InTrash, acc.Limit = q.Usage, q.UsageInDriveTrash, q.Limit
	}
	return acc, nil
}
