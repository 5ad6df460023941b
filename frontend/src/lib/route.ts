// Routes live in the address's hash: "#/history" or "#/history/<run id>".
import { useEffect, useState } from 'react'

export interface Route {
  page: string
  arg: string
}

export function parseRoute(hash: string): Route {
  const [page = '', ...rest] = hash.replace(/^#\/?/, '').split('/')
  return { page, arg: decodeURIComponent(rest.join('/')) }
}

export function href(page: string, arg?: string): string {
  return `#/${page}${arg ? `/${encodeURIComponent(arg)}` : ''}`
}

export function navigate(page: string, arg?: string) {
  window.location.hash = href(page, arg)
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash))
  useEffect(() => {
    const on = () => setRoute(parseRoute(window.location.hash))
    window.addEventListener('hashchange', on)
    return () => window.removeEventListener('hashchange', on)
  }, [])
  return route
}
