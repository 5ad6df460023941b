// The api module is the only place that knows how the frontend reaches the Go
// side. In the desktop app that is the Wails bindings.
import { Status as wailsStatus } from '../../wailsjs/go/main/App'
import type { service } from '../../wailsjs/go/models'

export type Status = service.Status

export const api = {
  status: (): Promise<Status> => wailsStatus(),
}
