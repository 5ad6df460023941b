import { useState, type ReactNode } from 'react'
import { api, type Credential, type Destination } from '../api'
import { useAction, useQuery } from '../api/hooks'
import { DestinationForm } from '../components/DestinationForm'
import { CredentialForm } from '../components/CredentialForm'
import { ErrorBox } from '../components/ErrorBox'
import { GoogleConnect } from '../components/GoogleConnect'
import { notify } from '../components/Notices'
import { Badge, Button, Card, Empty, Loading, Modal } from '../components/ui'
import { kindLabel, where } from '../lib/destinations'

// DestinationsPage lists where backups go and the accounts they use.
export default function DestinationsPage() {
  return (
    <div className="max-w-5xl space-y-6">
      <Destinations />
      <Credentials />
    </div>
  )
}

function Destinations() {
  const q = useQuery('destinations', api.listDestinations, ['destinations'])
  const [editing, setEditing] = useState<Destination | 'new' | null>(null)
  const [deleting, setDeleting] = useState<Destination | null>(null)
  const [rclone, setRclone] = useState<Destination | null>(null)
  const test = useAction(api.testDestination)
  const [tested, setTested] = useState<string | null>(null)

  const runTest = async (d: Destination) => {
    setTested(d.id)
    if ((await test.run(d)).ok) notify(`"${d.name}" works: Avault can write there.`, 'success')
  }
  return (
    <Card
      title="Destinations"
      actions={
        <Button variant="primary" onClick={() => setEditing('new')}>
          Add destination
        </Button>
      }
    >
      {q.error && <ErrorBox title="Could not list the destinations" message={q.error} onRetry={q.reload} />}
      {q.loading && !q.data && <Loading />}
      {q.data?.length === 0 && <Empty>No destinations yet. Add the place your backups should go: a folder on another disk or an S3 bucket.</Empty>}
      {!!q.data?.length && (
        <ul className="divide-y divide-slate-200 dark:divide-slate-700">
          {q.data.map((d) => (
            <li key={d.id} className="flex flex-wrap items-center gap-3 py-3">
              <div className="min-w-0 flex-1">
                <p className="font-medium">
                  {d.name} <Badge>{kindLabel(d.kind)}</Badge>
                  {d.options?.encrypt === 'true' && <Badge>encrypted</Badge>}
                </p>
                <p className="truncate text-sm text-slate-500 dark:text-slate-400" title={where(d)}>
                  {where(d)}
                </p>
                {tested === d.id && test.error && (
                  <div className="mt-2">
                    <ErrorBox title={`"${d.name}" does not work`} message={test.error} />
                  </div>
                )}
              </div>
              <Button onClick={() => void runTest(d)} busy={test.busy && tested === d.id} aria-label={`Test ${d.name}`}>
                Test
              </Button>
              {d.options?.encrypt === 'true' && (
                <Button onClick={() => setRclone(d)} aria-label={`rclone configuration for ${d.name}`}>
                  rclone config
                </Button>
              )}
              <Button onClick={() => setEditing(d)} aria-label={`Edit ${d.name}`}>
                Edit
              </Button>
              <Button variant="ghost" onClick={() => setDeleting(d)} aria-label={`Delete ${d.name}`}>
                Delete
              </Button>
            </li>
          ))}
        </ul>
      )}
      {editing && (
        <Modal title={editing === 'new' ? 'Add a destination' : `Edit ${editing.name}`} onClose={() => setEditing(null)} wide>
          <DestinationForm initial={editing === 'new' ? undefined : editing} onDone={() => setEditing(null)} />
        </Modal>
      )}
      {rclone && (
        <Modal title={`Read "${rclone.name}" with rclone`} onClose={() => setRclone(null)} wide>
          <RcloneLines destination={rclone} />
        </Modal>
      )}
      {deleting && (
        <ConfirmDelete
          title={`Delete the destination "${deleting.name}"?`}
          text="Backups already written there stay where they are; Avault only forgets this destination. It refuses while a job uses it."
          onClose={() => setDeleting(null)}
          onConfirm={() => api.deleteDestination(deleting.id)}
          done={`Deleted the destination "${deleting.name}".`}
        />
      )}
    </Card>
  )
}

// RcloneLines shows the rclone configuration that reads an encrypted
// destination back without Avault, to be kept somewhere safe.
function RcloneLines({ destination }: { destination: Destination }) {
  const q = useQuery(`rclone-${destination.id}`, () => api.rcloneConfig(destination.id))
  return (
    <div className="space-y-3">
      <p className="text-sm">
        Add these lines to rclone&apos;s configuration (<code>rclone config file</code> shows where it is) to read any version of
        this destination with stock rclone, for example <code>rclone copy NAME:VERSION /restore/here</code>. The passwords in them
        are obscured, not encrypted: whoever has these lines can read the backups. Keep them somewhere safe, away from the NAS.
      </p>
      {q.error && <ErrorBox title="Could not make the rclone configuration" message={q.error} onRetry={q.reload} />}
      {q.loading && !q.data && <Loading />}
      {q.data && (
        <pre data-testid="rclone-config" className="overflow-x-auto rounded-md bg-slate-100 p-3 font-mono text-xs dark:bg-slate-800">
          {q.data}
        </pre>
      )}
      {q.data && <Button onClick={() => void navigator.clipboard?.writeText(q.data ?? '').then(() => notify('Copied the rclone configuration.', 'success'))}>Copy</Button>}
    </div>
  )
}

function Credentials() {
  const q = useQuery('credentials', api.listCredentials, ['credentials'])
  const [adding, setAdding] = useState(false)
  const [google, setGoogle] = useState(false)
  const [signAgain, setSignAgain] = useState<Credential | null>(null)
  const [renaming, setRenaming] = useState<Credential | null>(null)
  const [deleting, setDeleting] = useState<Credential | null>(null)
  return (
    <Card
      title="Accounts and access keys"
      actions={
        <>
          <Button onClick={() => setGoogle(true)}>Connect Google Drive</Button>
          <Button onClick={() => setAdding(true)}>Add S3 access key</Button>
        </>
      }
    >
      <p className="mb-3 text-sm text-slate-500 dark:text-slate-400">Secrets are encrypted with the data key and never shown again; only a masked hint is kept for display.</p>
      {q.error && <ErrorBox title="Could not list the accounts" message={q.error} onRetry={q.reload} />}
      {q.loading && !q.data && <Loading />}
      {q.data?.length === 0 && <Empty>No accounts yet. S3 destinations need an access key and Google Drive a sign-in; local folders need none.</Empty>}
      {!!q.data?.length && (
        <ul className="divide-y divide-slate-200 dark:divide-slate-700">
          {q.data.map((c) => (
            <li key={c.id} className="flex flex-wrap items-center gap-3 py-3">
              <div className="min-w-0 flex-1">
                <p className="font-medium">
                  {c.name} <Badge>{kindLabel(c.provider)}</Badge>{' '}
                  {c.status === 'reauth' && <Badge tone="red">Sign in again</Badge>}
                </p>
                <p className="text-sm text-slate-500 dark:text-slate-400">
                  {Object.entries(c.metadata ?? {})
                    .map(([k, v]) => `${metaLabel[k] ?? k}: ${k === 'scopes' ? scopeText(v) : v}`)
                    .join(' · ') || '—'}
                </p>
                {c.status === 'reauth' && (
                  <p role="alert" className="mt-1 text-sm text-red-700 dark:text-red-300">
                    {c.provider === 'gdrive'
                      ? 'Google no longer accepts this sign-in (it was revoked, expired, or the app is in testing and 7 days passed). Sign in again: its destinations then work again as they are.'
                      : 'The provider refused these keys. Add new keys and point the destination at them.'}
                  </p>
                )}
              </div>
              {c.provider === 'gdrive' && (
                <Button variant={c.status === 'reauth' ? 'primary' : undefined} onClick={() => setSignAgain(c)} aria-label={`Sign ${c.name} in again`}>
                  Sign in again
                </Button>
              )}
              <Button onClick={() => setRenaming(c)} aria-label={`Rename ${c.name}`}>
                Rename
              </Button>
              <Button variant="ghost" onClick={() => setDeleting(c)} aria-label={`Delete ${c.name}`}>
                Delete
              </Button>
            </li>
          ))}
        </ul>
      )}
      {adding && (
        <Modal title="Add an S3 access key" onClose={() => setAdding(false)}>
          <CredentialForm onDone={() => setAdding(false)} />
        </Modal>
      )}
      {google && (
        <Modal title="Connect Google Drive" onClose={() => setGoogle(false)}>
          <GoogleConnect onDone={() => setGoogle(false)} />
        </Modal>
      )}
      {signAgain && (
        <Modal title={`Sign "${signAgain.name}" in again`} onClose={() => setSignAgain(null)}>
          <GoogleConnect again={signAgain} onDone={() => setSignAgain(null)} />
        </Modal>
      )}
      {renaming && <Rename cred={renaming} onClose={() => setRenaming(null)} />}
      {deleting && (
        <ConfirmDelete
          title={`Delete "${deleting.name}"?`}
          text="Its secret is destroyed. Avault refuses while a destination uses it."
          onClose={() => setDeleting(null)}
          onConfirm={() => api.deleteCredential(deleting.id)}
          done={`Deleted "${deleting.name}".`}
        />
      )}
    </Card>
  )
}

// scopeText says what a Google sign-in allows Avault to see.
function scopeText(scopes: string): string {
  return /auth\/drive(\s|$)/.test(scopes) ? 'all of Drive' : scopes.includes('drive.file') ? 'only folders Avault made' : scopes
}

const metaLabel: Record<string, string> = { accessKeyId: 'Access key', email: 'Account', scopes: 'Access', clientId: 'OAuth client' }

function Rename({ cred, onClose }: { cred: Credential; onClose: () => void }) {
  const [name, setName] = useState(cred.name)
  const act = useAction(api.renameCredential)
  return (
    <Modal title={`Rename "${cred.name}"`} onClose={onClose}>
      <form
        onSubmit={async (e) => {
          e.preventDefault()
          if ((await act.run(cred.id, name)).ok) onClose()
        }}
        className="space-y-4"
      >
        <label className="block text-sm font-medium" htmlFor="cred-name">
          Name
        </label>
        <input id="cred-name" value={name} onChange={(e) => setName(e.target.value)} className="w-full rounded-md border border-slate-300 px-2.5 py-1.5 text-sm dark:border-slate-600 dark:bg-slate-900" />
        {act.error && <ErrorBox title="Not renamed" message={act.error} />}
        <div className="flex gap-2">
          <Button type="submit" variant="primary" busy={act.busy}>
            Rename
          </Button>
          <Button onClick={onClose}>Cancel</Button>
        </div>
      </form>
    </Modal>
  )
}

// ConfirmDelete asks before deleting, and shows why a deletion was refused.
export function ConfirmDelete({
  title,
  text,
  onClose,
  onConfirm,
  done,
  children,
}: {
  title: string
  text: string
  onClose: () => void
  onConfirm: () => Promise<unknown>
  done: string
  children?: ReactNode
}) {
  const act = useAction(onConfirm)
  return (
    <Modal title={title} onClose={onClose}>
      <p className="text-sm text-slate-600 dark:text-slate-300">{text}</p>
      {children}
      {act.error && (
        <div className="mt-3">
          <ErrorBox title="Not deleted" message={act.error} />
        </div>
      )}
      <div className="mt-5 flex gap-2">
        <Button
          variant="danger"
          busy={act.busy}
          onClick={async () => {
            if ((await act.run()).ok) {
              notify(done, 'success')
              onClose()
            }
          }}
        >
          Delete
        </Button>
        <Button onClick={onClose}>Cancel</Button>
      </div>
    </Modal>
  )
}
