import { useState, type FormEvent, type ReactNode } from 'react'
import { api, type Destination, type DryRun, type Job, type Task } from '../api'
import { useAction } from '../api/hooks'
import { renderPattern } from '../lib/pattern'
import { presetLabel, schedulePresets } from '../lib/schedule'
import { href } from '../lib/route'
import { ErrorBox } from './ErrorBox'
import { notify } from './Notices'
import { bytes, plural } from '../lib/format'
import { defaultLayout, jobLayout, layoutLabel, layouts, type Layout } from '../lib/layout'
import { taskEnded, useTask } from '../lib/tasks'
import { TaskProgress } from './Activity'
import { FolderPicker } from './FolderPicker'
import { RetentionPreview } from './RetentionPreview'
import { ScheduleReading } from './ScheduleReading'
import { Button, Checkbox, Field, inputClass, Modal } from './ui'

const lines = (v: string[] | undefined) => (v ?? []).join('\n')
const unlines = (s: string) =>
  s
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)

// JobForm creates or edits a backup job.
export function JobForm({ initial, destinations, onDone }: { initial: Job; destinations: Destination[]; onDone: () => void }) {
  const [j, setJ] = useState<Job>(initial)
  const [includes, setIncludes] = useState(lines(initial.includes))
  const [excludes, setExcludes] = useState(lines(initial.excludes))
  const [customSchedule, setCustomSchedule] = useState(() => !presetLabel(initial.schedule))
  const save = useAction((x: Job) => (x.id ? api.updateJob(x) : api.createJob(x)))
  const set = (patch: Partial<Job>) => setJ((old) => ({ ...old, ...patch }))
  const [picking, setPicking] = useState(false)
  // The preview walks the source as a task: its count shows as it goes,
  // with Cancel, and its result when it is done.
  const preview = useAction(api.startPreview)
  const [previewStarted, setPreviewStarted] = useState<Task | null>(null)
  const previewTask = useTask(previewStarted)
  const previewing = !!previewTask && !taskEnded(previewTask)
  const dry = previewTask?.status === 'SUCCESS' ? previewTask.preview : undefined
  // A new job's layout follows its destination's kind until the person
  // picks one; a saved job keeps its own.
  const [layoutPicked, setLayoutPicked] = useState(!!initial.id)
  const kind = destinations.find((d) => d.id === j.destinationId)?.kind
  const layout: Layout | undefined = layoutPicked ? jobLayout(j.layout) : kind ? defaultLayout(kind) : undefined
  const draft = (): Job => {
    const usesCount = j.retentionType !== 'DAYS'
    const usesDays = j.retentionType !== 'VERSION_COUNT'
    return {
      ...j,
      includes: unlines(includes),
      excludes: unlines(excludes),
      retentionCount: usesCount ? j.retentionCount || 7 : 0,
      retentionDays: usesDays ? j.retentionDays || 30 : 0,
      layout: layout ?? '', // "": the Go side picks by the destination
      folder: layout === 'CURRENT_HISTORY' ? j.folder?.trim() : initial.folder,
    }
  }
  const runPreview = async () => {
    setPreviewStarted(null)
    const r = await preview.run(draft())
    if (r.ok) setPreviewStarted(r.value)
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const r = await save.run(draft())
    if (r.ok) {
      notify(`Saved the job "${r.value.name}".`, 'success')
      onDone()
    }
  }

  const example = renderPattern(j.namePattern, j.name || 'job', new Date())

  return (
    <form onSubmit={submit} className="space-y-6" aria-label="Job">
      <Section title="What to back up">
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Name">{(p) => <input {...p} value={j.name} onChange={(e) => set({ name: e.target.value })} placeholder="Photos" className={inputClass} />}</Field>
          <Field label="Description (optional)">
            {(p) => <input {...p} value={j.description ?? ''} onChange={(e) => set({ description: e.target.value })} className={inputClass} />}
          </Field>
        </div>
        <Field label="NAS folder" hint="A folder inside the NAS root (Settings), e.g. photos/2024. Empty or / is the whole share.">
          {(p) => (
            <div className="flex gap-2">
              <input {...p} value={j.sourcePath} onChange={(e) => set({ sourcePath: e.target.value })} placeholder="photos/2024" spellCheck={false} className={inputClass} />
              <Button onClick={() => setPicking(true)}>Choose…</Button>
            </div>
          )}
        </Field>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Only include (optional)" hint="One pattern per line, e.g. *.jpg or docs/**. Empty: everything.">
            {(p) => <textarea {...p} rows={3} value={includes} onChange={(e) => setIncludes(e.target.value)} spellCheck={false} className={inputClass} />}
          </Field>
          <Field label="Exclude (optional)" hint="One pattern per line, e.g. *.tmp or cache/. Exclusions win over inclusions.">
            {(p) => <textarea {...p} rows={3} value={excludes} onChange={(e) => setExcludes(e.target.value)} spellCheck={false} className={inputClass} />}
          </Field>
        </div>
        <Checkbox
          label="Skip system clutter"
          checked={j.useDefaultExcludes}
          onChange={(v) => set({ useDefaultExcludes: v })}
          hint="Leaves out files NAS and desktop systems make for themselves: .DS_Store, Thumbs.db, @eaDir, #recycle and the like."
        />
        <div>
          <Button onClick={() => void runPreview()} busy={preview.busy || previewing}>
            Preview what would be backed up
          </Button>
          {previewTask && previewing && (
            <div className="mt-2">
              <TaskProgress task={previewTask} />
            </div>
          )}
          {(preview.error || previewTask?.status === 'FAILED') && (
            <div className="mt-2">
              <ErrorBox title="The preview failed" message={preview.error ?? previewTask?.error ?? 'It stopped without saying why.'} />
            </div>
          )}
          {previewTask?.status === 'CANCELLED' && (
            <p role="status" className="mt-2 text-sm text-slate-600 dark:text-slate-300">
              The preview was cancelled.
            </p>
          )}
          {dry && <DryRunSummary dry={dry} />}
        </div>
      </Section>

      <Section title="Where">
        <div className="grid gap-4 sm:grid-cols-2">
          <Field
            label="Destination"
            hint={
              destinations.length === 0 ? (
                <>
                  No destinations yet: <a className="underline" href={href('destinations')}>add one first</a>.
                </>
              ) : undefined
            }
          >
            {(p) => (
              <select {...p} value={j.destinationId} onChange={(e) => set({ destinationId: e.target.value })} className={inputClass}>
                <option value="">Choose…</option>
                {destinations.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            label="Version name"
            hint={
              <>
                {'{date}'}, {'{time}'}, {'{datetime}'} and {'{job}'} are filled in. Example: <output className="font-mono">{example || '—'}</output>
              </>
            }
          >
            {(p) => <input {...p} value={j.namePattern} onChange={(e) => set({ namePattern: e.target.value })} spellCheck={false} className={`${inputClass} font-mono`} />}
          </Field>
        </div>
        <LayoutChoice
          initial={initial}
          layout={layout}
          followsDestination={!layoutPicked}
          folder={j.folder ?? ''}
          name={j.name}
          onLayout={(l) => {
            setLayoutPicked(true)
            set({ layout: l })
          }}
          onFolder={(f) => set({ folder: f })}
        />
      </Section>

      <Section title="When">
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Schedule">
            {(p) => (
              <select
                {...p}
                value={customSchedule ? 'custom' : j.schedule}
                onChange={(e) => {
                  if (e.target.value === 'custom') setCustomSchedule(true)
                  else {
                    setCustomSchedule(false)
                    set({ schedule: e.target.value })
                  }
                }}
                className={inputClass}
              >
                {schedulePresets.map((s) => (
                  <option key={s.cron} value={s.cron}>
                    {s.label}
                  </option>
                ))}
                <option value="custom">Custom (cron expression)…</option>
              </select>
            )}
          </Field>
          <Field label="Cron expression" hint="minute hour day-of-month month day-of-week, in local time">
            {(p) => (
              <input
                {...p}
                value={j.schedule}
                onChange={(e) => {
                  setCustomSchedule(true)
                  set({ schedule: e.target.value })
                }}
                spellCheck={false}
                className={`${inputClass} font-mono`}
              />
            )}
          </Field>
        </div>
        <ScheduleReading expr={j.schedule} />
        <Checkbox
          label="Catch up on missed backups"
          checked={j.catchUp}
          onChange={(v) => set({ catchUp: v })}
          hint="When the computer was asleep or Avault was closed at the scheduled time, run once as soon as it can."
        />
        <Checkbox label="Enabled" checked={j.enabled} onChange={(v) => set({ enabled: v })} hint="A disabled job keeps its settings and history but does not run on its schedule." />
      </Section>

      <Section title="Which versions to keep">
        <fieldset className="space-y-2">
          <legend className="sr-only">Retention</legend>
          {(
            [
              ['VERSION_COUNT', 'The newest versions', 'Keep a fixed number of versions.'],
              ['DAYS', 'Versions from the last days', 'Keep every version younger than a number of days.'],
              ['HYBRID', 'Both', 'Keep a version when it is one of the newest, or young enough.'],
            ] as const
          ).map(([value, label, hint]) => (
            <label key={value} className="flex items-start gap-2 text-sm">
              <input type="radio" name="retention" value={value} checked={j.retentionType === value} onChange={() => set({ retentionType: value })} className="mt-1 accent-indigo-600" />
              <span>
                <span className="font-medium">{label}</span> <span className="text-slate-500 dark:text-slate-400">— {hint}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <div className="grid gap-4 sm:grid-cols-2">
          {j.retentionType !== 'DAYS' && (
            <Field label="Versions to keep">
              {(p) => <input {...p} type="number" min={1} max={1000} value={j.retentionCount || ''} onChange={(e) => set({ retentionCount: Number(e.target.value) })} className={inputClass} />}
            </Field>
          )}
          {j.retentionType !== 'VERSION_COUNT' && (
            <Field label="Days to keep versions">
              {(p) => <input {...p} type="number" min={1} max={36500} value={j.retentionDays || ''} onChange={(e) => set({ retentionDays: Number(e.target.value) })} className={inputClass} />}
            </Field>
          )}
        </div>
        <p className="text-xs text-slate-500 dark:text-slate-400">Whatever the rule, the newest version without failed files is never deleted, and nothing but this job's complete versions is touched.</p>
        <RetentionPreview job={draft()} />
      </Section>

      <Section title="How">
        <Checkbox
          label="Copy unchanged files inside the destination"
          checked={j.incremental}
          onChange={(v) => set({ incremental: v })}
          hint="A file with the same path, size and modification time as in the last complete version is copied there, not uploaded again: far less upload. On Google Drive each copy is still one more file created, at a few files per second, so a version of 100,000 files takes hours even when little changed."
        />
        <Checkbox
          label="Check unchanged files by their content"
          checked={j.verifyUnchangedByHash}
          onChange={(v) => set({ verifyUnchangedByHash: v })}
          hint="Reads every unchanged-looking file on the NAS and compares its SHA-256 before copying it, to catch changes that kept size and time. Costs a full read of the folder on every run."
        />
        <Field label="When nothing changed since the last version">
          {(p) => (
            <select {...p} value={j.onNoChange} onChange={(e) => set({ onNoChange: e.target.value })} className={inputClass}>
              <option value="newVersion">Make a new dated version anyway (every file copied again inside the destination)</option>
              <option value="skip">Skip: write nothing, record the run as succeeded</option>
            </select>
          )}
        </Field>
      </Section>

      {save.error && <ErrorBox title="The job was not saved" message={save.error} />}
      {picking && (
        <Modal title="Choose the NAS folder" onClose={() => setPicking(false)}>
          <FolderPicker
            start={j.sourcePath}
            onPick={(path) => {
              set({ sourcePath: path, name: j.name || path.split('/').pop() || '' })
              setPicking(false)
            }}
            onCancel={() => setPicking(false)}
          />
        </Modal>
      )}
      <div className="flex gap-2">
        <Button type="submit" variant="primary" busy={save.busy}>
          {j.id ? 'Save changes' : 'Create job'}
        </Button>
        <Button onClick={onDone}>Cancel</Button>
      </div>
    </form>
  )
}

// LayoutChoice picks how versions are kept at the destination and, for
// current + history, the folder there that holds them.
function LayoutChoice({
  initial,
  layout,
  followsDestination,
  folder,
  name,
  onLayout,
  onFolder,
}: {
  initial: Job
  layout: Layout | undefined
  followsDestination: boolean
  folder: string
  name: string
  onLayout: (l: Layout) => void
  onFolder: (f: string) => void
}) {
  // The Go side refuses to move a folder that already holds versions.
  const folderLocked = !!initial.lastRunAt && !!initial.folder
  const switched = !!initial.id && layout !== jobLayout(initial.layout)
  return (
    <>
      <fieldset className="space-y-2">
        <legend className="mb-1 text-sm font-medium text-slate-700 dark:text-slate-200">Versions kept as</legend>
        {followsDestination && (
          <p className="text-xs text-slate-500 dark:text-slate-400">Follows the destination until you pick one: full copies on a local folder, current + history on S3 and Google Drive.</p>
        )}
        {layouts.map((l) => (
          <label key={l.value} className="flex items-start gap-2 text-sm">
            <input type="radio" name="layout" value={l.value} checked={layout === l.value} onChange={() => onLayout(l.value)} className="mt-1 accent-indigo-600" />
            <span>
              <span className="font-medium">{l.label}</span> <span className="text-slate-500 dark:text-slate-400">— {l.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {switched && layout && (
        <p role="note" className="text-sm text-amber-800 dark:text-amber-200">
          New versions will be kept as {layoutLabel(layout).toLowerCase()}. The versions made so far stay listed, restorable and under retention.
        </p>
      )}
      {layout === 'CURRENT_HISTORY' && (
        <Field
          label="Folder at the destination"
          className="sm:w-1/2"
          hint={
            folderLocked
              ? 'The job has run, so its current copy and history are in this folder; it cannot change now.'
              : `Holds the current copy and the dated history folders. Empty: ${initial.folder ? `stays ${initial.folder}` : "the job's name"}.`
          }
        >
          {(p) => (
            <input
              {...p}
              value={folder}
              onChange={(e) => onFolder(e.target.value)}
              disabled={folderLocked}
              placeholder={initial.folder || name.trim() || 'the job name'}
              spellCheck={false}
              className={`${inputClass} disabled:cursor-not-allowed disabled:opacity-60`}
            />
          )}
        </Field>
      )}
    </>
  )
}

function DryRunSummary({ dry }: { dry: DryRun }) {
  return (
    <div role="status" className="mt-2 space-y-2 rounded-md bg-slate-50 p-3 text-sm dark:bg-slate-900">
      <p>
        A backup now would take <strong>{plural(dry.files, 'file')}</strong> ({bytes(dry.bytes)})
        {dry.folders > 0 && <> in {plural(dry.folders, 'folder')}</>}
        {dry.symlinks > 0 && <>, record {plural(dry.symlinks, 'symbolic link')} (never followed)</>}, leave out {plural(dry.excluded, 'path')} by the rules
        {dry.skipped > 0 && <>, skip {plural(dry.skipped, 'file')} it cannot back up</>}
        {dry.failed > 0 && <>, and fail to read {plural(dry.failed, 'file')}</>}.
      </p>
      {!!dry.excludedPaths?.length && (
        <details>
          <summary className="cursor-pointer">First paths left out</summary>
          <ul className="mt-1 space-y-0.5 font-mono text-xs">
            {dry.excludedPaths.map((x) => (
              <li key={x.path}>
                {x.path}
                {x.isDir ? '/' : ''} <span className="text-slate-500">({x.rule})</span>
              </li>
            ))}
          </ul>
        </details>
      )}
      {!!dry.symlinkPaths?.length && (
        <details>
          <summary className="cursor-pointer">First symbolic links</summary>
          <ul className="mt-1 space-y-0.5 font-mono text-xs">
            {dry.symlinkPaths.map((l) => (
              <li key={l.path}>
                {l.path} → {l.target}
              </li>
            ))}
          </ul>
        </details>
      )}
      {!!dry.failedPaths?.length && (
        <ul className="text-xs text-red-700 dark:text-red-300">
          {dry.failedPaths.map((f) => (
            <li key={f.path}>
              {f.path}: {f.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="space-y-4 border-t border-slate-200 pt-4 first:border-t-0 first:pt-0 dark:border-slate-700">
      <legend className="mb-2 text-sm font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">{title}</legend>
      {children}
    </fieldset>
  )
}
