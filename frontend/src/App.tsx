import { useEffect, useRef } from 'react'
import { pages } from './pages'
import { session } from './api'
import { Activity } from './components/Activity'
import { AuthGate } from './components/AuthGate'
import { Notices } from './components/Notices'
import { focusRing } from './components/ui'
import { href, useRoute } from './lib/route'

// App is the shell: a navigation rail and the page the address names.
export default function App() {
  return (
    <AuthGate>
      <Shell />
      <Notices />
    </AuthGate>
  )
}

function Shell() {
  const route = useRoute()
  const active = pages.find((p) => p.id === route.page) ?? pages[0]
  const Page = active.component
  const heading = useRef<HTMLHeadingElement>(null)
  const first = useRef(true)

  // Moving to another page moves focus to its heading, so keyboard and
  // screen reader users land at the top of what changed.
  useEffect(() => {
    if (first.current) {
      first.current = false
      return
    }
    heading.current?.focus()
    document.title = `${active.label} · Avault`
  }, [active])

  return (
    <div className="flex min-h-screen">
      <a href="#main" onClick={(e) => { e.preventDefault(); heading.current?.focus() }} className={`sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 ${focusRing}`}>
        Skip to content
      </a>
      {/* The rail is as tall as the page, so its background and border reach
          the window's bottom however long the page; its contents stay in
          view while the page scrolls. */}
      <nav aria-label="Main" className="w-52 shrink-0 self-stretch border-r border-slate-200 bg-white dark:border-slate-700 dark:bg-slate-800">
        <div data-testid="rail" className="sticky top-0 flex h-screen flex-col overflow-y-auto p-3">
          <div className="mb-6 flex items-center gap-2 px-2 pt-2">
            <span aria-hidden className="grid h-8 w-8 place-items-center rounded-lg bg-indigo-600 font-bold text-white">
              A
            </span>
            <span className="text-lg font-semibold">Avault</span>
          </div>
          <ul className="space-y-1">
            {pages.map((p) => (
              <li key={p.id}>
                <a
                  href={href(p.id)}
                  aria-current={p.id === active.id ? 'page' : undefined}
                  className={
                    `block rounded-md px-3 py-2 text-sm font-medium ${focusRing} ` +
                    (p.id === active.id
                      ? 'bg-indigo-50 text-indigo-700 dark:bg-indigo-500/20 dark:text-indigo-200'
                      : 'text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-700')
                  }
                >
                  {p.label}
                </a>
              </li>
            ))}
          </ul>
          {session.mode === 'web' && (
            <button
              type="button"
              onClick={() => void session.logout()}
              className={`mt-auto rounded-md px-3 py-2 text-left text-sm text-slate-500 hover:bg-slate-100 dark:text-slate-400 dark:hover:bg-slate-700 ${focusRing}`}
            >
              Sign out
            </button>
          )}
        </div>
      </nav>
      <main id="main" className="min-w-0 flex-1 p-8">
        <h1 ref={heading} tabIndex={-1} className="mb-6 text-2xl font-semibold focus:outline-none">
          {active.label}
        </h1>
        <Activity />
        <Page arg={route.page === active.id ? route.arg : ''} />
      </main>
    </div>
  )
}
