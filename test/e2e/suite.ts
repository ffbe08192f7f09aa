// What every real-VS-Code suite starts from: the code-server entry and the .vsix that
// test/e2e/run.mjs passes in, and the workspace settings of a quick training run.
import { test } from 'node:test';
import { requireFile, type VSCodeSession } from './harness';
import { QUICK_SAMPLE_RUN } from '../shared/learningFloors';

export const entry = requireFile(process.env.LENET_E2E_ENTRY ?? '', 'code-server entry (LENET_E2E_ENTRY; run `npm run test:e2e`)');
export const vsix = requireFile(process.env.LENET_E2E_VSIX ?? '', 'extension package (LENET_E2E_VSIX; run `npm run test:e2e`)');

/** A quick run: the bundled sample (2,000 test images), 2,000 training images, 2 epochs, wasm. */
export const QUICK = {
  'lenet.epochs': QUICK_SAMPLE_RUN.epochs,
  'lenet.dataLimit': QUICK_SAMPLE_RUN.limit,
  'lenet.dataset': QUICK_SAMPLE_RUN.dataset,
  'lenet.backend': 'wasm',
  'lenet.outputDirectory': '$WORKSPACE/.lenet/runs',
};

/**
 * A flow of a suite: a node test that, when it fails, leaves a screenshot of the screen it
 * failed on (named with `prefix` and the flow's name). `session` gives the suite's VS Code.
 */
export function flowTest(session: () => VSCodeSession | undefined, prefix = '') {
  return (name: string, opts: { timeout: number }, fn: () => Promise<void>): void => {
    test(name, opts, async () => {
      try {
        await fn();
      } catch (err) {
        const vs = session();
        if (vs) console.log(`# failure screenshot: ${await vs.screenshot(`FAIL-${prefix}${name.slice(0, 40)}`)}`);
        throw err;
      }
    });
  };
}
