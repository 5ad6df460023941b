//go:build linux && !nowindow && cgo

package main

/*
#cgo pkg-config: gtk+-3.0
#define _GNU_SOURCE
#include <dlfcn.h>
#include <gtk/gtk.h>

// Wails starts the page's load (webkit_web_view_load_uri) before it shows
// the window. On WebKitGTK 2.50 that first call holds the main thread for
// 150 to 200 ms on the 2-core machine: it sets up EGL (the GL driver, with
// Mesa's LLVM, is loaded into this process) and starts WebKit's web and
// network processes, and only then is the window shown. Wails' C code in
// this executable calls webkit_web_view_load_uri, so the definition below
// takes that call: the first load waits until the window has drawn its
// first frame (or 300 ms, should it never draw), and every later call goes
// straight to WebKit's function. The window appears about 200 ms sooner;
// the page, whose load now starts after that first frame instead of beside
// it, about 80 ms later (docs/DECISIONS.md).

typedef void (*avault_load_uri_fn)(void *view, const gchar *uri);

typedef struct {
	GtkWidget *view;
	GtkWidget *top;
	gchar *uri;
	gulong handler;
	guint timer;
} avault_pending_load;

static int avault_loads_seen;
static int avault_loads_deferred;

static avault_load_uri_fn avault_real_load_uri(void) {
	static avault_load_uri_fn real;
	if (real == NULL) {
		real = (avault_load_uri_fn)dlsym(RTLD_NEXT, "webkit_web_view_load_uri");
	}
	return real;
}

static gboolean avault_run_pending(gpointer data) {
	avault_pending_load *p = data;
	if (p->handler != 0) {
		g_signal_handler_disconnect(p->top, p->handler);
	}
	if (p->timer != 0) {
		g_source_remove(p->timer);
	}
	avault_real_load_uri()(p->view, p->uri);
	g_object_unref(p->view);
	g_object_unref(p->top);
	g_free(p->uri);
	g_free(p);
	return G_SOURCE_REMOVE;
}

// After the first frame is drawn, the load runs once the main loop is idle,
// so that frame reaches the screen first.
static gboolean avault_on_first_draw(GtkWidget *w, cairo_t *cr, gpointer data) {
	avault_pending_load *p = data;
	g_signal_handler_disconnect(p->top, p->handler);
	p->handler = 0;
	if (p->timer != 0) {
		g_source_remove(p->timer);
		p->timer = 0;
	}
	g_idle_add(avault_run_pending, p);
	return FALSE;
}

static gboolean avault_on_timeout(gpointer data) {
	avault_pending_load *p = data;
	p->timer = 0;
	return avault_run_pending(p);
}

void webkit_web_view_load_uri(void *view, const gchar *uri) {
	avault_load_uri_fn real = avault_real_load_uri();
	GtkWidget *top = gtk_widget_get_toplevel(GTK_WIDGET(view));
	if (avault_loads_seen++ > 0 || !GTK_IS_WINDOW(top) || gtk_widget_get_mapped(top)) {
		real(view, uri);
		return;
	}
	avault_loads_deferred++;
	avault_pending_load *p = g_new0(avault_pending_load, 1);
	p->view = g_object_ref(GTK_WIDGET(view));
	p->top = g_object_ref(top);
	p->uri = g_strdup(uri);
	p->handler = g_signal_connect_after(top, "draw", G_CALLBACK(avault_on_first_draw), p);
	p->timer = g_timeout_add(300, avault_on_timeout, p);
}

static int avault_first_load_deferred(void) { return avault_loads_deferred; }
*/
import "C"

// firstLoadDeferred says the page's first load waited for the window's
// first frame; false means Wails no longer calls webkit_web_view_load_uri
// from its own code and the window shows late again.
func firstLoadDeferred() bool { return C.avault_first_load_deferred() == 1 }
