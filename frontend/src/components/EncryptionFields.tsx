import { Checkbox, Field, inputClass } from './ui'

// The write-only options that carry new passwords to the service, which
// seals them (job.OptionEncryptPassword, job.OptionEncryptSalt in Go).
export const encryptKey = 'encrypt'
const passwordKey = 'encryptPassword'
const saltKey = 'encryptSalt'

// EncryptionState is what the person typed; it never leaves the form
// except inside the save or test request.
export interface EncryptionState {
  password: string
  repeat: string
  salt: string
  confirmed: boolean
  changing: boolean // enter new passwords for a destination already encrypted
}

export const noEncryptionInput: EncryptionState = { password: '', repeat: '', salt: '', confirmed: false, changing: false }

// needsPasswords says whether the form must ask for passwords: encryption
// turned on now, or new passwords asked for.
export function needsPasswords(on: boolean, wasOn: boolean, s: EncryptionState) {
  return on && (!wasOn || s.changing)
}

// encryptionProblem is what stops saving, or null.
export function encryptionProblem(on: boolean, wasOn: boolean, s: EncryptionState): string | null {
  if (!needsPasswords(on, wasOn, s)) return null
  if (!s.password) return 'Enter the encryption password.'
  if (s.password !== s.repeat) return 'The two passwords differ.'
  if (!s.confirmed) return 'Confirm that you understand a lost password means lost backups.'
  return null
}

// withPasswords adds the typed passwords to the options sent.
export function withPasswords(options: Record<string, string>, on: boolean, wasOn: boolean, s: EncryptionState) {
  const out = { ...options }
  delete out[passwordKey]
  delete out[saltKey]
  if (needsPasswords(on, wasOn, s)) {
    out[passwordKey] = s.password
    if (s.salt) out[saltKey] = s.salt
  }
  return out
}

// EncryptionFields turns "Encrypt before upload" on or off and asks for
// the passwords, with the warning the person must confirm.
export function EncryptionFields({
  on,
  wasOn,
  state,
  onToggle,
  onChange,
}: {
  on: boolean
  wasOn: boolean
  state: EncryptionState
  onToggle: (on: boolean) => void
  onChange: (s: EncryptionState) => void
}) {
  const set = (patch: Partial<EncryptionState>) => onChange({ ...state, ...patch })
  const asking = needsPasswords(on, wasOn, state)
  return (
    <fieldset className="space-y-3 rounded-md border border-slate-200 p-3 dark:border-slate-700" data-testid="encryption">
      <Checkbox
        label="Encrypt before upload"
        checked={on}
        onChange={onToggle}
        hint="File contents and names are encrypted on this computer, in rclone's crypt format: any version can be read back with rclone and a crypt remote with the same passwords."
      />
      {on && wasOn && !state.changing && (
        <p className="text-sm text-slate-600 dark:text-slate-300">
          The passwords are sealed and never shown again.{' '}
          <button type="button" className="underline" onClick={() => set({ changing: true })}>
            Enter new passwords
          </button>{' '}
          (for instance to correct a typo: a run refuses passwords that decrypt none of the versions already there, and writes nothing).
        </p>
      )}
      {asking && (
        <>
          <p role="alert" className="rounded-md bg-amber-50 p-3 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100">
            A lost password means lost backups: nobody, Avault included, can decrypt them without it. After saving, keep the rclone
            configuration lines this destination offers somewhere safe, away from the NAS.
          </p>
          <div className="grid gap-3 sm:grid-cols-2">
            <Field label="Encryption password">
              {(p) => <input {...p} type="password" autoComplete="new-password" value={state.password} onChange={(e) => set({ password: e.target.value })} className={inputClass} />}
            </Field>
            <Field label="Password again">
              {(p) => <input {...p} type="password" autoComplete="new-password" value={state.repeat} onChange={(e) => set({ repeat: e.target.value })} className={inputClass} />}
            </Field>
            <Field label="Salt password (optional)" hint="rclone's password2. Empty uses rclone's built-in salt.">
              {(p) => <input {...p} type="password" autoComplete="new-password" value={state.salt} onChange={(e) => set({ salt: e.target.value })} className={inputClass} />}
            </Field>
          </div>
          <Checkbox
            label="I understand that a lost password means lost backups"
            checked={state.confirmed}
            onChange={(v) => set({ confirmed: v })}
          />
        </>
      )}
    </fieldset>
  )
}
