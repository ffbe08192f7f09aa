// A node:test reporter that writes one JSON document: how many tests passed, failed and were
// skipped (with each skip's name, file and reason). The runners write it to
// .test-results/<suite>.json next to the usual spec output; scripts/testing/summary.mjs reads
// it to print CI's counts and to fail a run on any skip that is not allowed.
export default async function* countsReporter(source) {
  const counts = { passed: 0, failed: 0, skipped: 0, todo: 0 };
  const skips = [];
  const failures = [];
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const d = event.data;
    // Suites (describe) and the per-file wrapper test are containers, not tests.
    if (d.details?.type === 'suite' || (d.file && d.name === d.file)) continue;
    if (d.skip !== undefined && d.skip !== false) {
      counts.skipped++;
      skips.push({ name: d.name, file: d.file, reason: typeof d.skip === 'string' ? d.skip : '(no reason given)' });
    } else if (d.todo !== undefined && d.todo !== false) counts.todo++;
    else if (event.type === 'test:pass') counts.passed++;
    else {
      counts.failed++;
      failures.push({ name: d.name, file: d.file });
    }
  }
  yield `${JSON.stringify({ ...counts, skips, failures }, null, 2)}\n`;
}
