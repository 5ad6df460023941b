// End-to-end test of Avault's web mode: the real binary (`avault serve`)
// with a real store, a NAS folder and a local destination on disk, driven
// through Debian's Chromium the way a person would use it.
//
// Run by scripts/e2e.sh, which builds the binary and seeds a large store:
//   E2E_BIN        the avault binary
//   E2E_GOOGLEFAKES  a program serving fake Google OAuth and Drive endpoints (optional)
//   E2E_SEED_DIR   a data folder holding 200 jobs and 10,000 runs (optional)
//   E2E_ARTIFACTS  where screenshots go (build/test-artifacts/e2e)
import { after, before, test as nodeTest } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { chromium } from 'playwright-core'

const bin = process.env.E2E_BIN
const artifacts = process.env.E2E_ARTIFACTS ?? 'build/test-artifacts/e2e'
const seedDir = process.env.E2E_SEED_DIR
const googleFakesBin = process.env.E2E_GOOGLEFAKES
let google // {oauth, drive, clientId, clientSecret, proc} when the fakes run
assert.ok(bin, 'E2E_BIN must name the avault binary')
mkdirSync(artifacts, { recursive: true })

const work = mkdtempSync(path.join(tmpdir(), 'avault-e2e-'))
const dirs = {
  data: path.join(work, 'data'),
  nas: path.join(work, 'nas'),
  dest: path.join(work, 'dest'),
  restore: path.join(work, 'restored'),
  profile: path.join(work, 'chromium'),
}
const key = randomBytes(32).toString('hex')
const notes = `Avault end-to-end check ${new Date().toISOString()}\n${randomBytes(48).toString('base64')}\n`
const servers = []
const problems = [] // console errors, page errors and CSP violations
let browser
let page
let main // the server the main flow talks to

// makeNAS writes a photos folder big enough that a backup takes a moment.
function makeNAS() {
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true })
  const photos = path.join(dirs.nas, 'photos')
  mkdirSync(path.join(photos, '2024'), { recursive: true })
  mkdirSync(path.join(dirs.nas, 'documents'), { recursive: true })
  writeFileSync(path.join(dirs.nas, 'documents', 'letter.txt'), 'Dear Drive,\n')
  writeFileSync(path.join(dirs.nas, 'documents', 'budget.csv'), 'month,amount\n1,100\n')
  writeFileSync(path.join(photos, 'notes.txt'), notes)
  for (let i = 0; i < 1500; i++) writeFileSync(path.join(photos, '2024', `img-${String(i).padStart(4, '0')}.bin`), randomBytes(8192))
  writeFileSync(path.join(photos, '.DS_Store'), 'clutter')
}

// startServer runs `avault serve` and resolves with its printed URL.
function startServer({ dataDir, env = {}, args = [], stdin } = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(bin, ['serve', '--addr', '127.0.0.1:0', ...args], {
      env: { ...process.env, AVAULT_DATA_DIR: dataDir, AVAULT_ENCRYPTION_KEY: key, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let out = ''
    const log = []
    const timer = setTimeout(() => reject(new Error(`avault serve did not start:\n${log.join('')}`)), 20000)
    proc.stdout.on('data', (b) => {
      out += b
      log.push(String(b))
      const m = /serving at (\S+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        const url = m[1]
        const s = { proc, url, base: url.split('#')[0], log, stop: () => stopServer(s) }
        servers.push(s)
        resolve(s)
      }
    })
    proc.stderr.on('data', (b) => log.push(String(b)))
    proc.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`avault serve exited with ${code}:\n${log.join('')}`))
    })
    if (stdin !== undefined) proc.stdin.write(stdin)
    proc.stdin.end()
  })
}

function stopServer(s) {
  if (s.proc.exitCode !== null) return Promise.resolve(s.proc.exitCode)
  return new Promise((resolve) => {
    s.proc.removeAllListeners('exit')
    s.proc.on('exit', (code) => resolve(code))
    s.proc.kill('SIGTERM')
  })
}

// test runs a step; when it fails, a screenshot shows what the page showed.
function test(name, opts, fn) {
  if (typeof opts === 'function') [fn, opts] = [opts, {}]
  return nodeTest(name, opts, async (t) => {
    try {
      await fn(t)
    } catch (e) {
      await page?.screenshot({ path: path.join(artifacts, `FAIL-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`), fullPage: true }).catch(() => {})
      throw e
    }
  })
}

async function shot(name) {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true })
}

async function go(label) {
  // A step that failed may have left a dialog open; close it first.
  for (let i = 0; i < 3 && (await page.getByRole('dialog').count()) > 0; i++) await page.keyboard.press('Escape')
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click()
  await page.getByRole('heading', { level: 1, name: label }).waitFor()
}

function sha256(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex')
}

function findFile(dir, name) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) {
      const found = findFile(p, name)
      if (found) return found
    } else if (e.name === name) return p
  }
  return null
}

// startGoogleFakes runs the fake Google servers and reads their addresses.
function startGoogleFakes() {
  return new Promise((resolve, reject) => {
    const proc = spawn(googleFakesBin, [], { stdio: ['pipe', 'pipe', 'inherit'] })
    let out = ''
    proc.stdout.on('data', (b) => {
      out += b
      if (out.includes('\n')) resolve({ ...JSON.parse(out), proc })
    })
    proc.on('exit', (code) => reject(new Error(`googlefakes exited with ${code}`)))
  })
}

before(async () => {
  makeNAS()
  if (googleFakesBin) google = await startGoogleFakes()
  const googleEnv = google ? { AVAULT_OAUTH_ENDPOINT: google.oauth, AVAULT_DRIVE_ENDPOINT: google.drive } : {}
  main = await startServer({ dataDir: dirs.data, env: googleEnv })
  const ctx = await chromium.launchPersistentContext(dirs.profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 860 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  browser = ctx
  page = ctx.pages()[0] ?? (await ctx.newPage())
  page.setDefaultTimeout(15000)
  page.on('console', (m) => {
    // An API answer of 4xx is expected where the test provokes one (a wrong
    // password, an invalid setting) and is shown on the page; Chromium also
    // logs it. Anything else logged as an error is a problem.
    if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) problems.push(`console: ${m.text()} (${m.location()?.url ?? ''} on ${page.url()})`)
  })
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
})

after(async () => {
  await browser?.close()
  for (const s of servers) await s.stop()
  if (google) {
    google.proc.removeAllListeners('exit')
    google.proc.stdin.end()
  }
  rmSync(work, { recursive: true, force: true })
})

test('the API refuses requests without the token or from another origin', async () => {
  const call = (headers) => fetch(`${main.base}api/call/Status`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: '[]' })
  const token = main.url.split('#token=')[1]
  assert.equal((await call({})).status, 401)
  assert.equal((await call({ Authorization: 'Bearer wrong' })).status, 401)
  assert.equal((await call({ Authorization: `Bearer ${token}`, Origin: 'http://evil.example' })).status, 403)
  const ok = await call({ Authorization: `Bearer ${token}` })
  assert.equal(ok.status, 200)
  assert.equal((await ok.json()).keySource, 'environment')
  const res = await fetch(main.base)
  assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/)
})

test('without its link the page explains how to open Avault', async () => {
  await page.goto(main.base)
  await page.getByText('Open Avault with its link').waitFor()
  await shot('00-needs-link')
})

test('with its link the app opens and the token leaves the address bar', async () => {
  await page.goto(main.url)
  await page.getByRole('navigation', { name: 'Main' }).waitFor()
  assert.ok(!page.url().includes('token'), `token still in ${page.url()}`)
  await page.getByText('Nothing is backed up yet').waitFor()
  await shot('01-dashboard-empty')
})

test('settings: the NAS root is checked and saved', async () => {
  await go('Settings')
  await page.getByLabel('NAS root').fill(path.join(work, 'missing'))
  await page.getByRole('button', { name: 'Save settings' }).click()
  await page.getByRole('alert').filter({ hasText: 'The settings were not saved' }).waitFor()
  await page.getByLabel('NAS root').fill(dirs.nas)
  await page.getByRole('button', { name: 'Save settings' }).click()
  await page.getByText('Settings saved.').waitFor()
  await page.getByRole('button', { name: 'Check the NAS root' }).click()
  await page.getByText(`${dirs.nas} is readable: 2 folders and 0 files at its top.`).waitFor()
  await page.getByText('AVAULT_ENCRYPTION_KEY environment variable').waitFor()
  await shot('02-settings')
})

test('destinations: a local folder is tested and added', async () => {
  await go('Destinations')
  await page.getByText('No destinations yet').waitFor()
  await page.getByRole('button', { name: 'Add destination' }).click()
  const dialog = page.getByRole('dialog')
  await dialog.getByLabel('Name').fill('Backup disk')
  // The folder is picked with Browse…, from the top of the file system down.
  await dialog.getByRole('button', { name: 'Browse…' }).click()
  const picker = page.getByRole('dialog', { name: 'Choose the folder' })
  const parts = dirs.dest.split(path.sep).filter(Boolean)
  for (const [i, part] of parts.entries()) {
    await picker.getByRole('list', { name: i === 0 ? 'In This computer' : `In ${parts[i - 1]}` }).waitFor()
    if (i < parts.length - 1) await picker.getByRole('button', { name: `Open ${part}`, exact: true }).click()
    else {
      await shot('03a-folder-picker')
      await picker.getByRole('button', { name: `Choose ${part}`, exact: true }).click()
    }
  }
  await picker.waitFor({ state: 'detached' })
  assert.equal(await dialog.getByLabel('Folder', { exact: true }).inputValue(), dirs.dest)
  await dialog.getByRole('button', { name: 'Test connection' }).click()
  await dialog.getByText('Connection works').waitFor()
  await shot('03-destination-form')
  await dialog.getByRole('button', { name: 'Add destination' }).click()
  await dialog.waitFor({ state: 'detached' })
  await page.getByText('Backup disk').first().waitFor()
  await shot('04-destinations')
})

test('jobs: a job is created with the NAS folder picker and previewed', async () => {
  await go('Jobs')
  await page.getByRole('button', { name: 'New job' }).click()
  const form = page.getByRole('dialog', { name: 'New backup job' })
  await form.getByRole('button', { name: 'Choose…' }).click()
  const picker = page.getByRole('dialog', { name: 'Choose the NAS folder' })
  await picker.getByRole('button', { name: /photos/ }).click()
  await picker.getByRole('button', { name: 'Back up "photos"' }).click()
  await picker.waitFor({ state: 'detached' })
  assert.equal(await form.getByLabel('NAS folder').inputValue(), 'photos')
  await form.getByLabel('Name', { exact: true }).fill('Photos')
  await form.getByLabel('Destination', { exact: true }).selectOption({ label: 'Backup disk' })
  await form.getByLabel('Schedule', { exact: true }).selectOption({ label: 'Every Sunday at 03:00' })
  assert.equal(await form.getByLabel('Cron expression').inputValue(), '0 3 * * 0')
  await form.getByTestId('schedule-reading').getByText('Runs every Sunday at 03:00.').waitFor()
  await form.getByTestId('schedule-reading').getByText(/^Next: .* · .* · /).waitFor()
  await form.getByRole('button', { name: 'Preview what would be backed up' }).click()
  await form.getByText(/A backup now would take 1,501 files/).waitFor()
  await shot('05-job-form')
  await form.getByRole('button', { name: 'Create job' }).click()
  await form.waitFor({ state: 'detached' })
  await page.locator('tr[data-job="Photos"]').waitFor()
  await shot('06-jobs')
})

test('history: empty before the first run', async () => {
  await go('History')
  await page.getByText('No backups have run yet').waitFor()
  await shot('07-history-empty')
})

test('dashboard: Run now shows live progress until the backup succeeds', async () => {
  await go('Dashboard')
  await page.getByRole('button', { name: 'Run Photos now' }).click()
  const card = page.locator('[data-progress]')
  let sawProgress = false
  try {
    await card.first().waitFor({ timeout: 10000 })
    sawProgress = true
    await shot('08-dashboard-progress')
  } catch {
    // the run may finish before a progress event arrives; the result still must
  }
  const table = page.getByTestId('dashboard-jobs')
  await table.locator('[data-status="SUCCESS"]').waitFor({ timeout: 60000 })
  await card.first().waitFor({ state: 'detached' })
  await page.getByTestId('queue').getByText('Finished').waitFor()
  await shot('09-dashboard-done')
  assert.ok(sawProgress, 'no progress card was shown while the backup ran')
})

test('history: the run is listed with its details and verifies', async () => {
  await go('History')
  const row = page.locator('tr[data-run]').first()
  await row.locator('[data-status="SUCCESS"]').waitFor()
  await page.getByText('1–1 of 1 runs').waitFor()
  await shot('10-history')
  await row.getByRole('link').click()
  const dialog = page.getByRole('dialog', { name: 'Backup run' })
  await dialog.getByText('1,501 found').waitFor()
  const version = await dialog.locator('code').first().innerText()
  assert.match(version, /^Photos-\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d$/)
  assert.match(await dialog.getByRole('link', { name: 'Restore files from this version' }).getAttribute('href'), /^#\/restore\/.+%2FPhotos-/)
  await dialog.getByRole('button', { name: 'Verify quickly' }).click()
  await dialog.getByText('The version is intact.').waitFor({ timeout: 30000 })
  await shot('11-run-detail')
  await page.keyboard.press('Escape')
  await dialog.waitFor({ state: 'detached' })
})

test('restore: one file comes back with the same bytes', async () => {
  await go('Restore')
  await page.getByLabel('Job').selectOption({ label: 'Photos' })
  await page.getByRole('button', { name: /^Open Photos-/ }).click()
  await page.getByText('notes.txt').waitFor()
  await shot('12-restore-browse')
  await page.getByRole('button', { name: 'Restore notes.txt' }).click()
  const dialog = page.getByRole('dialog', { name: 'Restore "notes.txt"' })
  await dialog.getByLabel('Restore into').fill(dirs.restore)
  await dialog.getByRole('button', { name: 'Restore', exact: true }).click()
  await dialog.getByText(/Restored 1 file/).waitFor({ timeout: 30000 })
  await shot('13-restore-done')
  const restored = findFile(dirs.restore, 'notes.txt')
  assert.ok(restored, `notes.txt not found under ${dirs.restore}`)
  assert.equal(sha256(restored), sha256(path.join(dirs.nas, 'photos', 'notes.txt')))
  assert.equal(readFileSync(restored, 'utf8'), notes)
  await page.keyboard.press('Escape')
})

test('jobs: the retention editor previews what happens to the version the run made', async () => {
  await go('Jobs')
  await page.getByRole('button', { name: 'Edit Photos' }).click()
  const form = page.getByRole('dialog', { name: 'Edit Photos' })
  const preview = form.getByTestId('retention-preview')
  const row = preview.locator('tr[data-version^="Photos-"]')
  await row.getByText('Kept').waitFor()
  await row.getByText('the newest version').waitFor()
  await preview.getByText('Keeps the only version.').waitFor()
  // Whatever the rule, the newest version without failed files stays.
  await form.getByLabel(/Versions from the last days/).check()
  await form.getByLabel('Days to keep versions').fill('1')
  await form.locator('[data-testid="retention-preview"][aria-busy="false"]').waitFor()
  await row.getByText('Kept').waitFor()
  await preview.getByText('Keeps the only version.').waitFor()
  await shot('13b-retention-preview')
  await form.getByRole('button', { name: 'Cancel' }).click()
  await form.waitFor({ state: 'detached' })
})

test('google drive: sign in through the page, add My Drive and back up to it', { skip: !googleFakesBin && 'E2E_GOOGLEFAKES not set' }, async () => {
  await go('Settings')
  await page.getByLabel('Client ID').fill(google.clientId)
  await page.getByLabel('Client secret').fill(google.clientSecret)
  await page.getByRole('button', { name: 'Save settings' }).click()
  await page.getByText('Settings saved.').last().waitFor() // an earlier save's notice may still show
  await page.getByText('A secret is stored (encrypted)').waitFor()

  await go('Destinations')
  await page.getByRole('button', { name: 'Connect Google Drive' }).click()
  const dialog = page.getByRole('dialog', { name: 'Connect Google Drive' })
  await dialog.getByRole('button', { name: 'Sign in with Google' }).click()
  const link = dialog.getByRole('link', { name: 'open it' })
  await link.waitFor()
  await shot('18-google-sign-in')
  const [tab] = await Promise.all([browser.waitForEvent('page'), link.click()])
  await tab.waitForLoadState()
  await dialog.waitFor({ state: 'detached', timeout: 20000 })
  await tab.close()
  await page.getByText('Connected "Google Drive".').waitFor()

  await page.getByRole('button', { name: 'Add destination' }).click()
  const form = page.getByRole('dialog', { name: 'Add a destination' })
  await form.getByLabel('Name').fill('My Drive')
  await form.getByLabel('Kind').selectOption({ label: 'Google Drive' })
  await form.getByLabel('Google account').selectOption({ label: 'Google Drive' })
  await form.getByLabel('Folder (optional)').fill('Avault e2e')
  await form.getByRole('button', { name: 'Test connection' }).click()
  await form.getByText('Connection works').waitFor({ timeout: 30000 })
  await shot('19-google-destination')
  await form.getByRole('button', { name: 'Add destination' }).click()
  await form.waitFor({ state: 'detached' })

  await go('Jobs')
  await page.getByRole('button', { name: 'New job' }).click()
  const job = page.getByRole('dialog', { name: 'New backup job' })
  await job.getByLabel('Name', { exact: true }).fill('Documents')
  await job.getByLabel('NAS folder').fill('documents')
  await job.getByLabel('Destination', { exact: true }).selectOption({ label: 'My Drive' })
  await job.getByRole('button', { name: 'Create job' }).click()
  await job.waitFor({ state: 'detached' })

  await go('Dashboard')
  await page.getByRole('button', { name: 'Run Documents now' }).click()
  const row = page.getByTestId('dashboard-jobs').locator('tr', { hasText: 'Documents' })
  await row.locator('[data-status="SUCCESS"]').waitFor({ timeout: 60000 })
})

test('jobs: deleting a job asks first and keeps its history', async () => {
  await go('Jobs')
  await page.getByRole('button', { name: 'Delete Photos' }).click()
  const dialog = page.getByRole('dialog', { name: 'Delete the job "Photos"?' })
  assert.equal(await dialog.getByLabel('Also delete its history').isChecked(), false)
  await shot('20-delete-job')
  await dialog.getByRole('button', { name: 'Delete', exact: true }).click()
  await dialog.waitFor({ state: 'detached' })
  await page.locator('tr[data-job="Photos"]').waitFor({ state: 'detached' })
  await go('History')
  await page.locator('tr[data-run]', { hasText: 'Photos (deleted)' }).first().waitFor()
})

test('theme: the dark theme can be chosen', async () => {
  await go('Settings')
  await page.getByLabel('Dark').check()
  assert.ok(await page.evaluate(() => document.documentElement.classList.contains('dark')))
  await go('Dashboard')
  await shot('14-dashboard-dark')
  await go('Settings')
  await page.getByLabel('Same as the system').check()
})

test('keyboard: the navigation is reachable with Tab and shows focus', async () => {
  await page.goto(`${main.base}#/dashboard`)
  await page.reload()
  await page.getByRole('navigation', { name: 'Main' }).waitFor()
  await page.keyboard.press('Tab') // skip link
  await page.keyboard.press('Tab')
  const focused = await page.evaluate(() => ({ text: document.activeElement?.textContent, ring: getComputedStyle(document.activeElement).boxShadow }))
  assert.equal(focused.text, 'Dashboard')
  assert.notEqual(focused.ring, 'none', 'the focused link shows no focus ring')
})

// fitsThePhone fails when the page scrolls sideways or a control lies
// (partly) outside the screen, and when a button or field is too small to
// tap.
async function fitsThePhone(name) {
  const r = await page.evaluate(() => {
    const w = document.documentElement.clientWidth
    const out = { width: w, scroll: document.documentElement.scrollWidth - w, off: [], small: [] }
    const what = (el) => `${el.tagName.toLowerCase()} "${(el.getAttribute('aria-label') || el.textContent || el.getAttribute('name') || '').trim().slice(0, 40)}"`
    for (const el of document.querySelectorAll('a[href], button, input, select, textarea, [role="button"], [tabindex]:not([tabindex="-1"])')) {
      const st = getComputedStyle(el)
      if (st.visibility === 'hidden') continue
      const b = el.getBoundingClientRect()
      if (b.width <= 1 || b.height <= 1) continue // not shown (a closed menu, a skip link until focused)
      if (b.left < -1 || b.right > w + 1) out.off.push(`${what(el)} at x ${Math.round(b.left)}–${Math.round(b.right)}`)
      const field = el.matches('button, select, input:not([type=checkbox]):not([type=radio])')
      if (field && b.height < 40) out.small.push(`${what(el)} ${Math.round(b.width)}×${Math.round(b.height)}`)
    }
    return out
  })
  assert.equal(r.width, 390, `${name}: the page is ${r.width}px wide`)
  assert.ok(r.scroll <= 0, `${name}: the page scrolls sideways by ${r.scroll}px`)
  assert.deepEqual(r.off, [], `${name}: controls outside the screen`)
  assert.deepEqual(r.small, [], `${name}: controls too small to tap`)
}

test('phone: every page fits 390×844, with the navigation in a menu', async () => {
  await page.setViewportSize({ width: 390, height: 844 })
  try {
    await page.goto(`${main.base}#/dashboard`)
    await page.reload()
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor()
    const nav = page.getByRole('navigation', { name: 'Main' })
    assert.equal(await nav.isVisible(), false, 'the navigation takes the screen before the menu is opened')
    const menu = page.getByRole('button', { name: 'Menu' })
    await menu.click()
    await nav.getByRole('link', { name: 'Jobs', exact: true }).waitFor()
    await fitsThePhone('the open menu')
    await shot('30-phone-menu')
    const labels = await nav.getByRole('link').allTextContents()
    assert.ok(labels.length >= 7, `the menu lists ${labels}`)
    for (const [i, label] of labels.entries()) {
      if (!(await nav.isVisible())) await menu.click()
      await nav.getByRole('link', { name: label, exact: true }).click()
      await page.getByRole('heading', { level: 1, name: label }).waitFor()
      assert.equal(await nav.isVisible(), false, `the menu stays open over ${label}`)
      await page.waitForLoadState('networkidle')
      await fitsThePhone(label)
      await shot(`3${i + 1}-phone-${label.toLowerCase()}`)
    }
    // A job's charts over time, and one click from a point to its run.
    await menu.click()
    await nav.getByRole('link', { name: 'History', exact: true }).click()
    const jobs = await page.getByLabel('Job').locator('option').allTextContents()
    if (jobs.length > 1) {
      await page.getByLabel('Job').selectOption({ label: jobs[1] })
      await page.getByRole('img', { name: /Duration over/ }).waitFor()
      await fitsThePhone('History with charts')
      await shot('38-phone-history-charts')
      await page.getByRole('img', { name: /Duration over/ }).locator('a').first().click()
      await page.getByRole('dialog', { name: 'Backup run' }).waitFor()
      await fitsThePhone('a run')
      await shot('39-phone-run')
      await page.keyboard.press('Escape')
    }
    // A form in a dialog: a notification channel.
    await menu.click()
    await nav.getByRole('link', { name: 'Settings', exact: true }).click()
    await page.getByRole('button', { name: 'Add a channel' }).click()
    await page.getByRole('dialog', { name: 'Add a notification channel' }).waitFor()
    await fitsThePhone('the channel form')
    await shot('40-phone-channel-form')
    await page.keyboard.press('Escape')
    // Installable: the manifest and its icons are served.
    const manifest = await page.evaluate(async () => {
      const link = document.querySelector('link[rel=manifest]')
      const res = await fetch(link.href)
      const m = await res.json()
      const icons = await Promise.all(m.icons.map(async (i) => { const r = await fetch(new URL(i.src, link.href)); return `${i.sizes} ${r.status} ${r.headers.get('content-type')}` }))
      return { name: m.name, display: m.display, icons }
    })
    assert.deepEqual(manifest, { name: 'Avault', display: 'standalone', icons: ['192x192 200 image/png', '512x512 200 image/png'] })
  } finally {
    await page.setViewportSize({ width: 1280, height: 860 })
  }
})

test('password mode: a login page guards the app', async () => {
  const dataDir = path.join(work, 'data-password')
  const s = await startServer({ dataDir, args: ['--password-stdin'], stdin: 'correct horse battery\n' })
  assert.ok(!s.url.includes('token'))
  await page.goto(s.base)
  await page.getByLabel('Password').fill('wrong password')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByText('wrong password', { exact: true }).waitFor()
  await shot('15-login')
  await page.getByLabel('Password').fill('correct horse battery')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('navigation', { name: 'Main' }).waitFor()
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.getByLabel('Password').waitFor()
  assert.equal(await s.stop(), 0)
})

test('non-loopback addresses need --allow-remote and a password', async () => {
  const r = spawn(bin, ['serve', '--addr', '0.0.0.0:0'], { env: { ...process.env, AVAULT_DATA_DIR: path.join(work, 'data-remote') } })
  let err = ''
  r.stderr.on('data', (b) => (err += b))
  const code = await new Promise((res) => r.on('exit', res))
  assert.equal(code, 1)
  assert.match(err, /--allow-remote/)
})

test('a large store: 200 jobs on the dashboard and 10,000 runs in history', { skip: !seedDir && 'E2E_SEED_DIR not set' }, async () => {
  const s = await startServer({ dataDir: seedDir })
  let t0 = Date.now()
  await page.goto(s.url)
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="dashboard-jobs"] tbody tr').length === 200)
  const dashboardMs = Date.now() - t0
  await shot('16-dashboard-200-jobs')

  t0 = Date.now()
  await go('History')
  await page.getByText('1–20 of 10,000 runs').waitFor()
  const historyMs = Date.now() - t0
  t0 = Date.now()
  await page.getByRole('button', { name: 'Older →' }).click()
  await page.getByText('21–40 of 10,000 runs').waitFor()
  const nextPageMs = Date.now() - t0
  await page.getByLabel('Job').selectOption({ label: 'Seeded job 007' })
  await page.getByText('1–20 of 50 runs').waitFor()
  await page.getByRole('img', { name: /Size: latest/ }).waitFor()
  await page.getByLabel('Result').selectOption({ label: 'Failed' })
  await page.getByTestId('history-range').filter({ hasText: /of|No runs/ }).waitFor()
  await page.getByLabel('Result').selectOption({ label: 'Any' })
  await shot('17-history-10000-runs-chart')
  console.log(`# timing: dashboard with 200 jobs ${dashboardMs} ms; history first page of 10,000 runs ${historyMs} ms; next page ${nextPageMs} ms`)
  writeFileSync(path.join(artifacts, 'timing.txt'), `dashboard_200_jobs_ms ${dashboardMs}\nhistory_10000_first_page_ms ${historyMs}\nhistory_next_page_ms ${nextPageMs}\n`)
  assert.ok(dashboardMs < 5000, `dashboard took ${dashboardMs} ms`)
  assert.ok(historyMs < 5000, `history took ${historyMs} ms`)
  await page.goto('about:blank') // leave the page first: its event stream would reconnect to the stopped server
  assert.equal(await s.stop(), 0)
})

test('no console errors, page errors or CSP violations', () => {
  assert.deepEqual(problems, [])
})

test('avault serve stops cleanly on SIGTERM', async () => {
  assert.equal(await main.stop(), 0)
  assert.ok(statSync(dirs.data).isDirectory())
})
