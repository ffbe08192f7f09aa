// A misbehaving download server on 127.0.0.1 (LENET_LAB_MIRRORS points the worker at it): an
// endless body, a stall, a wrong announced size, a wrong file. Each ends in exit 1 with one line,
// a bounded peak, and nothing (no .part file) left in the cache.
import { describe, it as test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { assertOneLine, assertPeak, leftovers, runCli, tempDir } from './harness';

const BOUND_MB = 600;
const SIZE = 9912422; // train-images-idx3-ubyte.gz of MNIST

type Behaviour = (res: ServerResponse) => void;

const chunk = Buffer.alloc(64 << 10);
const BEHAVIOURS: [string, Behaviour, RegExp, string?][] = [
  ['an endless body', (res) => {
    res.writeHead(200); // no Content-Length: it never ends
    const more = () => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', more);
    };
    more();
  }, /the server sent more than the file's 9,912,422 bytes; stopped there/],
  ['a stall', (res) => {
    res.writeHead(200, { 'content-length': String(SIZE) });
    res.write(chunk.subarray(0, 1000)); // then nothing
  }, /connection cut after 1,000 of 9,912,422 bytes \(connection idle for 1 s\)/, '1000'],
  ['a wrong announced size', (res) => {
    res.writeHead(200, { 'content-length': String(20_000_000) });
    res.end(Buffer.alloc(1000));
  }, /the server announces 20,000,000 bytes, the file has 9,912,422; nothing was read/],
  ['a wrong file of the right size', (res) => {
    res.writeHead(200, { 'content-length': String(SIZE) });
    res.end(Buffer.alloc(SIZE));
  }, /wrong file \(9,912,422 bytes, SHA-256 [0-9a-f]{12}\.\.\., expected 9,912,422 bytes, 440fcabf73cc\.\.\.\)/],
];

// Each case is its own CLI and worker (memory is measured per process tree): run three at a time.
describe('misbehaving download server', { concurrency: 3 }, () => {
  for (const [what, behave, re, idleMs] of BEHAVIOURS) {
    test(`download server with ${what}: exit 1, one line, bounded memory, nothing in the cache`, async (t) => {
      const dir = tempDir(t, 'lenet-faults-');
      const server = createServer((_req, res) => behave(res));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      t.after(() => {
        server.closeAllConnections();
        server.close();
      });
      const port = (server.address() as AddressInfo).port;
      const r = await runCli(['train', '--dataset', 'mnist', '--epochs', '1', '--out', join(dir, 'runs')], {
        env: {
          ...process.env, XDG_CACHE_HOME: join(dir, 'cache'), LENET_LAB_MIRRORS: `http://127.0.0.1:${port}/`,
          ...(idleMs ? { LENET_LAB_DOWNLOAD_TIMEOUT_MS: idleMs } : {}),
        },
        timeoutMs: 60_000,
      });
      assert.equal(r.code, 1, r.stderr);
      assertOneLine(r.stderr, new RegExp(`^lenet-lab: error: Cannot download train-images-idx3-ubyte\\.gz: 127\\.0\\.0\\.1:\\d+: ${re.source}\\. Nothing was saved in `), what);
      assertPeak(r, BOUND_MB, what);
      assert.deepEqual(leftovers(join(dir, 'cache')), []);
      t.diagnostic(`peak ${r.peakMB} MB`);
    });
  }
});
