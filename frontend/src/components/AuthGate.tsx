// AuthGate stands between the browser and the app in web mode: it checks
// the access token, asks for the password when the server wants one, and
// explains what to do when the page was opened without its link. In the
// desktop window it checks that the background process is the same build,
// and offers to restart it when it is not.
import { useEffect, useState, type FormEvent, type ReactNode } from 'react'
import { errorMessage, session, type AuthState } from '../api'
import { ErrorBox } from './ErrorBox'
import { Button, Field, inputClass } from './ui'

export function AuthGate({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>(session.state())
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    const off = session.subscribe(setState)
    if (session.state() === 'checking') session.check().then(setState, (e: unknown) => setError(errorMessage(e)))
    return off
  }, [])

  if (state === 'ok') return <>{children}</>
  return (
    <div className="grid min-h-screen place-items-center p-6">
      <div className="w-full max-w-md rounded-xl border border-slate-200 bg-white p-8 shadow-sm dark:border-slate-700 dark:bg-slate-800">
        <div className="mb-6 flex items-center gap-2">
          <span aria-hidden className="grid h-8 w-8 place-items-center rounded-lg bg-indigo-600 font-bold text-white">
            A
          </span>
          <h1 className="text-lg font-semibold">Avault</h1>
        </div>
        {error && <ErrorBox title="Avault's server did not answer" message={error} />}
        {!error && state === 'checking' && <p role="status">Connecting…</p>}
        {!error && state === 'token' && (
          <div role="alert" className="space-y-2 text-sm">
            <p className="font-semibold">Open Avault with its link</p>
            <p>
              This page needs the address that <code>avault serve</code> printed when it started; it contains an access key
              (after <code>#token=</code>). Copy that whole address into the address bar.
            </p>
          </div>
        )}
        {!error && state === 'password' && <Login />}
        {!error && state === 'mismatch' && <Mismatch />}
      </div>
    </div>
  )
}

// Mismatch explains that this window and the running background process
// are different builds (Avault was updated while it ran) and restarts it.
function Mismatch() {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const restart = async () => {
    setBusy(true)
    setError(null)
    try {
      await session.restartBackground()
    } catch (err) {
      setError(errorMessage(err))
      setBusy(false)
    }
  }
  return (
    <div role="alert" className="space-y-3 text-sm">
      <p className="font-semibold">Avault was updated while it was running</p>
      <p>{session.mismatch()}</p>
      <p>Restarting it cancels running backups cleanly; they record how they ended and run again on schedule.</p>
      {error && <ErrorBox title="Could not restart Avault" message={error} />}
      <Button onClick={() => void restart()} disabled={busy}>
        {busy ? 'Restarting…' : 'Restart Avault'}
      </Button>
    </div>
  )
}

function Login() {
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await session.login(password)
    } catch (err) {
      setError(errorMessage(err))
      setBusy(false)
    }
  }
  return (
    <form onSubmit={submit} className="space-y-4">
      <Field label="Password" error={error} hint="The password 'avault serve' was started with.">
        {(p) => <input {...p} type="password" autoComplete="current-password" autoFocus value={password} onChange={(e) => setPassword(e.target.value)} className={inputClass} />}
      </Field>
      <Button type="submit" variant="primary" busy={busy} disabled={!password}>
        Sign in
      </Button>
    </form>
  )
}
