import { useEffect, useState } from 'react'
import { pages, type PageId } from './pages'

function currentPage(): PageId {
  const id = window.location.hash.replace(/^#\/?/, '')
  return pages.some((p) => p.id === id) ? (id as PageId) : pages[0].id
}

// App is the shell: a navigation rail and the page the hash names.
export default function App() {
  const [page, setPage] = useState<PageId>(currentPage)

  useEffect(() => {
    const onHash = () => setPage(currentPage())
    window.addEventListener('hashchange', onHash)
    return () => window.removeEventListener('hashchange', onHash)
  }, [])

  const active = pages.find((p) => p.id === page) ?? pages[0]
  const Page = active.component

  return (
    <div className="flex h-screen">
      <nav aria-label="Main" className="w-52 shrink-0 border-r border-slate-200 bg-white p-3 dark:border-slate-700 dark:bg-slate-800">
        <div className="mb-6 flex items-center gap-2 px-2 pt-2">
          <span aria-hidden className="grid h-8 w-8 place-items-center rounded-lg bg-indigo-600 font-bold text-white">A</span>
          <span className="text-lg font-semibold">Avault</span>
        </div>
        <ul className="space-y-1">
          {pages.map((p) => (
            <li key={p.id}>
              <a
                href={`#/${p.id}`}
                aria-current={p.id === page ? 'page' : undefined}
                className={
                  'block rounded-md px-3 py-2 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 ' +
                  (p.id === page
                    ? 'bg-indigo-50 text-indigo-700 dark:bg-indigo-500/20 dark:text-indigo-200'
                    : 'text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-700')
                }
              >
                {p.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main className="flex-1 overflow-y-auto p-8">
        <h1 className="mb-6 text-2xl font-semibold">{active.label}</h1>
        <Page />
      </main>
    </div>
  )
}
