import type { ComponentType } from 'react'
import DashboardPage from './DashboardPage'
import DestinationsPage from './DestinationsPage'
import HistoryPage from './HistoryPage'
import JobsPage from './JobsPage'
import RestorePage from './RestorePage'
import SettingsPage from './SettingsPage'
import StatusPage from './StatusPage'

export interface PageProps {
  // arg is the rest of the route, e.g. a run id in "#/history/<id>".
  arg: string
}

// pages lists the screens in the navigation. Only screens that show real data belong here.
export const pages: readonly { id: string; label: string; component: ComponentType<PageProps> }[] = [
  { id: 'dashboard', label: 'Dashboard', component: DashboardPage },
  { id: 'jobs', label: 'Jobs', component: JobsPage },
  { id: 'history', label: 'History', component: HistoryPage },
  { id: 'restore', label: 'Restore', component: RestorePage },
  { id: 'destinations', label: 'Destinations', component: DestinationsPage },
  { id: 'settings', label: 'Settings', component: SettingsPage },
  { id: 'status', label: 'About', component: StatusPage },
]
