import { useMemo, useState, type FormEvent } from 'react'
import { api, type Choice, type Destination, type KindField } from '../api'
import { useAction, useQuery } from '../api/hooks'
import { bucketTrail, localTrail, picked } from '../lib/destinations'
import { presetFor, s3Presets } from '../lib/s3presets'
import { ChoicePicker } from './ChoicePicker'
import { CredentialForm } from './CredentialForm'
import { EncryptionFields, encryptionProblem, encryptKey, noEncryptionInput, withPasswords, type EncryptionState } from './EncryptionFields'
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

// OptionDecl is a destination option as its kind declares it (job.Option
// in Go, carried by the kind's field in `option`). The form renders a kind's
// options from these declarations, the same ones saving checks values
// against and `avault dest add -h` lists.
interface OptionDecl {
  key: string
  label: string
  help: string
  type: 'text' | 'lines' | 'bool' | 'int' | 'choice'
  default?: string
  example?: string
  choices?: { value: string; label: string }[]
  min?: number
  max?: number
  when?: { key: string; value: string }
  advanced?: boolean
}
type OptionField = KindField & { option?: OptionDecl }

// optionsOf returns the options a kind declares, in its order.
function optionsOf(fields: KindField[] | undefined): OptionDecl[] {
  return ((fields ?? []) as OptionField[]).flatMap((f) => (f.option ? [f.option] : []))
}

// applies says whether option o applies with the options set so far.
const applies = (o: OptionDecl, options: Record<string, string>) => !o.when || options[o.when.key] === o.when.value

// withoutInapplicable drops the options that no longer apply (a KMS key once
// the encryption is no longer aws:kms), which saving would refuse.
function withoutInapplicable(decls: OptionDecl[], options: Record<string, string>) {
  const out = { ...options }
  for (const o of decls) if (!applies(o, out)) delete out[o.key]
  return out
}

const sentence = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

// OptionInput is the control for one declared option; an empty value
// leaves the option out, which means its default.
function OptionInput({ o, value, onChange }: { o: OptionDecl; value: string; onChange: (v: string | undefined) => void }) {
  const hint = o.default && o.type !== 'bool' && o.type !== 'choice' ? `${o.help} Empty means ${o.default}.` : o.help
  const placeholder = o.example && o.type !== 'lines' ? `e.g. ${o.example}` : o.default
  switch (o.type) {
    case 'bool':
      return <Checkbox label={o.label} checked={value === 'true'} onChange={(v) => onChange(v ? 'true' : undefined)} hint={o.help} />
    case 'choice':
      return (
        <Field label={o.label} hint={hint}>
          {(p) => (
            <select {...p} value={value} onChange={(e) => onChange(e.target.value)} className={inputClass}>
              <option value="">{sentence(o.default ?? 'not set')}</option>
              {(o.choices ?? []).map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
          )}
        </Field>
      )
    case 'lines':
      return (
        <Field label={o.label} hint={hint} className="sm:col-span-2">
          {(p) => <textarea {...p} value={value} onChange={(e) => onChange(e.target.value)} rows={4} spellCheck={false} placeholder={o.example} className={`${inputClass} font-mono`} />}
        </Field>
      )
    default:
      return (
        <Field label={o.label} hint={hint}>
          {(p) => (
            <input
              {...p}
              value={value}
              onChange={(e) => onChange(e.target.value)}
              inputMode={o.type === 'int' ? 'numeric' : undefined}
              placeholder={placeholder}
              spellCheck={false}
              className={inputClass}
            />
          )}
        </Field>
      )
  }
}

// OptionFields renders the options a kind declares that apply: values to
// type or pick first, then the switches; the advanced ones folded away.
function OptionFields({ decls, options, onChange }: { decls: OptionDecl[]; options: Record<string, string>; onChange: (key: string, v: string | undefined) => void }) {
  const group = (list: OptionDecl[]) => {
    const shown = list.filter((o) => applies(o, options))
    const values = shown.filter((o) => o.type !== 'bool')
    const switches = shown.filter((o) => o.type === 'bool')
    const input = (o: OptionDecl) => <OptionInput key={o.key} o={o} value={options[o.key] ?? ''} onChange={(v) => onChange(o.key, v)} />
    return (
      <>
        {values.length > 0 && <div className="grid gap-4 sm:grid-cols-2">{values.map(input)}</div>}
        {switches.map(input)}
      </>
    )
  }
  const advanced = decls.filter((o) => o.advanced)
  return (
    <>
      {group(decls.filter((o) => !o.advanced))}
      {advanced.length > 0 && (
        <details className="space-y-4">
          <summary className="cursor-pointer text-sm font-medium text-slate-700 dark:text-slate-200">More options</summary>
          <div className="mt-3 space-y-4">{group(advanced)}</div>
        </details>
      )}
    </>
  )
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
  // "Encrypt before upload" has its own fields (passwords, a warning to confirm).
  const decls = optionsOf(kinds.data?.find((k) => k.name === d.kind)?.fields).filter((o) => o.key !== encryptKey)
  const [enc, setEnc] = useState<EncryptionState>(noEncryptionInput)
  const encOn = d.options?.[encryptKey] === 'true'
  const encWasOn = initial?.options?.[encryptKey] === 'true'
  const [encError, setEncError] = useState<string | null>(null)
  const toggleEncryption = (on: boolean) => {
    setEncError(null)
    const options = { ...(d.options ?? {}) }
    if (on) options[encryptKey] = 'true'
    else if (encWasOn) options[encryptKey] = 'false'
    else delete options[encryptKey]
    set({ options })
  }
  // outgoing is the destination as sent: with the typed passwords, or
  // null (and the reason shown) when they are not complete.
  const outgoing = (): Destination | null => {
    const problem = encryptionProblem(encOn, encWasOn, enc)
    setEncError(problem)
    if (problem) return null
    return { ...d, options: withPasswords(d.options ?? {}, encOn, encWasOn, enc) }
  }
  const setOpt = (k: string, v: string | undefined) => {
    const options = { ...(d.options ?? {}) }
    if (v === undefined || v === '') delete options[k]
    else options[k] = v
    set({ options: withoutInapplicable(decls, options) })
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
  // A Google account signed in with the drive.file scope only: Drive shows
  // it nothing but what it created (docs/DECISIONS.md, "Drive's scopes").
  const chosenCred = googleCreds.find((c) => c.id === d.credentialId)
  const chosenScopes = chosenCred?.metadata?.scopes ?? ''
  const fileScopeOnly = /auth\/drive\.file(\s|$)/.test(chosenScopes) && !/auth\/drive(\s|$)/.test(chosenScopes)
  const kindList = (kinds.data ?? []).filter((k) => formKinds.includes(k.name))
  const activePreset = s3Presets.find((p) => p.id === preset) ?? s3Presets[0]

  const runTest = async () => {
    const x = outgoing()
    if (x && (await test.run(x)).ok) setTested('ok')
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const x = outgoing()
    if (!x) return
    const r = await save.run(x)
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
          <>
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
            <OptionFields decls={decls} options={d.options ?? {}} onChange={setOpt} />
          </>
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
            </div>
            <OptionFields decls={decls} options={d.options ?? {}} onChange={(k, v) => (k === 'region' ? setRegion(v ?? '') : setOpt(k, v))} />
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
            {fileScopeOnly && (
              <p role="note" data-testid="drive-file-scope" className="rounded-md bg-amber-50 p-3 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100">
                This account was connected with access to the files Avault creates only (Google&apos;s drive.file permission). Avault
                sees the folders and versions it made itself with this sign-in. A folder you made on Google Drive&apos;s website, a
                folder ID you paste, and backups written through another sign-in or another Avault are invisible to it: name a
                folder path and Avault makes it. To use existing folders or Shared Drives, connect the account again with “Let me
                choose Shared Drives and existing folders”.
              </p>
            )}
            <OptionFields decls={decls} options={d.options ?? {}} onChange={setOpt} />
          </>
        )}

        {formKinds.includes(d.kind) && (
          <EncryptionFields
            on={encOn}
            wasOn={encWasOn}
            state={enc}
            onToggle={toggleEncryption}
            onChange={(x) => {
              setEncError(null)
              setEnc(x)
            }}
          />
        )}
        {encError && <ErrorBox title="Encryption" message={encError} />}
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
