import { useEffect, useRef, useState } from 'react'
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
  // On a narrow screen (a phone) the navigation is a menu under a bar.
  const [menu, setMenu] = useState(false)

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
    <div className="flex min-h-screen flex-col md:flex-row">
      <a href="#main" onClick={(e) => { e.preventDefault(); heading.current?.focus() }} className={`sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 ${focusRing}`}>
        Skip to content
      </a>
      <header className="sticky top-0 z-30 flex items-center justify-between gap-2 border-b border-slate-200 bg-white px-3 py-2 md:hidden dark:border-slate-700 dark:bg-slate-800">
        <div className="flex min-w-0 items-center gap-2">
          <span aria-hidden className="grid h-8 w-8 shrink-0 place-items-center rounded-lg bg-indigo-600 font-bold text-white">
            A
          </span>
          <span className="truncate text-lg font-semibold">{active.label}</span>
        </div>
        <button
          type="button"
          aria-expanded={menu}
          aria-controls="main-nav"
          onClick={() => setMenu((m) => !m)}
          className={`inline-flex min-h-11 items-center gap-2 rounded-md border border-slate-300 px-3 text-sm font-medium dark:border-slate-600 ${focusRing}`}
        >
          <svg aria-hidden viewBox="0 0 20 20" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth={2}>
            {menu ? <path d="M5 5l10 10M15 5L5 15" /> : <path d="M3 5h14M3 10h14M3 15h14" />}
          </svg>
          Menu
        </button>
      </header>
      {/* The rail is as tall as the page, so its background and border reach
          the window's bottom however long the page; its contents stay in
          view while the page scrolls. On a phone it is the menu's panel. */}
      <nav
        id="main-nav"
        aria-label="Main"
        className={`${menu ? 'block' : 'hidden'} border-b border-slate-200 bg-white md:block md:w-52 md:shrink-0 md:self-stretch md:border-b-0 md:border-r dark:border-slate-700 dark:bg-slate-800`}
      >
        <div data-testid="rail" className="flex flex-col p-3 md:sticky md:top-0 md:h-screen md:overflow-y-auto">
          <div className="mb-6 hidden items-center gap-2 px-2 pt-2 md:flex">
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
                  onClick={() => setMenu(false)}
                  aria-current={p.id === active.id ? 'page' : undefined}
                  className={
                    `block rounded-md px-3 py-3 text-base font-medium md:py-2 md:text-sm ${focusRing} ` +
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
              className={`mt-4 rounded-md px-3 py-3 text-left text-sm text-slate-500 hover:bg-slate-100 md:mt-auto md:py-2 dark:text-slate-400 dark:hover:bg-slate-700 ${focusRing}`}
            >
              Sign out
            </button>
          )}
        </div>
      </nav>
      <main id="main" className="min-w-0 flex-1 p-4 md:p-8">
        <h1 ref={heading} tabIndex={-1} className="mb-4 text-2xl font-semibold focus:outline-none md:mb-6">
          {active.label}
        </h1>
        <Activity />
        <Page arg={route.page === active.id ? route.arg : ''} />
      </main>
    </div>
  )
}
