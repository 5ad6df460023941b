import type { ComponentType } from 'react'
import StatusPage from './StatusPage'

// pages lists the screens in the navigation. Only screens that show real data belong here.
export const pages = [{ id: 'status', label: 'Status', component: StatusPage }] as const satisfies readonly {
  id: string
  label: string
  component: ComponentType
}[]

export type PageId = (typeof pages)[number]['id']
