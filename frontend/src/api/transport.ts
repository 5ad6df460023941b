// The transport: how calls and events reach the Go side.
//
// In the desktop window Wails injects window.go and window.runtime (events)
// before this code runs. The window is a client of Avault's background
// process: it binds only a Bridge, and installBridgeTransport defines
// window.go.main.App over Bridge.Call, which forwards each call to the
// background process. In the browser, served by `avault serve`, neither
// exists: installWebTransport defines them over HTTP (POST
// /api/call/{Method}) and a server-sent event stream. Either way the
// generated wailsjs functions work unchanged.

type Callback = (...data: unknown[]) => void

interface Listener {
  cb: Callback
  remaining: number // -1: unlimited
}

// AuthState is what the web transport knows about its access: 'checking'
// at first, 'ok' once the server accepted the token, 'token' when the page
// needs the link `avault serve` printed, 'password' when it needs a login,
// 'mismatch' when the window and the background process are other builds.
export type AuthState = 'checking' | 'ok' | 'token' | 'password' | 'mismatch'

export interface WebDeps {
  fetch: typeof fetch
  EventSource: typeof EventSource
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>
  location: Pick<Location, 'hash' | 'search' | 'pathname'>
  replaceURL: (url: string) => void
  setTimeout: (fn: () => void, ms: number) => unknown
}

const tokenKey = 'avault.token'

// BridgeBinding is what the desktop window binds (window.go.main.Bridge).
export interface BridgeBinding {
  Call(method: string, args: unknown[]): Promise<unknown>
  // Mismatch is "" when the background process is this build, else why not.
  Mismatch(): Promise<string>
  // RestartBackground quits a background process of another build and
  // starts this one; the window closes and a new one opens.
  RestartBackground(): Promise<void>
}

declare global {
  interface Window {
    go?: { main?: { App?: Record<string, (...args: unknown[]) => Promise<unknown>>; Bridge?: BridgeBinding } }
    runtime?: Record<string, unknown>
  }
}

// installBridgeTransport defines window.go.main.App over the window's
// Bridge: each App method is a call in the background process.
export function installBridgeTransport(bridge: BridgeBinding): void {
  const app = new Proxy(
    {},
    {
      get: (_, name) =>
        typeof name === 'string' && name !== 'then' ? (...args: unknown[]) => bridge.Call(name, args) : undefined,
    },
  ) as Record<string, (...args: unknown[]) => Promise<unknown>>
  window.go = { ...window.go, main: { ...window.go?.main, App: app } }
}

// isDesktop reports whether Wails provided the bindings (the desktop window).
export function isDesktop(): boolean {
  return typeof window !== 'undefined' && !!window.go?.main?.App && !!window.runtime
}

// WebTransport calls the bound methods over HTTP and relays the event stream.
export class WebTransport {
  private token: string | null
  private authMode: 'token' | 'password' = 'token'
  private state: AuthState = 'checking'
  private stateListeners = new Set<(s: AuthState) => void>()
  private handlers = new Map<string, Listener[]>()
  private source: EventSource | null = null
  private attached = new Set<string>()
  private retry = 0
  private connecting = false
  private everOpened = false
  private deps: WebDeps

  constructor(deps: WebDeps) {
    this.deps = deps
    this.token = takeTokenFromURL(deps) ?? deps.storage.getItem(tokenKey)
    if (this.token) deps.storage.setItem(tokenKey, this.token)
  }

  // adoptLink takes a token that arrived in the address after the page
  // loaded (the printed link pasted into a tab that already shows Avault)
  // and checks it with the server.
  adoptLink(): void {
    const token = takeTokenFromURL(this.deps)
    if (!token) return
    this.token = token
    this.deps.storage.setItem(tokenKey, token)
    this.checkSession().catch(() => this.setState(this.authMode))
  }

  // authState is the current access state; onAuthState tells of changes.
  authState(): AuthState {
    return this.state
  }

  onAuthState(fn: (s: AuthState) => void): () => void {
    this.stateListeners.add(fn)
    return () => this.stateListeners.delete(fn)
  }

  private setState(s: AuthState) {
    if (s === this.state) return
    this.state = s
    this.stateListeners.forEach((fn) => fn(s))
    if (s === 'ok') this.connect()
  }

  // checkSession asks the server how it wants to be reached and whether the
  // token in hand is good.
  async checkSession(): Promise<AuthState> {
    const res = await this.request('GET', '/api/session')
    const body = (await res.json()) as { auth: 'token' | 'password'; valid: boolean }
    this.authMode = body.auth
    this.setState(body.valid ? 'ok' : body.auth)
    return this.state
  }

  // login exchanges the password for a session token.
  async login(password: string): Promise<void> {
    const res = await this.request('POST', '/api/login', { password })
    const body = (await res.json()) as { token?: string; error?: string }
    if (!res.ok || !body.token) throw body.error ?? `login failed (${res.status})`
    this.token = body.token
    this.deps.storage.setItem(tokenKey, body.token)
    this.setState('ok')
  }

  async logout(): Promise<void> {
    try {
      await this.request('POST', '/api/logout', {})
    } finally {
      this.forget()
    }
  }

  private forget() {
    this.token = null
    this.deps.storage.removeItem(tokenKey)
    this.source?.close()
    this.source = null
    this.attached.clear()
    this.setState(this.authMode)
  }

  private async request(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = {}
    if (this.token) headers.Authorization = `Bearer ${this.token}`
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    try {
      return await this.deps.fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'omit',
        cache: 'no-store',
      })
    } catch {
      throw "Avault's server does not answer. Is 'avault serve' still running?"
    }
  }

  // call runs a bound method. Like Wails, it resolves with the method's
  // value and rejects with the error's message (a string).
  async call(method: string, args: unknown[]): Promise<unknown> {
    const res = await this.request('POST', `/api/call/${encodeURIComponent(method)}`, args)
    const body = parseJSON(await res.text())
    if (body === undefined) throw `Avault's server sent an unreadable answer (${res.status})`
    if (res.ok) return body
    if (res.status === 401) this.forget()
    const msg = (body as { error?: string } | null)?.error
    throw msg ?? `${method} failed (${res.status})`
  }

  on(name: string, cb: Callback, max = -1): () => void {
    const list = this.handlers.get(name) ?? []
    const l: Listener = { cb, remaining: max }
    list.push(l)
    this.handlers.set(name, list)
    this.attach(name)
    return () => this.remove(name, l)
  }

  off(...names: string[]) {
    names.forEach((n) => this.handlers.delete(n))
  }

  offAll() {
    this.handlers.clear()
  }

  // emit delivers an event to this page's listeners (Wails' EventsEmit
  // reaches the frontend's own listeners too).
  emit(name: string, ...data: unknown[]) {
    const list = this.handlers.get(name)
    if (!list) return
    for (const l of [...list]) {
      l.cb(...data)
      if (l.remaining > 0 && --l.remaining === 0) this.remove(name, l)
    }
  }

  private remove(name: string, l: Listener) {
    const list = this.handlers.get(name)?.filter((x) => x !== l)
    if (list?.length) this.handlers.set(name, list)
    else this.handlers.delete(name)
  }

  private attach(name: string) {
    if (!this.source || this.attached.has(name)) return
    this.attached.add(name)
    this.source.addEventListener(name, (e) => {
      const payload = parseJSON((e as MessageEvent<string>).data)
      if (payload !== undefined) this.emit(name, payload)
    })
  }

  // connect opens the event stream with a fresh ticket, and opens it again
  // (backing off up to 15 s) whenever it drops. After a reconnect the page
  // may have missed events, so it is told to reload (data:changed).
  private async connect() {
    if (this.connecting || this.source || this.state !== 'ok') return
    this.connecting = true
    try {
      const res = await this.request('POST', '/api/events/ticket', {})
      if (res.status === 401) {
        this.forget()
        return
      }
      if (!res.ok) throw new Error(String(res.status))
      const { ticket } = (await res.json()) as { ticket: string }
      const es = new this.deps.EventSource(`/api/events?ticket=${encodeURIComponent(ticket)}`)
      this.source = es
      this.attached.clear()
      for (const name of this.handlers.keys()) this.attach(name)
      es.onopen = () => {
        this.retry = 0
        if (this.everOpened) this.emit('data:changed', { what: 'reconnected' })
        this.everOpened = true
      }
      es.onerror = () => {
        es.close()
        if (this.source === es) this.source = null
        this.reconnectLater()
      }
    } catch {
      this.reconnectLater()
    } finally {
      this.connecting = false
    }
  }

  private reconnectLater() {
    const delay = Math.min(15000, 1000 * 2 ** this.retry++)
    this.deps.setTimeout(() => void this.connect(), delay)
  }
}

// parseJSON returns the value of text ("" is null), or undefined when it is not JSON.
function parseJSON(text: string): unknown {
  if (!text) return null
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

// takeTokenFromURL reads the access token from "#token=..." or "?token=..."
// and removes it from the address bar, so it is neither bookmarked nor shown.
function takeTokenFromURL(deps: WebDeps): string | null {
  const fromHash = /(?:^#|[#&])token=([^&]+)/.exec(deps.location.hash)?.[1]
  const fromQuery = new URLSearchParams(deps.location.search).get('token')
  const token = fromHash ? decodeURIComponent(fromHash) : fromQuery
  if (token) deps.replaceURL(deps.location.pathname + '#/')
  return token || null
}

// installWebTransport defines window.go and window.runtime over HTTP.
export function installWebTransport(deps: WebDeps): WebTransport {
  const t = new WebTransport(deps)
  const app = new Proxy(
    {},
    {
      get: (_, name) =>
        typeof name === 'string' && name !== 'then' ? (...args: unknown[]) => t.call(name, args) : undefined,
    },
  ) as Record<string, (...args: unknown[]) => Promise<unknown>>
  window.go = { main: { App: app } }
  window.addEventListener('hashchange', () => t.adoptLink())
  window.runtime = {
    EventsOnMultiple: (name: string, cb: Callback, max: number) => t.on(name, cb, max),
    EventsOff: (name: string, ...more: string[]) => t.off(name, ...more),
    EventsOffAll: () => t.offAll(),
    EventsEmit: (name: string, ...data: unknown[]) => t.emit(name, ...data),
    BrowserOpenURL: (url: string) => window.open(url, '_blank', 'noopener,noreferrer'),
  }
  return t
}

// browserDeps are the real browser's fetch, EventSource and storage.
export function browserDeps(): WebDeps {
  return {
    fetch: (input, init) => window.fetch(input, init),
    EventSource: window.EventSource,
    storage: window.sessionStorage,
    location: window.location,
    replaceURL: (url) => window.history.replaceState(null, '', url),
    setTimeout: (fn, ms) => window.setTimeout(fn, ms),
  }
}
