import { useState, type FormEvent } from 'react'
import { api, type Channel } from '../api'
import { useAction, useQuery } from '../api/hooks'
import { ErrorBox } from './ErrorBox'
import { notify } from './Notices'
import { Badge, Button, Card, Checkbox, Empty, Field, inputClass, Loading, Modal } from './ui'
import { ago, dateTime } from '../lib/format'

const kinds: { value: string; label: string; urlHint?: string; placeholder?: string }[] = [
  { value: 'email', label: 'Email' },
  {
    value: 'slack',
    label: 'Slack',
    urlHint: 'The incoming webhook URL of a Slack app (Slack → Apps → Incoming Webhooks).',
    placeholder: 'https://hooks.slack.com/services/…',
  },
  {
    value: 'discord',
    label: 'Discord',
    urlHint: "A channel's webhook URL (channel settings → Integrations → Webhooks).",
    placeholder: 'https://discord.com/api/webhooks/…',
  },
  { value: 'ntfy', label: 'ntfy', urlHint: 'The topic URL, on ntfy.sh or your own server; the ntfy app on a phone subscribes to it.', placeholder: 'https://ntfy.sh/my-backups' },
  {
    value: 'webhook',
    label: 'Webhook (JSON)',
    urlHint: 'Avault POSTs a JSON message here (event, job, status, counts), e.g. for Healthchecks or a script of your own.',
    placeholder: 'https://example.com/hook',
  },
]

const occasions: { value: string; label: string }[] = [
  { value: 'failed', label: 'A backup failed' },
  { value: 'partial', label: 'Some files could not be backed up' },
  { value: 'succeeded', label: 'A backup succeeded' },
  { value: 'stale', label: 'A backup is overdue' },
]

const kindLabel = (k: string) => kinds.find((x) => x.value === k)?.label ?? k

function emptyChannel(): Channel {
  return {
    id: '',
    name: '',
    kind: 'email',
    disabled: false,
    when: ['failed', 'partial', 'stale'],
    smtpSecurity: 'starttls',
    to: [],
    passwordSet: false,
    tokenSet: false,
  } as Channel
}

// ChannelsCard lists where notifications go besides the desktop: each
// channel with its occasions, the outcome of its last delivery, and a
// button that sends a test.
export function ChannelsCard() {
  const list = useQuery('channels', api.listChannels, ['settings'])
  const [editing, setEditing] = useState<Channel | null>(null)
  return (
    <Card title="Notification channels" actions={<Button onClick={() => setEditing(emptyChannel())}>Add a channel</Button>}>
      <p className="mb-4 text-sm text-slate-600 dark:text-slate-300">
        Tell people where they already look: email, Slack, Discord, ntfy on a phone, or a webhook. Each channel has its own occasions. A channel that cannot be reached never
        holds up or fails a backup; its last error shows here.
      </p>
      {list.error && <ErrorBox title="Could not read the channels" message={list.error} onRetry={list.reload} />}
      {list.loading && !list.data && <Loading what="Loading the channels" />}
      {list.data && list.data.length === 0 && <Empty>No channels yet: only desktop notifications are shown.</Empty>}
      {list.data && list.data.length > 0 && (
        <ul className="divide-y divide-slate-200 dark:divide-slate-700" aria-label="Notification channels">
          {list.data.map((c) => (
            <ChannelRow key={c.id} c={c} onEdit={() => setEditing(c)} />
          ))}
        </ul>
      )}
      {editing && <ChannelForm initial={editing} onClose={() => setEditing(null)} />}
    </Card>
  )
}

function ChannelRow({ c, onEdit }: { c: Channel; onEdit: () => void }) {
  const test = useAction(api.testChannel)
  const del = useAction(api.deleteChannel)
  const target = c.kind === 'email' ? (c.to ?? []).join(', ') : c.urlHost
  const send = async () => {
    if ((await test.run(c.id)).ok) notify(`A test message went to ${c.name}.`, 'success')
  }
  const remove = async () => {
    if (window.confirm(`Delete the channel ${c.name}?`)) await del.run(c.id)
  }
  return (
    <li className="py-3" aria-label={c.name}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-2">
            <span className="font-medium">{c.name}</span>
            <Badge>{kindLabel(c.kind)}</Badge>
            {c.disabled && <Badge tone="amber">Off</Badge>}
          </div>
          <p className="break-words text-xs text-slate-500 dark:text-slate-400">
            {target} · when {(c.when ?? []).map((w) => occasions.find((o) => o.value === w)?.label.toLowerCase() ?? w).join(', ')}
          </p>
          {c.lastError ? (
            <p className="mt-1 break-words text-xs text-red-700 dark:text-red-300" role="status">
              Last delivery failed {ago(c.lastErrorAt)}: {c.lastError}
            </p>
          ) : c.lastSentAt ? (
            <p className="mt-1 text-xs text-emerald-800 dark:text-emerald-200" title={dateTime(c.lastSentAt)}>
              Last message delivered {ago(c.lastSentAt)}.
            </p>
          ) : null}
        </div>
        <div className="flex flex-wrap gap-2">
          <Button onClick={() => void send()} busy={test.busy}>
            Send a test
          </Button>
          <Button variant="ghost" onClick={onEdit}>
            Edit
          </Button>
          <Button variant="ghost" onClick={() => void remove()} busy={del.busy}>
            Delete
          </Button>
        </div>
      </div>
      {test.error && (
        <div className="mt-2">
          <ErrorBox title={`The test message to ${c.name} did not arrive`} message={test.error} />
        </div>
      )}
      {del.error && (
        <div className="mt-2">
          <ErrorBox title="The channel was not deleted" message={del.error} />
        </div>
      )}
    </li>
  )
}

function ChannelForm({ initial, onClose }: { initial: Channel; onClose: () => void }) {
  const [c, setC] = useState<Channel>({ ...initial, url: '', password: '', token: '' })
  const [to, setTo] = useState((initial.to ?? []).join(', '))
  const save = useAction(api.saveChannel)
  const set = <K extends keyof Channel>(k: K, v: Channel[K]) => setC((old) => ({ ...old, [k]: v }))
  const kind = kinds.find((k) => k.value === c.kind)
  const isNew = !initial.id
  const toggle = (w: string, on: boolean) => set('when', on ? [...(c.when ?? []), w] : (c.when ?? []).filter((x) => x !== w))
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const out = await save.run({ ...c, to: c.kind === 'email' ? [to] : [] })
    if (out.ok) {
      notify(`Channel ${c.name} saved.`, 'success')
      onClose()
    }
  }
  const urlStored = !isNew && initial.kind === c.kind && !!initial.urlHost
  return (
    <Modal title={isNew ? 'Add a notification channel' : `Edit ${initial.name}`} onClose={onClose}>
      <form onSubmit={submit} className="space-y-4" aria-label="Notification channel">
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Name">{(p) => <input {...p} value={c.name} onChange={(e) => set('name', e.target.value)} placeholder="Family chat" className={inputClass} required />}</Field>
          <Field label="Kind">
            {(p) => (
              <select {...p} value={c.kind} onChange={(e) => set('kind', e.target.value)} className={inputClass}>
                {kinds.map((k) => (
                  <option key={k.value} value={k.value}>
                    {k.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        {c.kind === 'email' ? (
          <>
            <div className="grid gap-4 sm:grid-cols-3">
              <Field label="Mail server" className="sm:col-span-2">
                {(p) => <input {...p} value={c.smtpHost ?? ''} onChange={(e) => set('smtpHost', e.target.value)} placeholder="smtp.example.com" className={inputClass} />}
              </Field>
              <Field label="Port" hint="Empty: 587, or 465 with TLS.">
                {(p) => <input {...p} type="number" min={0} max={65535} value={c.smtpPort || ''} onChange={(e) => set('smtpPort', Number(e.target.value))} className={inputClass} />}
              </Field>
            </div>
            <Field label="Security" hint="Either way the connection is encrypted before any password is sent.">
              {(p) => (
                <select {...p} value={c.smtpSecurity || 'starttls'} onChange={(e) => set('smtpSecurity', e.target.value)} className={inputClass}>
                  <option value="starttls">STARTTLS (usually port 587)</option>
                  <option value="tls">TLS from the start (usually port 465)</option>
                </select>
              )}
            </Field>
            <div className="grid gap-4 sm:grid-cols-2">
              <Field label="User name">{(p) => <input {...p} value={c.username ?? ''} onChange={(e) => set('username', e.target.value)} autoComplete="off" className={inputClass} />}</Field>
              <Field label="Password" hint={initial.passwordSet ? 'A password is stored (encrypted). Leave this empty to keep it.' : 'Stored encrypted; never shown again.'}>
                {(p) => (
                  <input {...p} type="password" autoComplete="new-password" value={c.password ?? ''} onChange={(e) => set('password', e.target.value)} placeholder={initial.passwordSet ? '••••••••' : ''} className={inputClass} />
                )}
              </Field>
            </div>
            <div className="grid gap-4 sm:grid-cols-2">
              <Field label="From">{(p) => <input {...p} type="email" value={c.from ?? ''} onChange={(e) => set('from', e.target.value)} placeholder="avault@example.com" className={inputClass} />}</Field>
              <Field label="To" hint="Addresses separated by commas.">
                {(p) => <input {...p} value={to} onChange={(e) => setTo(e.target.value)} placeholder="me@example.com" className={inputClass} />}
              </Field>
            </div>
          </>
        ) : (
          <>
            <Field label="URL" hint={`${kind?.urlHint ?? ''} ${urlStored ? `Stored (encrypted), pointing at ${initial.urlHost}; leave this empty to keep it.` : 'Stored encrypted; never shown again, since it carries the token.'}`}>
              {(p) => <input {...p} type="url" value={c.url ?? ''} onChange={(e) => set('url', e.target.value)} placeholder={urlStored ? '••••••••' : kind?.placeholder} className={inputClass} />}
            </Field>
            {c.kind === 'ntfy' && (
              <Field label="Access token (optional)" hint={initial.tokenSet ? 'A token is stored (encrypted). Leave this empty to keep it.' : 'For a protected topic: a token such as tk_…'}>
                {(p) => <input {...p} type="password" autoComplete="off" value={c.token ?? ''} onChange={(e) => set('token', e.target.value)} className={inputClass} />}
              </Field>
            )}
          </>
        )}
        <fieldset>
          <legend className="mb-2 text-sm font-medium text-slate-700 dark:text-slate-200">Send a message when</legend>
          <div className="grid gap-2 sm:grid-cols-2">
            {occasions.map((o) => (
              <Checkbox key={o.value} label={o.label} checked={(c.when ?? []).includes(o.value)} onChange={(v) => toggle(o.value, v)} />
            ))}
          </div>
        </fieldset>
        <Checkbox label="Turned off" checked={c.disabled} onChange={(v) => set('disabled', v)} hint="Keeps the channel without sending to it." />
        {save.error && <ErrorBox title="The channel was not saved" message={save.error} />}
        <div className="flex flex-wrap gap-2">
          <Button type="submit" variant="primary" busy={save.busy}>
            {isNew ? 'Add channel' : 'Save channel'}
          </Button>
          <Button onClick={onClose}>Cancel</Button>
        </div>
      </form>
    </Modal>
  )
}
