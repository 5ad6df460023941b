package gdrive

// sharedDriveItems is the most files and folders Google lets one Shared
// Drive hold, trashed ones included.
const sharedDriveItems = 400_000

// ItemLimit reports the item limit of a Shared Drive; My Drive has none.
// The Shared Drive is known once the root has been found (Check or any
// listing).
func (d *Dest) ItemLimit() (int64, string) {
	if d.drive() == "" {
		return 0, ""
	}
	return sharedDriveItems, "a Google Shared Drive"
}
