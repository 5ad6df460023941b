//go:build linux && !nowindow && cgo

package main

/*
#cgo pkg-config: glib-2.0
#include <stdlib.h>
#include <glib.h>
static void avault_set_prgname(const char *name) { g_set_prgname(name); }
*/
import "C"

import "unsafe"

// setProgramName names the program before GTK starts, so that its windows'
// WM_CLASS is name and Name (as the desktop entry's StartupWMClass says) and
// not the window program's file name. Wails' Linux ProgramName is applied
// only after its window exists, too late for WM_CLASS.
func setProgramName(name string) {
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	C.avault_set_prgname(cs) // GLib keeps its own copy
}
