// A stand-in for src/api in component tests: every api function is a
// vi.fn, and emit() delivers an event to whoever listens.
import { vi } from 'vitest'
import type { api as realApi, EventMap } from '../api'

type Fns = { [K in keyof typeof realApi]: ReturnType<typeof vi.fn> & (typeof realApi)[K] }

const handlers = new Map<string, Set<(p: unknown) => void>>()

export const api = new Proxy({} as Fns, {
  get(target: Record<string, unknown>, name: string) {
    if (!(name in target)) target[name] = vi.fn(() => new Promise(() => {})) // never settles unless a test says so
    return target[name]
  },
}) as Fns

export function resetApi() {
  for (const k of Object.keys(api)) delete (api as Record<string, unknown>)[k]
  handlers.clear()
}

export function emit<K extends keyof EventMap>(name: K, payload: EventMap[K]) {
  handlers.get(name)?.forEach((fn) => fn(payload))
}

export const module = {
  api,
  onEvent: (name: string, fn: (p: unknown) => void) => {
    const set = handlers.get(name) ?? new Set()
    set.add(fn)
    handlers.set(name, set)
    return () => set.delete(fn)
  },
  errorMessage: (e: unknown) => (typeof e === 'string' ? e : e instanceof Error ? e.message : String(e)),
  runStatuses: ['PENDING', 'RUNNING', 'UPLOADING', 'ROTATING', 'SUCCESS', 'PARTIAL_SUCCESS', 'FAILED', 'CANCELLED'],
  session: {
    mode: 'desktop',
    state: () => 'ok',
    check: async () => 'ok',
    mismatch: () => '',
    restartBackground: async () => {},
    subscribe: () => () => {},
    login: async () => {},
    logout: async () => {},
  },
}
