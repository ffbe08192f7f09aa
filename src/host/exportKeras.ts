// Keras .h5 files in the extension. "Export for Keras" in the panel runs `lenet-lab export RUN --out FILE` (dist/cli.js) in a child
// process, so the HDF5 library (4 MB of wasm) never loads into the extension host.
import { fork } from 'node:child_process';

export interface ExportResult { ok: boolean; message: string }

/** A Keras HDF5 model file, which evaluate and predict take in place of a run folder. */
export const isKerasModelFile = (path: string): boolean => /\.(h5|hdf5)$/i.test(path);

export function exportRunForKeras(cliPath: string, runDir: string, outFile: string, timeoutMs = 120_000): Promise<ExportResult> {
  return new Promise((resolve) => {
    const child = fork(cliPath, ['export', runDir, '--format', 'h5', '--out', outFile], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], timeout: timeoutMs });
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => resolve({ ok: false, message: `could not run the exporter: ${e.message}` }));
    child.on('exit', (code, signal) => {
      if (code === 0) resolve({ ok: true, message: out.trim() });
      // The CLI's own one-line error, without its "lenet-lab: error: " prefix.
      else resolve({ ok: false, message: err.trim().replace(/^lenet-lab: (error|usage): /, '') || `the exporter ended with ${signal ?? `exit code ${code}`}` });
    });
  });
}
