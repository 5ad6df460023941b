package main

// RcloneConfig returns the rclone configuration lines that read back an
// encrypted destination, with its passwords obscured as rclone config
// writes them.
func (a *App) RcloneConfig(destinationID string) (string, error) {
	return a.svc.RcloneConfig(destinationID)
}
