// The extension activated in plain Node with the recording fake VS Code (fakeVscode.ts) against the
// REAL worker (dist/worker.js: real tfjs, the real bundled MNIST sample, real run folders and child
// processes). Shared by the host suites; needs `npm run build` first (npm test does it).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeVscode, installVscodeStub, type FakeWebviewPanel } from './fakeVscode';
import type { LenetController } from '../../src/host/controller';
import type { WorkerClient } from '../../src/client/workerClient';
import type { HostMessage, PanelState } from '../../src/shared/webviewProtocol';
import { QUICK_SAMPLE_RUN } from '../shared/learningFloors';

export const root = join(__dirname, '..', '..');
export const workerBuilt = existsSync(join(root, 'dist', 'worker.js'));

/** QUICK_SAMPLE_RUN as settings (the floor in learningFloors.ts applies to its val_accuracy). */
export const QUICK_SETTINGS = {
  'lenet.dataset': QUICK_SAMPLE_RUN.dataset, 'lenet.epochs': QUICK_SAMPLE_RUN.epochs, 'lenet.dataLimit': QUICK_SAMPLE_RUN.limit,
  'lenet.batchSize': 64, 'lenet.backend': 'wasm',
};
/** A run that lasts minutes (the whole sample, 50 epochs): something to stop. */
export const LONG_SETTINGS = { ...QUICK_SETTINGS, 'lenet.epochs': 50, 'lenet.dataLimit': 0 };

export type Message<K extends HostMessage['type']> = Extract<HostMessage, { type: K }>;

export function startHost(prefix: string) {
  const tmp = mkdtempSync(join(tmpdir(), prefix));
  const ws = join(tmp, 'ws');
  const fake = createFakeVscode(root, join(tmp, 'global'));
  installVscodeStub(fake.vscode);
  fake.state.workspaceFolder = ws;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ext = require('../../src/host/extension') as typeof import('../../src/host/extension');
  let c: LenetController | undefined;

  const panel = (): FakeWebviewPanel => fake.panels[fake.panels.length - 1];
  function posted<K extends HostMessage['type']>(type: K, p: FakeWebviewPanel = panel()): Message<K>[] {
    return p.posted.filter((m) => (m as HostMessage).type === type) as Message<K>[];
  }
  async function until<T>(what: string, ms: number, probe: () => T | undefined | false): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = probe();
      if (v) return v;
      if (Date.now() > end) {
        throw new Error(`timed out after ${ms} ms waiting for ${what}; status ${c?.snapshot.status}: ${c?.snapshot.message}\n${fake.output.join('').slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  const h = {
    tmp, ws, fake, ext,
    get c(): LenetController {
      assert.ok(c, 'activate() first');
      return c;
    },
    activate(): LenetController {
      c = ext.activate(fake.context as never).controller();
      return c;
    },
    /** What VS Code does on a window reload: deactivate, dispose the subscriptions. */
    async deactivate(): Promise<void> {
      await ext.deactivate();
      for (const d of fake.context.subscriptions.splice(0)) d.dispose();
      c = undefined;
    },
    until,
    run: (id: string, ...args: unknown[]) => fake.vscode.commands.executeCommand(id, ...args) as Promise<unknown>,
    panel,
    posted,
    lastState: (p: FakeWebviewPanel = panel()): PanelState => posted('state', p).at(-1)!.state,
    /** The controller's current worker (a real child process). */
    worker: (): WorkerClient | undefined => (c as unknown as { worker?: WorkerClient }).worker,
    /** Training until at least one batch went through. */
    training: () => until('training', 60_000, () => c?.snapshot.status === 'training' && (c.snapshot.batch ?? 0) > 0),
    /** The run's (or evaluation's) outcome, which must be `status` (fails at once on another outcome). */
    async settled(status: PanelState['status'], ms = 120_000): Promise<PanelState> {
      const end = await until(`status ${status}`, ms, () => (c && ['done', 'stopped', 'error'].includes(c.snapshot.status) ? c.snapshot : undefined));
      assert.equal(end.status, status, `the run ended ${end.status}, not ${status}: ${end.message}`);
      return end;
    },
    async close(): Promise<void> {
      await c?.shutdown();
      c?.dispose();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
  return h;
}

export type Host = ReturnType<typeof startHost>;
