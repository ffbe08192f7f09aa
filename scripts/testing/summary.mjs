// Prints the passed / failed / skipped counts of test suites and checks their skips against
// .ci/allowed-skips.json: a skip that is not listed there (suite, exact test name, and a reason
// matching its pattern) fails. CI must never stay green because tests quietly did not run.
//   node scripts/testing/summary.mjs SUITE...   check these suites (each must have results)
//   node scripts/testing/summary.mjs            print every suite that has results
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const RESULTS_DIR = join(root, '.test-results');

/** Where a runner's counts reporter writes the results of `suite` (the folder is created). */
export function resultsFile(suite) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  return join(RESULTS_DIR, `${suite}.json`);
}

/** The node --test arguments that print the spec output and also record the counts of `suite`. */
export function reporterArgs(suite) {
  return [
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    `--test-reporter=${join(root, 'scripts/testing/counts-reporter.mjs')}`, `--test-reporter-destination=${resultsFile(suite)}`,
  ];
}

function allowList() {
  return JSON.parse(readFileSync(join(root, '.ci/allowed-skips.json'), 'utf8')).allowed;
}

/** The allow-list entry that permits this skip, if any. */
export function allowedBy(suite, skip, allowed = allowList()) {
  return allowed.find((a) => a.suite === suite && a.test === skip.name && new RegExp(a.reason).test(skip.reason));
}

/**
 * Prints one suite's counts and skips; returns false when it has no results or a skip is not
 * allowed. `filter`: the run was narrowed to some tests on purpose, so its skips are the tests
 * not selected and are only counted.
 */
export function report(suite, { filter, log = console.log } = {}) {
  const file = join(RESULTS_DIR, `${suite}.json`);
  if (!existsSync(file)) {
    log(`# ${suite}: NO RESULTS (${file} missing: the suite did not run to its end)`);
    return false;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  log(`# ${suite}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`);
  for (const f of r.failures) log(`#   FAILED ${f.name}`);
  if (filter) {
    log(`#   (${r.skipped} not selected by the name filter ${JSON.stringify(filter)}: a partial run, not a CI run)`);
    return true;
  }
  let ok = true;
  const allowed = allowList();
  for (const s of r.skips) {
    const a = allowedBy(suite, s, allowed);
    if (a) log(`#   skipped (allowed) ${s.name}: ${s.reason}\n#     allowed because: ${a.why}`);
    else {
      ok = false;
      log(`#   SKIPPED, NOT ALLOWED ${s.name} (${s.file ?? suite}): ${s.reason}`);
    }
  }
  if (!ok) log(`# ${suite}: a test that CI must run was skipped; fix its cause (see the reason), or, only if it truly cannot run on these machines, add it with that reason to .ci/allowed-skips.json`);
  return ok;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const asked = process.argv.slice(2);
  const suites = asked.length ? asked : existsSync(RESULTS_DIR) ? readdirSync(RESULTS_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort() : [];
  if (!suites.length) console.log('# no test results yet');
  let ok = true;
  for (const s of suites) ok = report(s) && ok;
  process.exit(ok ? 0 : 1);
}
