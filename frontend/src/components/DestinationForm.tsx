import { useMemo, useState, type FormEvent } from 'react'
import { api, type Choice, type Destination } from '../api'
import { useAction, useQuery } from '../api/hooks'
import { bucketTrail, localTrail, picked } from '../lib/destinations'
import { presetFor, s3Presets } from '../lib/s3presets'
import { ChoicePicker } from './ChoicePicker'
import { CredentialForm } from './CredentialForm'
import { ErrorBox } from './ErrorBox'
import { notify } from './Notices'
import { Button, Checkbox, Field, inputClass, Modal } from './ui'

// The kinds this form can set up.
const formKinds = ['local', 's3', 'gdrive']

// What the Browse… picker is called and where it starts, per kind.
const pickers: Record<string, { title: string; top: string; start: (d: Destination) => Choice[] }> = {
  local: { title: 'Choose the folder', top: 'This computer', start: (d) => localTrail(d.remoteId) },
  s3: { title: 'Choose the bucket', top: 'All buckets', start: (d) => bucketTrail(d.remoteId, d.folderPath) },
  gdrive: { title: 'Choose the drive and folder', top: 'All drives', start: () => [] },
}

const empty: Destination = { id: '', name: '', kind: 'local', remoteId: '', folderPath: '', options: {}, createdAt: '', updatedAt: '' }

// DestinationForm creates or edits a destination, with "Test connection"
// before saving.
export function DestinationForm({ initial, onDone }: { initial?: Destination; onDone: () => void }) {
  const [d, setD] = useState<Destination>(initial ?? empty)
  const [preset, setPreset] = useState(() => presetFor(initial?.options?.endpoint).id)
  const [tested, setTested] = useState<'ok' | null>(null)
  const kinds = useQuery('kinds', api.destinationKinds)
  const creds = useQuery('credentials', api.listCredentials, ['credentials'])
  const [newCred, setNewCred] = useState(false)
  const [browsing, setBrowsing] = useState(false)
  const [driveName, setDriveName] = useState<{ id: string; name: string } | null>(null)
  const test = useAction(api.testDestination)
  const save = useAction((x: Destination) => (x.id ? api.updateDestination(x) : api.createDestination(x)))

  const set = (patch: Partial<Destination>) => {
    setTested(null)
    setD((old) => ({ ...old, ...patch }))
  }
  const setOpt = (k: string, v: string | undefined) => {
    const options = { ...(d.options ?? {}) }
    if (v === undefined || v === '') delete options[k]
    else options[k] = v
    set({ options })
  }
  const choosePreset = (id: string) => {
    const p = s3Presets.find((x) => x.id === id) ?? s3Presets[0]
    setPreset(p.id)
    const options: Record<string, string> = { ...(d.options ?? {}), region: p.region }
    const endpoint = p.endpoint(p.region)
    if (endpoint) options.endpoint = endpoint
    else delete options.endpoint
    if (p.pathStyle) options.pathStyle = 'true'
    else delete options.pathStyle
    if (p.checksumCompat) options.checksumCompat = 'true'
    else delete options.checksumCompat
    set({ options })
  }
  const setRegion = (region: string) => {
    const p = s3Presets.find((x) => x.id === preset)
    const options: Record<string, string> = { ...(d.options ?? {}), region }
    if (!region) delete options.region
    if (p && p.id !== 'r2' && p.endpoint(region)) options.endpoint = p.endpoint(region)
    set({ options })
  }
  const chooseKind = (kind: string) => {
    set({ kind, remoteId: '', folderPath: '', credentialId: undefined, options: {} })
    if (kind === 's3') {
      setPreset('aws')
      setD((old) => ({ ...old, options: { region: 'us-east-1' } }))
    }
    if (kind === 'gdrive') setD((old) => ({ ...old, remoteId: 'root' }))
  }

  const s3Creds = useMemo(() => (creds.data ?? []).filter((c) => c.provider === 's3'), [creds.data])
  const googleCreds = useMemo(() => (creds.data ?? []).filter((c) => c.provider === 'gdrive'), [creds.data])
  const kindList = (kinds.data ?? []).filter((k) => formKinds.includes(k.name))
  const activePreset = s3Presets.find((p) => p.id === preset) ?? s3Presets[0]

  const runTest = async () => {
    if ((await test.run(d)).ok) setTested('ok')
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const r = await save.run(d)
    if (r.ok) {
      notify(`Saved the destination "${r.value.name}".`, 'success')
      onDone()
    }
  }
  return (
    <div className="space-y-4">
      {kinds.error && <ErrorBox title="Could not list the kinds of destination" message={kinds.error} onRetry={kinds.reload} />}
      <form onSubmit={submit} className="space-y-4" aria-label="Destination">
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Name">{(p) => <input {...p} value={d.name} onChange={(e) => set({ name: e.target.value })} placeholder="Backup disk" className={inputClass} />}</Field>
          <Field label="Kind" hint={kindList.find((k) => k.name === d.kind)?.description}>
            {(p) => (
              <select {...p} value={d.kind} disabled={!!d.id} onChange={(e) => chooseKind(e.target.value)} className={inputClass}>
                {kindList.map((k) => (
                  <option key={k.name} value={k.name}>
                    {k.title}
                  </option>
                ))}
                {!kindList.some((k) => k.name === d.kind) && <option value={d.kind}>{d.kind}</option>}
              </select>
            )}
          </Field>
        </div>

        {d.kind === 'local' && (
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Folder" hint="Absolute path of an existing folder, e.g. /media/backup or E:\Backups. Avault puts a small marker file in it, to notice when the disk is not mounted.">
              {(p) => (
                <div className="flex gap-2">
                  <input {...p} value={d.remoteId} onChange={(e) => set({ remoteId: e.target.value })} placeholder="/media/backup" className={inputClass} />
                  <Button onClick={() => setBrowsing(true)}>Browse…</Button>
                </div>
              )}
            </Field>
            <Field label="Subfolder (optional)" hint="Created inside the folder when needed.">
              {(p) => <input {...p} value={d.folderPath ?? ''} onChange={(e) => set({ folderPath: e.target.value })} placeholder="avault" className={inputClass} />}
            </Field>
          </div>
        )}

        {d.kind === 's3' && (
          <>
            <div className="grid gap-4 sm:grid-cols-2">
              <Field label="Provider" hint={activePreset.hint}>
                {(p) => (
                  <select {...p} value={preset} onChange={(e) => choosePreset(e.target.value)} className={inputClass}>
                    {s3Presets.map((x) => (
                      <option key={x.id} value={x.id}>
                        {x.label}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label="Access key">
                {(p) => (
                  <select
                    {...p}
                    value={d.credentialId ?? ''}
                    onChange={(e) => (e.target.value === '+' ? setNewCred(true) : set({ credentialId: e.target.value || undefined }))}
                    className={inputClass}
                  >
                    <option value="">Choose…</option>
                    {s3Creds.map((c) => (
                      <option key={c.id} value={c.id}>
                        {c.name} ({c.metadata?.accessKeyId ?? 'S3'})
                      </option>
                    ))}
                    <option value="+">New access key…</option>
                  </select>
                )}
              </Field>
            </div>
            <div className="grid gap-4 sm:grid-cols-2">
              <Field label="Bucket" hint="Browse… lists the buckets the access key can see.">
                {(p) => (
                  <div className="flex gap-2">
                    <input {...p} value={d.remoteId} onChange={(e) => set({ remoteId: e.target.value })} spellCheck={false} className={inputClass} />
                    <Button onClick={() => setBrowsing(true)}>Browse…</Button>
                  </div>
                )}
              </Field>
              <Field label="Folder in the bucket (optional)" hint="e.g. backups/nas">
                {(p) => <input {...p} value={d.folderPath ?? ''} onChange={(e) => set({ folderPath: e.target.value })} spellCheck={false} className={inputClass} />}
              </Field>
              <Field label="Endpoint URL" hint={preset === 'aws' ? 'Empty for Amazon S3.' : 'The address of the S3 service.'}>
                {(p) => <input {...p} value={d.options?.endpoint ?? ''} onChange={(e) => setOpt('endpoint', e.target.value)} spellCheck={false} className={inputClass} />}
              </Field>
              <Field label="Region">{(p) => <input {...p} value={d.options?.region ?? ''} onChange={(e) => setRegion(e.target.value)} spellCheck={false} className={inputClass} />}</Field>
              <Field label="Storage class (optional)" hint="e.g. STANDARD_IA; empty for the bucket's default.">
                {(p) => <input {...p} value={d.options?.storageClass ?? ''} onChange={(e) => setOpt('storageClass', e.target.value)} className={inputClass} />}
              </Field>
              <Field label="Server-side encryption">
                {(p) => (
                  <select {...p} value={d.options?.sse ?? ''} onChange={(e) => setOpt('sse', e.target.value)} className={inputClass}>
                    <option value="">The bucket's default</option>
                    <option value="AES256">AES256 (keys managed by the store)</option>
                    <option value="aws:kms">aws:kms</option>
                  </select>
                )}
              </Field>
              {d.options?.sse === 'aws:kms' && (
                <Field label="KMS key ID">{(p) => <input {...p} value={d.options?.sseKmsKeyId ?? ''} onChange={(e) => setOpt('sseKmsKeyId', e.target.value)} className={inputClass} />}</Field>
              )}
            </div>
            <Checkbox
              label="Path-style addressing"
              checked={d.options?.pathStyle === 'true'}
              onChange={(v) => setOpt('pathStyle', v ? 'true' : undefined)}
              hint="Puts the bucket in the path (https://host/bucket) instead of the host name. Most S3-compatible stores need it."
            />
            <Checkbox
              label="Send checksums only when required"
              checked={d.options?.checksumCompat === 'true'}
              onChange={(v) => setOpt('checksumCompat', v ? 'true' : undefined)}
              hint="For S3-compatible stores that reject the newer checksum headers."
            />
          </>
        )}

        {d.kind === 'gdrive' && (
          <>
            <div className="grid gap-4 sm:grid-cols-2">
              <Field label="Google account" hint={googleCreds.length === 0 ? 'Connect a Google account first (Accounts below this list).' : undefined}>
                {(p) => (
                  <select {...p} value={d.credentialId ?? ''} onChange={(e) => set({ credentialId: e.target.value || undefined })} className={inputClass}>
                    <option value="">Choose…</option>
                    {googleCreds.map((c) => (
                      <option key={c.id} value={c.id}>
                        {c.name}
                        {c.status === 'reauth' ? ' (sign in again)' : ''}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label="Drive" hint="Browse… lists My Drive, the shared drives and their folders.">
                {(p) => (
                  <div className="flex gap-2">
                    <select {...p} value={d.remoteId === 'root' ? 'root' : 'shared'} onChange={(e) => set({ remoteId: e.target.value === 'root' ? 'root' : '' })} className={inputClass}>
                      <option value="root">My Drive</option>
                      <option value="shared">A shared drive</option>
                    </select>
                    <Button onClick={() => setBrowsing(true)}>Browse…</Button>
                  </div>
                )}
              </Field>
              {d.remoteId !== 'root' && (
                <Field
                  label="Shared drive ID"
                  hint={
                    driveName?.id === d.remoteId && d.remoteId
                      ? `The shared drive "${driveName.name}".`
                      : "The last part of the shared drive's address in Google Drive (…/drive/folders/THIS-PART). Needs the sign-in that allows choosing Shared Drives."
                  }
                >
                  {(p) => <input {...p} value={d.remoteId} onChange={(e) => set({ remoteId: e.target.value })} spellCheck={false} className={inputClass} />}
                </Field>
              )}
              <Field label="Folder (optional)" hint="Created when missing, e.g. Backups/NAS.">
                {(p) => <input {...p} value={d.folderPath ?? ''} onChange={(e) => set({ folderPath: e.target.value })} className={inputClass} />}
              </Field>
            </div>
            <Checkbox
              label="Move old versions to the trash"
              checked={d.options?.trash === 'true'}
              onChange={(v) => setOpt('trash', v ? 'true' : undefined)}
              hint="Retention then moves versions to Drive's trash (emptied after 30 days) instead of deleting them; they count against your storage until then."
            />
          </>
        )}

        {test.error && <ErrorBox title="The connection test failed" message={test.error} />}
        {tested === 'ok' && !test.error && (
          <p role="status" className="rounded-md bg-emerald-50 p-3 text-sm text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100">
            Connection works: Avault can reach this destination and write to it.
          </p>
        )}
        {save.error && <ErrorBox title="The destination was not saved" message={save.error} />}
        <div className="flex flex-wrap gap-2">
          <Button onClick={() => void runTest()} busy={test.busy}>
            Test connection
          </Button>
          <Button type="submit" variant="primary" busy={save.busy}>
            {d.id ? 'Save changes' : 'Add destination'}
          </Button>
          <Button onClick={onDone}>Cancel</Button>
        </div>
      </form>
      {browsing && pickers[d.kind] && (
        <Modal title={pickers[d.kind].title} onClose={() => setBrowsing(false)}>
          <ChoicePicker
            destination={d}
            top={pickers[d.kind].top}
            start={pickers[d.kind].start(d)}
            onPick={(trail) => {
              setBrowsing(false)
              if (d.kind === 'gdrive') setDriveName({ id: trail[0].id, name: trail[0].name })
              set(picked(d.kind, trail))
            }}
            onCancel={() => setBrowsing(false)}
          />
        </Modal>
      )}
      {newCred && (
        <Modal title="Add an S3 access key" onClose={() => setNewCred(false)}>
          <CredentialForm
            defaultName={activePreset.label}
            onDone={(c) => {
              setNewCred(false)
              if (c) {
                creds.reload()
                set({ credentialId: c.id })
              }
            }}
          />
        </Modal>
      )}
    </div>
  )
}
