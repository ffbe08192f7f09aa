// Which node_modules folders a package needs at run time: the package itself and, recursively,
// its `dependencies` (and installed `optionalDependencies`), resolved the way Node resolves them
// (the nearest node_modules up the tree). Used by scripts/package.mjs to put the optional native
// @tensorflow/tfjs-node into a platform-specific .vsix.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/** The folder of `name` as seen from `fromDir`, or null when it is not installed. */
export function resolvePackageDir(name, fromDir, root) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root || dirname(dir) === dir) return null;
  }
}

/**
 * The run-time dependency closure of `name` installed under `root`: folders relative to root,
 * sorted ("node_modules/@tensorflow/tfjs-node", ...). Throws when a required (non-optional)
 * dependency is missing, naming the chain that needs it.
 */
export function dependencyClosure(root, name) {
  const seen = new Set();
  const visit = (pkg, fromDir, chain, optional) => {
    const dir = resolvePackageDir(pkg, fromDir, root);
    if (!dir) {
      if (optional) return;
      throw new Error(`${[...chain, pkg].join(' -> ')}: ${pkg} is not installed under ${root}`);
    }
    if (seen.has(dir)) return;
    seen.add(dir);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    for (const dep of Object.keys(manifest.dependencies ?? {})) visit(dep, dir, [...chain, pkg], false);
    for (const dep of Object.keys(manifest.optionalDependencies ?? {})) visit(dep, dir, [...chain, pkg], true);
  };
  visit(name, root, [], false);
  return [...seen].map((d) => relative(root, d).split(sep).join('/')).sort();
}
