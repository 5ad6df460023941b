// The api module is the only place that knows how the frontend reaches the Go
// side: the generated Wails bindings, over Wails' IPC in the desktop window or
// over HTTP when `avault serve` serves the page to a browser (see transport.ts).
import * as App from '../../wailsjs/go/main/App'
import { EventsOn } from '../../wailsjs/runtime/runtime'
import type { service } from '../../wailsjs/go/models'
import {
  browserDeps,
  installBridgeTransport,
  installWebTransport,
  isDesktop,
  type AuthState,
  type BridgeBinding,
  type WebTransport,
} from './transport'

// Plain<T> is a generated model without its helper methods: the JSON the Go
// side sends and accepts.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type Plain<T> = T extends Function
  ? never
  : T extends (infer E)[]
    ? Plain<E>[]
    : T extends object
      ? { [K in keyof T as T[K] extends (...a: never[]) => unknown ? never : K]: Plain<T[K]> }
      : T

export type Status = Plain<service.Status>
export type Settings = Plain<service.Settings>
export type Credential = Plain<service.Credential>
export type Channel = Plain<service.Channel>
export type JobTrend = Plain<service.JobTrend>
export type TrendPoint = Plain<service.TrendPoint>
export type TrendBucket = Plain<service.TrendBucket>
export type S3CredentialInput = Plain<service.S3CredentialInput>
export type Destination = Plain<service.Destination>
export type DestinationKind = Plain<service.DestinationKind>
export type KindField = Plain<service.DestinationField>
export type Job = Plain<service.Job>
export type Run = Plain<service.Run>
export type FileFailure = Plain<service.FileFailure>
export type HistoryFilter = Plain<service.HistoryFilter>
export type HistoryPage = Plain<service.HistoryPage>
export type BrowseResult = Plain<service.BrowseResult>
export type BrowseItem = Plain<service.BrowseItem>
export type DryRun = Plain<service.DryRun>
export type RetentionPreview = Plain<service.RetentionPreview>
export type RetentionVerdict = Plain<service.RetentionVerdict>
export type Choice = Plain<service.Choice>
export type VersionInfo = Plain<service.VersionInfo>
export type Usage = Plain<service.Usage>
export type VersionUsage = Plain<service.VersionUsage>
export type TreeEntry = Plain<service.TreeEntry>
export type RestoreRequest = Plain<service.RestoreRequest>
export type RestoreResult = Plain<service.RestoreResult>
export type VerifyReport = Plain<service.VerifyReport>
export type TaskKind = 'restore' | 'verify' | 'preview'
export type TaskStatus = 'RUNNING' | 'SUCCESS' | 'FAILED' | 'CANCELLED'
// Task is a restore, a verification or a job's preview the window started
// (service.Task); task:update carries it whole while it works.
export type Task = Omit<Plain<service.Task>, 'kind' | 'status' | 'startedAt' | 'endedAt'> & {
  kind: TaskKind
  status: TaskStatus
  startedAt: string // RFC 3339
  endedAt?: string
}
export type Overview = Plain<service.Overview>
export type StaleJob = Plain<service.StaleJob>
export interface ScheduleInfo {
  description: string
  next: string[] // RFC 3339 times
}
export type GoogleConnectInput = Plain<service.GoogleConnectInput>

export type RunStatus =
  | 'PENDING'
  | 'RUNNING'
  | 'UPLOADING'
  | 'ROTATING'
  | 'SUCCESS'
  | 'PARTIAL_SUCCESS'
  | 'FAILED'
  | 'CANCELLED'

export const runStatuses: RunStatus[] = [
  'PENDING',
  'RUNNING',
  'UPLOADING',
  'ROTATING',
  'SUCCESS',
  'PARTIAL_SUCCESS',
  'FAILED',
  'CANCELLED',
]

// Event payloads (backend/events). Progress and QueueStats are also what
// ActiveRuns and QueueStats return (service.Progress, service.Queue).
export type Progress = Omit<Plain<service.Progress>, 'status'> & { status: RunStatus }

export interface StatusEvent {
  jobId: string
  historyId: string
  status: RunStatus
  message: string
  timestamp: number
}

export type QueueStats = Plain<service.Queue>

export interface DataChanged {
  what: string
}

// BrowserOpen is the web mode's request to show an address to the person
// (Google's sign-in page); the desktop app opens the system browser itself.
export interface BrowserOpen {
  url: string
}

export interface EventMap {
  'browser:open': BrowserOpen
  'backup:progress': Progress
  'backup:status': StatusEvent
  'queue:stats': QueueStats
  'data:changed': DataChanged
  'task:update': Task
}

// The transports must be installed before anything calls a binding: this
// module runs before any component renders. In the desktop window the App
// methods go through the Bridge to the background process; in a browser,
// over HTTP.
const bridge: BridgeBinding | null = (typeof window !== 'undefined' && window.go?.main?.Bridge) || null
if (bridge && !window.go?.main?.App) installBridgeTransport(bridge)
const web: WebTransport | null = typeof window !== 'undefined' && !isDesktop() ? installWebTransport(browserDeps()) : null

// The desktop window checks once that the background process is its build.
let bridgeState: AuthState = bridge ? 'checking' : 'ok'
let mismatch = ''

// session tells the shell whether the page may call the API yet.
export const session = {
  mode: (web ? 'web' : 'desktop') as 'web' | 'desktop',
  state: (): AuthState => (web ? web.authState() : bridgeState),
  check: (): Promise<AuthState> => {
    if (web) return web.checkSession()
    if (!bridge) return Promise.resolve('ok')
    return bridge.Mismatch().then((m) => {
      mismatch = m
      bridgeState = m ? 'mismatch' : 'ok'
      return bridgeState
    })
  },
  // mismatch says why the window and the background process cannot work together.
  mismatch: (): string => mismatch,
  restartBackground: (): Promise<void> => (bridge ? bridge.RestartBackground() : Promise.resolve()),
  subscribe: (fn: (s: AuthState) => void): (() => void) => (web ? web.onAuthState(fn) : () => {}),
  login: (password: string): Promise<void> => (web ? web.login(password) : Promise.resolve()),
  logout: (): Promise<void> => (web ? web.logout() : Promise.resolve()),
}

// onEvent listens to one of Avault's events and returns the function that stops listening.
export function onEvent<K extends keyof EventMap>(name: K, handler: (payload: EventMap[K]) => void): () => void {
  return EventsOn(name, (payload: EventMap[K]) => handler(payload))
}

// errorMessage turns whatever a failed call rejected with into words.
export function errorMessage(e: unknown): string {
  if (typeof e === 'string') return e
  if (e instanceof Error) return e.message
  if (e && typeof e === 'object' && 'error' in e) return String((e as { error: unknown }).error)
  return String(e)
}

// wire hands a plain object to a generated binding, which is typed with the
// generated classes; both travel as the same JSON.
// Times the Go side keeps itself (createdAt, lastRunAt...) are left out
// when empty, since "" is not a time it can read.
const wire = <T>(v: Plain<T>): T => {
  const out: Record<string, unknown> = { ...(v as Record<string, unknown>) }
  for (const [k, x] of Object.entries(out)) if (k.endsWith('At') && (x === '' || x === null)) delete out[k]
  return out as T
}
const plain = <T>(p: Promise<T>): Promise<Plain<T>> => p as unknown as Promise<Plain<T>>

export const api = {
  status: () => plain(App.Status()),
  getSettings: () => plain(App.GetSettings()),
  updateSettings: (s: Settings) => plain(App.UpdateSettings(wire<service.Settings>(s))),
  setKeySource: (to: 'keyring' | 'file') => plain(App.SetKeySource(to)),

  listChannels: () => plain(App.ListChannels()),
  saveChannel: (c: Channel) => plain(App.SaveChannel(wire<service.Channel>(c))),
  deleteChannel: (id: string) => App.DeleteChannel(id),
  testChannel: (id: string) => App.TestChannel(id),

  listCredentials: () => plain(App.ListCredentials()),
  addS3Credential: (c: S3CredentialInput) => plain(App.AddS3Credential(wire<service.S3CredentialInput>(c))),
  renameCredential: (id: string, name: string) => plain(App.RenameCredential(id, name)),
  deleteCredential: (id: string) => App.DeleteCredential(id),

  destinationKinds: () => plain(App.DestinationKinds()),
  listDestinations: () => plain(App.ListDestinations()),
  testDestination: (d: Destination) => App.TestDestination(wire<service.Destination>(d)),
  listChoices: (d: Destination, parent: string) => plain(App.ListChoices(wire<service.Destination>(d), parent)),
  createDestination: (d: Destination) => plain(App.CreateDestination(wire<service.Destination>(d))),
  updateDestination: (d: Destination) => plain(App.UpdateDestination(wire<service.Destination>(d))),
  deleteDestination: (id: string) => App.DeleteDestination(id),
  rcloneConfig: (destinationId: string) => App.RcloneConfig(destinationId),

  listJobs: () => plain(App.ListJobs()),
  getJob: (id: string) => plain(App.GetJob(id)),
  newJobDefaults: () => plain(App.NewJobDefaults()),
  createJob: (j: Job) => plain(App.CreateJob(wire<service.Job>(j))),
  updateJob: (j: Job) => plain(App.UpdateJob(wire<service.Job>(j))),
  deleteJob: (id: string, deleteHistory: boolean) => App.DeleteJob(id, deleteHistory),

  listHistory: (f: HistoryFilter) => plain(App.ListHistory(wire<service.HistoryFilter>(f))),
  getRun: (id: string) => plain(App.GetRun(id)),
  jobTrend: (jobId: string, days: number) => plain(App.JobTrend(jobId, days)),

  runJob: (jobId: string) => plain(App.RunJob(jobId)),
  runAll: () => plain(App.RunAll()),
  pauseSchedules: (pause: boolean) => App.PauseSchedules(pause),
  overview: () => plain(App.Overview()),
  staleJobs: () => plain(App.StaleJobs()),
  describeSchedule: (expr: string, n: number) => App.DescribeSchedule(expr, n) as unknown as Promise<ScheduleInfo>,
  setLaunchAtLogin: (on: boolean) => plain(App.SetLaunchAtLogin(on)),
  connectGoogle: (c: GoogleConnectInput) => plain(App.ConnectGoogle(wire<service.GoogleConnectInput>(c))),
  cancelRun: (runId: string) => App.CancelRun(runId),
  activeRuns: () => App.ActiveRuns() as unknown as Promise<Progress[]>,
  queueStats: () => plain(App.QueueStats()),

  browseNAS: (path: string) => plain(App.BrowseNAS(path)),
  previewJob: (j: Job) => plain(App.PreviewJob(wire<service.Job>(j))),
  previewRetention: (j: Job) => plain(App.PreviewRetention(wire<service.Job>(j))),

  listVersions: (jobId: string) => plain(App.ListVersions(jobId)),
  jobStorage: (jobId: string) => plain(App.JobStorage(jobId)),
  listVersionFiles: (jobId: string, version: string, dir: string) => plain(App.ListVersionFiles(jobId, version, dir)),
  verifyVersion: (jobId: string, version: string, deep: boolean, sample: number) => plain(App.VerifyVersion(jobId, version, deep, sample)),
  restoreVersion: (r: RestoreRequest) => plain(App.RestoreVersion(wire<service.RestoreRequest>(r))),

  // Tasks: started here, followed by task:update, cancelled by id.
  startRestore: (r: RestoreRequest) => App.StartRestore(wire<service.RestoreRequest>(r)) as unknown as Promise<Task>,
  startVerify: (jobId: string, version: string, deep: boolean, sample: number) => App.StartVerify(jobId, version, deep, sample) as unknown as Promise<Task>,
  startPreview: (j: Job) => App.StartPreview(wire<service.Job>(j)) as unknown as Promise<Task>,
  startConnectGoogle: (c: GoogleConnectInput) =>
    App.StartConnectGoogle(wire<service.GoogleConnectInput>(c)) as unknown as Promise<Task>,
  cancelTask: (id: string) => App.CancelTask(id),
  getTask: (id: string) => App.GetTask(id) as unknown as Promise<Task>,
  listTasks: () => App.ListTasks() as unknown as Promise<Task[]>,
}

export type Api = typeof api
export type { AuthState }
