// A node:test reporter that prints each top-level test as it ends and a
// closing line "e2e: N passed, M failed".
export default async function* reporter(source) {
  let passed = 0
  let failed = 0
  for await (const event of source) {
    const d = event.data
    if ((event.type === 'test:pass' || event.type === 'test:fail') && d.nesting === 0 && !d.details?.type) {
      const ms = Math.round(d.details?.duration_ms ?? 0)
      if (event.type === 'test:pass') {
        passed++
        yield `ok   ${d.name} (${ms} ms)\n`
      } else {
        failed++
        const err = d.details?.error
        const msg = err?.cause?.message ?? err?.message ?? String(err)
        yield `FAIL ${d.name} (${ms} ms)\n     ${msg.split('\n').join('\n     ')}\n`
      }
    } else if (event.type === 'test:diagnostic' && d.nesting === 0) {
      yield `# ${d.message}\n`
    } else if (event.type === 'test:stdout' || event.type === 'test:stderr') {
      yield d.message
    }
  }
  yield `e2e: ${passed} passed, ${failed} failed\n`
}
