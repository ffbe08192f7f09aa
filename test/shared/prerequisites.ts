// What the suites need from the machine. A missing prerequisite fails the test that needs it,
// with the fix, instead of skipping it: CI must never pass with tests that did not run.
/** Throws unless `present`, naming the Debian package that provides it and how to install it. */
export function needDebianPackage(present: boolean, pkg: string, what: string): void {
  if (!present) throw new Error(`${what} is missing: it comes from the Debian package ${pkg}; run "bash scripts/test-deps.sh" (installs every package the tests use)`);
}
