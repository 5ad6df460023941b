import { useState, type FormEvent } from 'react'
import { api, type Credential } from '../api'
import { useAction } from '../api/hooks'
import { ErrorBox } from './ErrorBox'
import { notify } from './Notices'
import { Button, Field, inputClass } from './ui'

// CredentialForm adds an S3 access key pair. The secret goes to the Go
// side once, to be sealed, and is never shown again.
export function CredentialForm({ onDone, defaultName = '' }: { onDone: (c?: Credential) => void; defaultName?: string }) {
  const [name, setName] = useState(defaultName)
  const [keyId, setKeyId] = useState('')
  const [secret, setSecret] = useState('')
  const add = useAction(api.addS3Credential)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    e.stopPropagation()
    const r = await add.run({ name, accessKeyId: keyId, secretAccessKey: secret })
    if (r.ok) {
      notify(`Saved the access key "${r.value.name}".`, 'success')
      onDone(r.value)
    }
  }
  return (
    <form onSubmit={submit} className="space-y-4" aria-label="S3 access key">
      <Field label="Name" hint="For you to recognise it, e.g. the account or the store.">
        {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} className={inputClass} />}
      </Field>
      <Field label="Access key ID">
        {(p) => <input {...p} value={keyId} onChange={(e) => setKeyId(e.target.value)} autoComplete="off" spellCheck={false} className={inputClass} />}
      </Field>
      <Field label="Secret access key" hint="Encrypted before it is stored.">
        {(p) => <input {...p} type="password" value={secret} onChange={(e) => setSecret(e.target.value)} autoComplete="new-password" className={inputClass} />}
      </Field>
      {add.error && <ErrorBox title="The access key was not saved" message={add.error} />}
      <div className="flex gap-2">
        <Button type="submit" variant="primary" busy={add.busy} disabled={!name || !keyId || !secret}>
          Save access key
        </Button>
        <Button onClick={() => onDone()}>Cancel</Button>
      </div>
    </form>
  )
}
