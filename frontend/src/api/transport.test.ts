import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { installBridgeTransport, installWebTransport, type BridgeBinding, type WebDeps } from './transport'
import { JobStorage } from '../../wailsjs/go/main/App'

// A fake server: answers fetch like `avault serve` and records requests.
type Reply = { status?: number; body?: unknown }
function fakeServer(routes: Record<string, (body: unknown, headers: Record<string, string>) => Reply>) {
  const calls: { url: string; body: unknown; headers: Record<string, string> }[] = []
  const fetch = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    const headers = (init?.headers ?? {}) as Record<string, string>
    const body = init?.body ? JSON.parse(String(init.body)) : undefined
    calls.push({ url: String(url), body, headers })
    const route = routes[String(url)]
    const r = route ? route(body, headers) : { status: 404, body: { error: 'no such method' } }
    return new Response(r.body === undefined ? '' : JSON.stringify(r.body), { status: r.status ?? 200 })
  })
  return { fetch: fetch as unknown as typeof globalThis.fetch, calls }
}

// FakeEventSource records the streams opened and lets a test send events.
class FakeEventSource {
  static opened: FakeEventSource[] = []
  url: string
  onopen: (() => void) | null = null
  onerror: (() => void) | null = null
  closed = false
  listeners = new Map<string, ((e: MessageEvent) => void)[]>()
  constructor(url: string) {
    this.url = url
    FakeEventSource.opened.push(this)
  }
  addEventListener(name: string, fn: (e: MessageEvent) => void) {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), fn])
  }
  close() {
    this.closed = true
  }
  send(name: string, data: string) {
    this.listeners.get(name)?.forEach((fn) => fn(new MessageEvent(name, { data })))
  }
}

function deps(fetch: typeof globalThis.fetch, hash = ''): WebDeps & { storage: Map<string, string>; replaced: string[]; timers: (() => void)[] } {
  const storage = new Map<string, string>()
  const replaced: string[] = []
  const timers: (() => void)[] = []
  return {
    fetch,
    EventSource: FakeEventSource as unknown as typeof EventSource,
    storage: Object.assign(storage, {
      getItem: (k: string) => storage.get(k) ?? null,
      setItem: (k: string, v: string) => void storage.set(k, v),
      removeItem: (k: string) => void storage.delete(k),
    }),
    location: { hash, search: '', pathname: '/' },
    replaceURL: (u: string) => replaced.push(u),
    setTimeout: (fn: () => void) => timers.push(fn),
    replaced,
    timers,
  } as never
}

const flush = () => new Promise((r) => setTimeout(r, 0))

beforeEach(() => {
  FakeEventSource.opened = []
})
afterEach(() => {
  delete window.go
  delete window.runtime
})

describe('web transport', () => {
  it('takes the token from the link, hides it, and calls methods with it', async () => {
    const server = fakeServer({
      '/api/call/RenameCredential': (body, h) => ({ body: { id: (body as string[])[0], name: (body as string[])[1], auth: h.Authorization } }),
    })
    const d = deps(server.fetch, '#token=abc123')
    installWebTransport(d)
    expect(d.replaced).toEqual(['/#/'])
    expect(d.storage.get('avault.token')).toBe('abc123')
    // The generated bindings call window.go.main.App.<Method>(...args).
    const out = await window.go!.main!.App!.RenameCredential('c1', 'New name')
    expect(out).toEqual({ id: 'c1', name: 'New name', auth: 'Bearer abc123' })
    expect(server.calls[0].headers['Content-Type']).toBe('application/json')
  })

  it('carries a generated binding by its method name', async () => {
    const server = fakeServer({ '/api/call/JobStorage': (body) => ({ body: { versions: [], stored: (body as string[])[0] === 'j1' ? 42 : 0 } }) })
    installWebTransport(deps(server.fetch, '#token=t'))
    expect(await JobStorage('j1')).toEqual({ versions: [], stored: 42 })
    expect(server.calls[0].body).toEqual(['j1'])
  })

  it("rejects with the server's error message, as the desktop does", async () => {
    const server = fakeServer({ '/api/call/CreateJob': () => ({ status: 422, body: { error: 'name: required' } }) })
    installWebTransport(deps(server.fetch, '#token=t'))
    await expect(window.go!.main!.App!.CreateJob({})).rejects.toBe('name: required')
  })

  it('says so when the server is gone', async () => {
    const fetch = vi.fn(async () => {
      throw new TypeError('Failed to fetch')
    }) as unknown as typeof globalThis.fetch
    installWebTransport(deps(fetch, '#token=t'))
    await expect(window.go!.main!.App!.Status()).rejects.toMatch(/does not answer/)
  })

  it('asks for the link again when the token is refused', async () => {
    const server = fakeServer({
      '/api/session': () => ({ body: { auth: 'token', valid: true } }),
      '/api/call/Status': () => ({ status: 401, body: { error: 'sign in first' } }),
      '/api/events/ticket': () => ({ body: { ticket: 'tk' } }),
    })
    const d = deps(server.fetch, '#token=t')
    const t = installWebTransport(d)
    expect(await t.checkSession()).toBe('ok')
    const states: string[] = []
    t.onAuthState((s) => states.push(s))
    await expect(window.go!.main!.App!.Status()).rejects.toBe('sign in first')
    expect(states).toEqual(['token'])
    expect(d.storage.has('avault.token')).toBe(false)
  })

  it('logs in with a password and keeps the session token', async () => {
    const server = fakeServer({
      '/api/session': () => ({ body: { auth: 'password', valid: false } }),
      '/api/login': (b) => ((b as { password: string }).password === 'right' ? { body: { token: 'sess' } } : { status: 401, body: { error: 'wrong password' } }),
      '/api/events/ticket': () => ({ body: { ticket: 'tk' } }),
    })
    const d = deps(server.fetch)
    const t = installWebTransport(d)
    expect(await t.checkSession()).toBe('password')
    await expect(t.login('nope')).rejects.toBe('wrong password')
    await t.login('right')
    expect(t.authState()).toBe('ok')
    expect(d.storage.get('avault.token')).toBe('sess')
  })

  it('relays events from the stream to the runtime listeners', async () => {
    const server = fakeServer({
      '/api/session': () => ({ body: { auth: 'token', valid: true } }),
      '/api/events/ticket': (_, h) => ({ body: { ticket: h.Authorization === 'Bearer t' ? 'tk1' : 'bad' } }),
    })
    const t = installWebTransport(deps(server.fetch, '#token=t'))
    const got: unknown[] = []
    const once: unknown[] = []
    // The generated runtime.js calls window.runtime.EventsOnMultiple.
    const rt = window.runtime as { EventsOnMultiple: (n: string, cb: (p: unknown) => void, max: number) => () => void }
    const off = rt.EventsOnMultiple('backup:progress', (p) => got.push(p), -1)
    rt.EventsOnMultiple('backup:progress', (p) => once.push(p), 1)
    await t.checkSession()
    await flush()
    const es = FakeEventSource.opened[0]
    expect(es.url).toBe('/api/events?ticket=tk1')
    es.send('backup:progress', '{"jobId":"j1","filesUploaded":3}')
    es.send('backup:progress', '{"jobId":"j1","filesUploaded":4}')
    expect(got).toEqual([
      { jobId: 'j1', filesUploaded: 3 },
      { jobId: 'j1', filesUploaded: 4 },
    ])
    expect(once).toHaveLength(1)
    off()
    es.send('backup:progress', '{}')
    expect(got).toHaveLength(2)
  })

  it('reconnects with a new ticket after the stream drops, and asks pages to reload', async () => {
    let n = 0
    const server = fakeServer({
      '/api/session': () => ({ body: { auth: 'token', valid: true } }),
      '/api/events/ticket': () => ({ body: { ticket: `tk${++n}` } }),
    })
    const d = deps(server.fetch, '#token=t')
    const t = installWebTransport(d)
    const changed: unknown[] = []
    t.on('data:changed', (p) => changed.push(p))
    await t.checkSession()
    await flush()
    const first = FakeEventSource.opened[0]
    first.onopen?.()
    first.onerror?.()
    expect(first.closed).toBe(true)
    expect(d.timers).toHaveLength(1)
    d.timers[0]()
    await flush()
    const second = FakeEventSource.opened[1]
    expect(second.url).toBe('/api/events?ticket=tk2')
    second.onopen?.()
    expect(changed).toEqual([{ what: 'reconnected' }])
    second.send('data:changed', '{"what":"jobs"}')
    expect(changed).toEqual([{ what: 'reconnected' }, { what: 'jobs' }])
  })
})

describe('installBridgeTransport', () => {
  it('makes every generated App function a call through the Bridge', async () => {
    const calls: [string, unknown[]][] = []
    const bridge: BridgeBinding = {
      Call: vi.fn(async (method: string, args: unknown[]) => {
        calls.push([method, args])
        if (method === 'JobStorage') return { total: 42 }
        throw 'job "x" not found'
      }),
      Mismatch: async () => '',
      RestartBackground: async () => {},
    }
    const saved = window.go
    try {
      window.go = { main: { Bridge: bridge } }
      installBridgeTransport(bridge)
      await expect(JobStorage('job1')).resolves.toEqual({ total: 42 })
      expect(calls).toEqual([['JobStorage', ['job1']]])
      // An error rejects with the service's message, as Wails' bindings do.
      await expect(window.go?.main?.App?.GetJob('x')).rejects.toBe('job "x" not found')
      expect(window.go?.main?.Bridge).toBe(bridge)
    } finally {
      window.go = saved
    }
  })
})
