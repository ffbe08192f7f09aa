// `lenet-lab export RUN_DIR [--format h5] [--out FILE.h5]`: a trained run's model as a Keras .h5
// file (runs in the CLI process: no TensorFlow.js needed, the weights are copied as they are).
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { exportRunToH5 } from '../keras/exportRun';
import { KERAS_VERSION } from '../keras/h5';
import { KerasFormatError } from '../keras/modelConfig';
import { UsageError, type OptSpec } from './args';

export const EXPORT_OPTS: Record<string, OptSpec> = {
  format: { kind: 'string', choices: ['h5'], help: 'h5: Keras HDF5, as model.save("x.h5") writes it (default)' },
  out: { kind: 'string', help: 'the file to write (default RUN_DIR/model.h5)' },
  help: { kind: 'flag', help: 'show this help' },
};

export const EXPORT_USAGE = 'lenet-lab export RUN_DIR [--format h5] [--out FILE.h5]';

/** Returns the exit code; a bad run folder or model is an Error with a one-line message. */
export async function runExport(opts: Record<string, unknown>, positionals: string[]): Promise<number> {
  const dir = positionals[0];
  if (!dir) throw new UsageError(`export needs the run folder to export (${EXPORT_USAGE})`);
  const runDir = resolve(dir);
  if (!existsSync(runDir) || !statSync(runDir).isDirectory()) throw new KerasFormatError(`run folder not found: ${runDir}`);
  const out = resolve((opts.out as string | undefined) ?? join(runDir, 'model.h5'));
  const { weights } = await exportRunToH5(runDir, out);
  const params = weights.reduce((n, w) => n + w.data.length, 0);
  process.stdout.write(`Exported ${runDir} to ${out} (Keras ${KERAS_VERSION} HDF5, ${params.toLocaleString('en-US')} parameters)\n`);
  return 0;
}
