// Hover latency on 2,000-line sources (benchmark, not a test). Measures what the hover provider
// does: "cold" = the document changed, so the text is analysed again (tokenize, parse, infer)
// and then looked up; "cached" = same document version, the analysis comes from the per-version
// cache and only the lookup and the markdown run. Aim: under 20 ms cold.
// Usage: node bench/hover.mjs [--json]
// Numbers depend on the machine and its load (printed with them).
import * as esbuild from 'esbuild';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const json = process.argv.includes('--json');

// Bundle the pure analysis code the way the extension ships it (one CommonJS file).
const dir = mkdtempSync(join(tmpdir(), 'lenet-hover-bench-'));
const out = join(dir, 'lang.cjs');
await esbuild.build({ entryPoints: [join(root, 'src/lang/benchEntry.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: out, logLevel: 'warning', external: ['vscode', '@tensorflow/tfjs'] });
const lang = (await import(pathToFileURL(out).href)).default;
rmSync(dir, { recursive: true, force: true });

/** The seed's cells repeated (each repetition is one more model) plus filler code, to `lines` lines. */
function pythonFile(lines) {
  const seed = readFileSync(join(root, 'test/e2e/fixtures/workspace/lenet_seed.py'), 'utf8');
  const filler = [
    'def preprocess(x, y):  # normaliza las imágenes',
    '    x = x.astype("float32") / 255.0',
    '    return x.reshape(-1, 28, 28, 1), keras.utils.to_categorical(y, 10)',
    '',
    'results = {k: v for k, v in zip(["a", "b"], [1, 2])}',
    'plt.plot(history.history["accuracy"], label="entrenamiento")',
  ].join('\n');
  const parts = [];
  let n = 0;
  while (n < lines) {
    const chunk = parts.length % 2 === 0 ? filler : seed;
    parts.push(chunk);
    n += chunk.split('\n').length;
  }
  return parts.join('\n'); // whole chunks: the last model is complete (a little over `lines`)
}

function tsFile(lines) {
  const model = `
export function build${'$'}{i}(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, padding: 'same', activation: 'tanh', name: 'C1' }));
  model.add(tf.layers.averagePooling2d({ poolSize: 2, name: 'S2' }));
  model.add(tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'tanh', name: 'C3' }));
  model.add(tf.layers.averagePooling2d({ poolSize: 2, name: 'S4' }));
  model.add(tf.layers.conv2d({ filters: 120, kernelSize: 5, activation: 'tanh', name: 'C5' }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 84, activation: 'tanh', name: 'FC6' }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax', name: 'OUTPUT' }));
  return model;
}
const data = [1, 2, 3].map((x) => x * 2); // filler
function train(model: tf.Sequential, xs: tf.Tensor, ys: tf.Tensor) {
  return model.fit(xs, ys, { epochs: 5, batchSize: 64, callbacks: { onEpochEnd: (e, logs) => console.log(e, logs?.loss) } });
}`;
  const parts = ["import * as tf from '@tensorflow/tfjs';"];
  let i = 0;
  while (parts.join('\n').split('\n').length < lines) parts.push(model.replaceAll('${i}', String(i++)));
  return parts.join('\n');
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: q(0.5), p95: q(0.95), max: s[s.length - 1] };
};

function measure(name, text, language, needle) {
  const at = text.lastIndexOf(needle) + 2; // hover over the last model's layer: worst case for the lookup
  const hover = (a) => {
    const hit = lang.findAt(a, at);
    if (!hit?.layer) throw new Error(`${name}: no layer under the cursor`);
    return lang.hoverMarkdown(hit.model, hit.layer);
  };
  // Warm up the JIT the way a session does after a few hovers.
  for (let i = 0; i < 5; i++) hover(lang.analyzeSource(text, language));
  const cold = [];
  const coldCpu = []; // CPU time of this process: less inflated than wall time when others load the machine
  const cached = [];
  const cache = new Map();
  for (let i = 0; i < 60; i++) {
    const version = i;
    const edited = `${text}\n# edit ${i}`.replace('# edit', language === 'python' ? '# edit' : '// edit');
    let t0 = performance.now();
    const c0 = process.cpuUsage();
    const a = lang.analyzeSource(edited, language);
    cache.set('doc', { version, a });
    const md = hover(a);
    cold.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    coldCpu.push((c.user + c.system) / 1000);
    t0 = performance.now();
    for (let k = 0; k < 10; k++) {
      const e = cache.get('doc');
      if (e.version !== version) throw new Error('cache');
      hover(e.a);
    }
    cached.push((performance.now() - t0) / 10);
    if (!md.includes('(None, 10, 10, 16)') || !md.includes('2,416')) throw new Error(`${name}: unexpected hover ${md}`);
  }
  const a = lang.analyzeSource(text, language);
  return { name, lines: text.split('\n').length, chars: text.length, models: a.models.length, cold: stats(cold), coldCpu: stats(coldCpu), cached: stats(cached) };
}

const results = [
  measure('python (seed cells x N)', pythonFile(2000), 'python', 'Conv2D(16'),
  measure('typescript (tf.sequential x N)', tsFile(2000), 'tfjs', 'filters: 16'),
];
const env = { node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, loadavg: loadavg().map((x) => x.toFixed(2)).join(' ') };
if (json) {
  console.log(JSON.stringify({ env, results }, null, 2));
} else {
  console.log(`hover latency, ${env.cpu} x${env.cores}, node ${env.node}, load ${env.loadavg} (busy machines inflate these)`);
  for (const r of results) {
    const f = (s) => `median ${s.median.toFixed(2)} ms, p95 ${s.p95.toFixed(2)} ms, max ${s.max.toFixed(2)} ms`;
    console.log(`${r.name}: ${r.lines} lines, ${r.models} models`);
    console.log(`  cold (re-analyse + hover): ${f(r.cold)}`);
    console.log(`  cold, CPU time:            ${f(r.coldCpu)}`);
    console.log(`  cached (same version):     ${f(r.cached)}`);
  }
}
