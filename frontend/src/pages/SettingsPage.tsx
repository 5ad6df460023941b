import { useState, type FormEvent } from 'react'
import { api, type Settings, type Status } from '../api'
import { useAction, useQuery } from '../api/hooks'
import { ChannelsCard } from '../components/ChannelsCard'
import { ErrorBox } from '../components/ErrorBox'
import { notify } from '../components/Notices'
import { Button, Card, Checkbox, Field, inputClass, Loading } from '../components/ui'
import { speed } from '../lib/format'
import { getTheme, setTheme, type Theme } from '../lib/theme'

// SettingsPage edits the application-wide settings, where the data key
// lives, and this window's theme.
export default function SettingsPage() {
  const settings = useQuery('settings', api.getSettings, ['settings'])
  const status = useQuery('status', api.status, ['settings'])
  return (
    <div className="max-w-3xl space-y-6">
      {settings.error && <ErrorBox title="Could not read the settings" message={settings.error} onRetry={settings.reload} />}
      {settings.loading && !settings.data && <Loading what="Loading the settings" />}
      {settings.data && <SettingsForm key={formKey(settings.data)} initial={settings.data} trayHost={status.data?.trayHost} />}
      <ChannelsCard />
      {status.error && <ErrorBox title="Could not read where the data key is" message={status.error} onRetry={status.reload} />}
      {settings.data && <StartupCard settings={settings.data} />}
      {status.data && <KeyCard status={status.data} />}
      <ThemeCard />
    </div>
  )
}

// formKey changes when the settings the form edits change, not when a
// channel delivers a message (channels have their own card).
function formKey(s: Settings): string {
  return JSON.stringify({ ...s, channels: undefined })
}

// mbit turns bytes per second into megabits per second, as internet
// connections are sold, to two decimals.
function mbit(bytesPerSec: number | undefined): number {
  return bytesPerSec ? Math.round((bytesPerSec * 8) / 10_000) / 100 : 0
}

function uploadLimitReading(bytesPerSec: number | undefined): string {
  if (!bytesPerSec) return 'Now: no limit.'
  return `Now: ${mbit(bytesPerSec)} Mbit/s, which is ${speed(bytesPerSec)}.`
}

// startHiddenHint says what "Start in the tray" does, and when it cannot.
function startHiddenHint(trayHost: boolean | undefined): string {
  const what =
    'Every time Avault starts, it shows only its tray icon and keeps its window closed, as it does when it starts at login; backups and schedules run as usual. Open the window from the tray icon, or by starting Avault again.'
  return trayHost === false ? `${what} No tray is available on this desktop now, so the window opens anyway.` : what
}

function SettingsForm({ initial, trayHost }: { initial: Settings; trayHost?: boolean }) {
  const [s, setS] = useState(initial)
  const save = useAction(api.updateSettings)
  const set = <K extends keyof Settings>(k: K, v: Settings[K]) => setS((old) => ({ ...old, [k]: v }))
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if ((await save.run(s)).ok) notify('Settings saved.', 'success')
  }
  const dirty = JSON.stringify(s) !== JSON.stringify(initial)
  return (
    <form onSubmit={submit} aria-label="Settings">
      <Card title="Backups">
        <div className="space-y-4">
          <Field
            label="NAS root"
            hint="The folder where the NAS share is mounted, e.g. /mnt/nas or Z:\. Every job's source lies inside it. Avault checks that it exists and is readable when you save."
          >
            {(p) => <input {...p} value={s.nasRoot} onChange={(e) => set('nasRoot', e.target.value)} placeholder="/mnt/nas" className={inputClass} />}
          </Field>
          {initial.nasRoot && <NASCheck root={initial.nasRoot} />}
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Backups at the same time" hint="How many jobs may run at once (1–16). Default 2.">
              {(p) => <input {...p} type="number" min={1} max={16} value={s.workerConcurrency} onChange={(e) => set('workerConcurrency', Number(e.target.value))} className={inputClass} />}
            </Field>
            <Field label="Files in parallel per backup" hint="How many files one backup sends at once (1–64). Default 4; Google Drive gains little above 4.">
              {(p) => <input {...p} type="number" min={1} max={64} value={s.transfersPerRun} onChange={(e) => set('transfersPerRun', Number(e.target.value))} className={inputClass} />}
            </Field>
          </div>
          <Field
            label="Upload limit (Mbit/s)"
            hint={`What all backups together may send per second, so that a backup leaves room on your internet connection; 0 for no limit. ${uploadLimitReading(s.uploadLimit)} Unchanged files copied on the destination's side do not count.`}
          >
            {(p) => (
              <input
                {...p}
                type="number"
                min={0}
                step="any"
                value={mbit(s.uploadLimit)}
                onChange={(e) => set('uploadLimit', Math.round(Math.max(0, Number(e.target.value) || 0) * 125_000))}
                className={inputClass}
              />
            )}
          </Field>
          <Field label="Desktop notifications" hint="When a desktop notification tells you how a backup ended. Email, chat and phone messages are set per channel below.">
            {(p) => (
              <select {...p} value={s.notifications} onChange={(e) => set('notifications', e.target.value)} className={inputClass}>
                <option value="failures">When a backup fails or some files fail</option>
                <option value="all">After every backup</option>
                <option value="never">Never</option>
              </select>
            )}
          </Field>
        </div>
      </Card>
      <Card title="Metrics" className="mt-6">
        <Field
          label="Metrics port"
          hint={`0 for off. Otherwise Avault serves Prometheus metrics at http://127.0.0.1:${s.metricsPort || 'PORT'}/metrics on this computer only, while it runs (any user of this computer can read them: job names, sizes, times). avault serve has /metrics behind its token or password too.`}
        >
          {(p) => <input {...p} type="number" min={0} max={65535} value={s.metricsPort ?? 0} onChange={(e) => set('metricsPort', Number(e.target.value) || 0)} className={inputClass} />}
        </Field>
      </Card>
      <Card title="Window" className="mt-6">
        <Checkbox label="Start in the tray" checked={s.startHidden} onChange={(v) => set('startHidden', v)} hint={startHiddenHint(trayHost)} />
      </Card>
      <Card title="Google Drive sign-in" className="mt-6">
        <div className="space-y-4">
          <p className="text-sm text-slate-600 dark:text-slate-300">
            Avault signs in to Google with your own OAuth client: in Google Cloud Console, create an OAuth client of type "Desktop app" and enter its id and secret here. While
            the consent screen is in "Testing", Google asks you to sign in again every 7 days.
          </p>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Client ID">
              {(p) => <input {...p} value={s.googleClientId ?? ''} onChange={(e) => set('googleClientId', e.target.value)} spellCheck={false} placeholder="1234-abc.apps.googleusercontent.com" className={inputClass} />}
            </Field>
            <Field label="Client secret" hint={s.googleClientSecretSet ? 'A secret is stored (encrypted). Leave this empty to keep it.' : 'Stored encrypted; never shown again.'}>
              {(p) => (
                <input {...p} type="password" autoComplete="new-password" value={s.googleClientSecret ?? ''} onChange={(e) => set('googleClientSecret', e.target.value)} placeholder={s.googleClientSecretSet ? '••••••••' : ''} className={inputClass} />
              )}
            </Field>
          </div>
        </div>
      </Card>
      <div className="mt-4 space-y-3">
        {save.error && <ErrorBox title="The settings were not saved" message={save.error} />}
        <div className="flex gap-2">
          <Button type="submit" variant="primary" busy={save.busy} disabled={!dirty}>
            Save settings
          </Button>
          {dirty && (
            <Button onClick={() => setS(initial)} disabled={save.busy}>
              Undo changes
            </Button>
          )}
        </div>
      </div>
    </form>
  )
}

const sourceText: Record<string, string> = {
  keyring: "in this computer's keyring (login keychain, Secret Service or Credential Manager)",
  file: 'in a file in the data folder (readable only by you)',
  environment: 'in the AVAULT_ENCRYPTION_KEY environment variable',
}

function KeyCard({ status }: { status: Status }) {
  const move = useAction(api.setKeySource)
  const to = async (where: 'keyring' | 'file') => {
    if ((await move.run(where)).ok) notify(where === 'file' ? 'The data key is now kept in a file.' : "The data key is now kept in the keyring.", 'success')
  }
  return (
    <Card title="Data key">
      <p className="text-sm text-slate-600 dark:text-slate-300">
        Avault encrypts stored passwords and access keys with a data key.{' '}
        {status.keySource ? <>It is kept {sourceText[status.keySource] ?? status.keySource}.</> : <>The data key cannot be used right now.</>}
      </p>
      {status.keyError && (
        <div className="mt-3">
          <ErrorBox title="The data key is not available" message={status.keyError} />
        </div>
      )}
      {status.keySource === 'environment' ? (
        <p className="mt-3 text-sm text-slate-500 dark:text-slate-400">While that variable is set, Avault uses it whatever is chosen here.</p>
      ) : (
        <div className="mt-4 flex flex-wrap gap-2">
          <Button onClick={() => void to('keyring')} busy={move.busy} disabled={status.keySource === 'keyring'}>
            Keep it in the keyring
          </Button>
          <Button onClick={() => void to('file')} busy={move.busy} disabled={status.keySource === 'file'}>
            Keep it in a file
          </Button>
        </div>
      )}
      {move.error && (
        <div className="mt-3">
          <ErrorBox title="The data key was not moved" message={move.error} />
        </div>
      )}
    </Card>
  )
}

// NASCheck reads the top of the saved NAS root, to show that it is mounted
// and readable (an unmounted share often looks like an empty folder).
function NASCheck({ root }: { root: string }) {
  const check = useAction(() => api.browseNAS('/'))
  const r = check.lastValue
  const dirs = r?.items.filter((i) => i.type === 'directory').length ?? 0
  return (
    <div className="flex flex-wrap items-center gap-3 text-sm">
      <Button onClick={() => void check.run()} busy={check.busy}>
        Check the NAS root
      </Button>
      {check.error && (
        <span role="alert" className="text-red-700 dark:text-red-300">
          {check.error}
        </span>
      )}
      {r && !check.error && !check.busy && (
        <span role="status" className={r.items.length ? 'text-emerald-800 dark:text-emerald-200' : 'text-amber-800 dark:text-amber-200'}>
          {r.items.length
            ? `${root} is readable: ${dirs} folders and ${r.items.length - dirs} files at its top.`
            : `${root} is empty. If the NAS share is not mounted there, mount it before backing up.`}
        </span>
      )}
    </div>
  )
}

function StartupCard({ settings }: { settings: Settings }) {
  const login = useAction(api.setLaunchAtLogin)
  const pause = useAction(api.pauseSchedules)
  return (
    <Card title="Starting and scheduling">
      <div className="space-y-4">
        <Checkbox
          label="Start Avault when I log in"
          checked={settings.launchAtLogin}
          disabled={login.busy}
          onChange={(v) => void login.run(v)}
          hint="Avault then starts at login in the tray, with its window closed, so scheduled backups run without opening it."
        />
        {login.error && <ErrorBox title="Could not change starting at login" message={login.error} />}
        <Checkbox
          label="Pause every schedule"
          checked={settings.schedulesPaused}
          disabled={pause.busy}
          onChange={(v) => void pause.run(v)}
          hint="No backup starts on its schedule until you resume; Run now still works."
        />
        {pause.error && <ErrorBox title="Could not pause or resume the schedules" message={pause.error} />}
      </div>
    </Card>
  )
}

function ThemeCard() {
  const [theme, set] = useState<Theme>(getTheme)
  const choose = (t: Theme) => {
    set(t)
    setTheme(t)
  }
  return (
    <Card title="Appearance">
      <fieldset>
        <legend className="mb-2 text-sm text-slate-600 dark:text-slate-300">Theme of this window</legend>
        <div className="flex flex-wrap gap-4">
          {(
            [
              ['system', 'Same as the system'],
              ['light', 'Light'],
              ['dark', 'Dark'],
            ] as [Theme, string][]
          ).map(([value, label]) => (
            <label key={value} className="flex items-center gap-2 text-sm">
              <input type="radio" name="theme" value={value} checked={theme === value} onChange={() => choose(value)} className="accent-indigo-600" />
              {label}
            </label>
          ))}
        </div>
      </fieldset>
    </Card>
  )
}
