package main

import "github.com/avault/avault/backend/notify"

// desktopNotifier shows notifications through the desktop's notification
// service (org.freedesktop.Notifications on Linux).
func desktopNotifier() notify.Notifier { return notify.NewDesktop(notify.DesktopOptions{}) }
