// The theme follows the system unless the person picked light or dark; the
// choice is kept in this browser (localStorage), per machine.
export type Theme = 'system' | 'light' | 'dark'

const key = 'avault.theme'
const media = typeof window !== 'undefined' ? window.matchMedia?.('(prefers-color-scheme: dark)') : undefined

export function getTheme(): Theme {
  const t = safeGet()
  return t === 'light' || t === 'dark' ? t : 'system'
}

export function setTheme(t: Theme) {
  try {
    if (t === 'system') localStorage.removeItem(key)
    else localStorage.setItem(key, t)
  } catch {
    // storage may be unavailable (private mode); the choice then lasts this page only
  }
  applyTheme(t)
}

export function applyTheme(t: Theme = getTheme()) {
  const dark = t === 'dark' || (t === 'system' && !!media?.matches)
  document.documentElement.classList.toggle('dark', dark)
}

// watchSystemTheme re-applies the theme when the system switches.
export function watchSystemTheme() {
  media?.addEventListener?.('change', () => applyTheme())
}

function safeGet(): string | null {
  try {
    return localStorage.getItem(key)
  } catch {
    return null
  }
}
