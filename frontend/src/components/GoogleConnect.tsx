import { useEffect, useRef, useState, type FormEvent } from 'react'
import { api, errorMessage, type Credential, type Task } from '../api'
import { useEvent } from '../api/hooks'
import { taskEnded, useTask } from '../lib/tasks'
import { ErrorBox } from './ErrorBox'
import { notify } from './Notices'
import { Button, Checkbox, Field, inputClass } from './ui'

// GoogleConnect signs in to Google Drive. The desktop app opens the system
// browser; in a browser tab (web mode) the sign-in address arrives as an
// event and is offered as a link to follow. With again, it signs that
// account in again in place, so its destinations keep working. The sign-in
// is a task: it shows in the activity list, and Cancel stops the wait.
export function GoogleConnect({ onDone, again }: { onDone: (c?: Credential) => void; again?: Credential }) {
  const [name, setName] = useState(again?.name ?? 'Google Drive')
  const [shared, setShared] = useState(again ? /auth\/drive(\s|$)/.test(again.metadata?.scopes ?? '') : false)
  const [link, setLink] = useState<string | null>(null)
  const [started, setStarted] = useState<Task | null>(null)
  const [error, setError] = useState<string | null>(null)
  const task = useTask(started)
  const busy = !!task && !taskEnded(task)
  useEvent('browser:open', (p) => setLink(p.url))
  const handled = useRef<string | null>(null)
  useEffect(() => {
    if (!task || task.status !== 'SUCCESS' || !task.credential || handled.current === task.id) return
    handled.current = task.id
    const c = task.credential
    notify(again ? `Signed "${c.name}" in again; its destinations work again.` : `Connected "${c.name}".`, 'success')
    onDone(c as Credential)
  }, [task, again, onDone])
  const failed = task?.status === 'FAILED' ? (task.error ?? 'the sign-in failed') : null
  const shownError = error ?? failed
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setLink(null)
    setError(null)
    try {
      setStarted(await api.startConnectGoogle({ name, sharedDrives: shared, credentialId: again?.id }))
    } catch (err) {
      setError(errorMessage(err))
    }
  }
  const cancel = () => {
    if (task) api.cancelTask(task.id).catch((err: unknown) => setError(errorMessage(err)))
  }
  return (
    <form onSubmit={submit} className="space-y-4" aria-label={again ? `Sign ${again.name} in again` : 'Connect Google Drive'}>
      {again ? (
        <p className="text-sm">
          Sign in with the same Google account as before. The new sign-in replaces the old one, and the destinations that use
          &quot;{again.name}&quot; work again without changes.
        </p>
      ) : (
        <Field label="Name" hint="For you to recognise the account.">
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} className={inputClass} />}
        </Field>
      )}
      <Checkbox
        label="Let me choose Shared Drives and existing folders"
        checked={shared}
        onChange={setShared}
        hint="Asks Google for access to all of your Drive. Without it Avault may only see the folders it creates itself, which is enough for My Drive."
      />
      {busy && (
        <div role="status" className="rounded-md bg-sky-50 p-3 text-sm text-sky-900 dark:bg-sky-950 dark:text-sky-100">
          {link ? (
            <>
              Continue in Google&apos;s sign-in page:{' '}
              <a href={link} target="_blank" rel="noopener noreferrer" className="font-medium underline">
                open it
              </a>
              . Avault waits here until you have allowed access.
            </>
          ) : (
            <>Google&apos;s sign-in page opens in your browser. Avault waits here until you have allowed access.</>
          )}
        </div>
      )}
      {shownError && <ErrorBox title="Google Drive was not connected" message={shownError} />}
      <div className="flex gap-2">
        <Button type="submit" variant="primary" busy={busy}>
          Sign in with Google
        </Button>
        {busy ? (
          <Button onClick={cancel}>Stop waiting</Button>
        ) : (
          <Button onClick={() => onDone()}>Cancel</Button>
        )}
      </div>
    </form>
  )
}
