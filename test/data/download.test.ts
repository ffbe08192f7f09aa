import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { loadDataset } from '../../src/data/datasets';
import { defaultCacheDir, downloadFile, FASHION_MNIST_FILES, type RemoteFile } from '../../src/data/download';
import { expectDataError, idxImages, tempDir } from './helpers';
import { needDebianPackage } from '../shared/prerequisites';
import { DEBIAN_DIR, haveDebianFashion, rebuildOriginal } from './originals';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

interface Server {
  base: string;
  hits: string[];
  close(): Promise<void>;
}

/**
 * Local mirror. Routes: /good/NAME serves files[NAME]; /bad/ serves altered bytes; /cut/ sends
 * the headers and half the body then drops the connection; /stall/ sends half then goes silent;
 * /moved/ redirects to /good/; /gone/ answers 404.
 */
async function serve(t: { after: (fn: () => Promise<void> | void) => void }, files: Record<string, Buffer>): Promise<Server> {
  const hits: string[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    const [, mode, name] = (req.url ?? '').split('/');
    const body = files[name];
    if (!body || mode === 'gone') {
      res.writeHead(404, 'Not Found').end('no such file');
      return;
    }
    if (mode === 'moved') {
      res.writeHead(302, { location: `/good/${name}` }).end();
      return;
    }
    res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' });
    if (mode === 'good') res.end(body);
    else if (mode === 'bad') {
      const b = Buffer.from(body);
      b[b.length >> 1] ^= 0xff;
      res.end(b);
    } else if (mode === 'cut') {
      res.write(body.subarray(0, body.length >> 1), () => setTimeout(() => req.socket.destroy(), 20));
    } else if (mode === 'stall') {
      res.write(body.subarray(0, body.length >> 1));
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  t.after(close);
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, close };
}

/** A port nothing listens on (bound then released). */
async function deadPort(): Promise<string> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}/`;
}

function fileOf(name: string, body: Buffer): RemoteFile {
  return { name, size: body.length, sha256: sha(body) };
}

const body = gzipSync(idxImages(300)); // ~ a realistic small gzip file
const NAME = 'train-images-idx3-ubyte.gz';

test('a good download lands in the cache with the right bytes; progress reaches the total', async (t) => {
  const srv = await serve(t, { [NAME]: body });
  const cache = tempDir(t);
  const progress: [string, number, number][] = [];
  const got = await downloadFile(fileOf(NAME, body), join(cache, 'x'), { mirrors: [`${srv.base}/good/`], onProgress: (f, b, tot) => progress.push([f, b, tot]) });
  assert.equal(got.path, join(cache, 'x', NAME));
  assert.equal(got.url, `${srv.base}/good/${NAME}`);
  assert.ok(readFileSync(got.path).equals(body));
  assert.deepEqual(readdirSync(join(cache, 'x')), [NAME], 'no temp files left');
  assert.ok(progress.length >= 2);
  assert.deepEqual(progress[0], [NAME, 0, body.length]);
  assert.deepEqual(progress.at(-1), [NAME, body.length, body.length]);
  for (let i = 1; i < progress.length; i++) assert.ok(progress[i][1] >= progress[i - 1][1]);
});

test('temp files left by a killed download are cleaned up; those of live processes are kept', async (t) => {
  const srv = await serve(t, { [NAME]: body });
  const cache = tempDir(t);
  const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;
  const stale = `.${NAME}.${deadPid}.0badf00d.part`;
  const live = `.${NAME}.${process.ppid}.12345678.part`;
  writeFileSync(join(cache, stale), 'partial');
  writeFileSync(join(cache, live), 'in progress elsewhere');
  await downloadFile(fileOf(NAME, body), cache, { mirrors: [`${srv.base}/good/`] });
  assert.deepEqual(readdirSync(cache).sort(), [live, NAME].sort());
});

test('an unwritable cache folder is a clear DATA error, not a network one', async (t) => {
  const srv = await serve(t, { [NAME]: body });
  const dir = tempDir(t);
  const blocker = join(dir, 'file-not-folder');
  writeFileSync(blocker, 'x');
  await expectDataError(() => downloadFile(fileOf(NAME, body), join(blocker, 'cache'), { mirrors: [`${srv.base}/good/`] }), 'DATA', /Cannot write train-images-idx3-ubyte\.gz into the cache folder .*file-not-folder\/cache: .*choose another cache folder/);
  assert.deepEqual(srv.hits, []);
});

test('checksum mismatch: DOWNLOAD error, nothing in the cache, no temp leftovers', async (t) => {
  const srv = await serve(t, { [NAME]: body });
  const cache = tempDir(t);
  await expectDataError(
    () => downloadFile(fileOf(NAME, body), cache, { mirrors: [`${srv.base}/bad/`] }),
    'DOWNLOAD',
    /Cannot download train-images-idx3-ubyte\.gz: 127\.0\.0\.1:\d+: wrong file \(.* SHA-256 [0-9a-f]{12}\.\.\., expected/,
    /Nothing was saved in/,
    /--dataset mnist-sample/,
  );
  assert.deepEqual(readdirSync(cache), []);
});

test('connection cut mid-file: DOWNLOAD error, nothing in the cache, no temp leftovers', async (t) => {
  const srv = await serve(t, { [NAME]: body });
  const cache = tempDir(t);
  await expectDataError(() => downloadFile(fileOf(NAME, body), cache, { mirrors: [`${srv.base}/cut/`] }), 'DOWNLOAD', /connection (cut|closed) after [\d,]+ of [\d,]+ bytes/);
  assert.deepEqual(readdirSync(cache), []);
});

test('a stalled transfer times out (idle timeout) and leaves nothing', async (t) => {
  const srv = await serve(t, { [NAME]: body });
  const cache = tempDir(t);
  await expectDataError(() => downloadFile(fileOf(NAME, body), cache, { mirrors: [`${srv.base}/stall/`], idleTimeoutMs: 300 }), 'DOWNLOAD', /connection cut after [\d,]+ of [\d,]+ bytes \(connection idle for 300 ms\)/);
  assert.deepEqual(readdirSync(cache), []);
});

test('first mirror down (refused, 404 or bad file) -> the next one is used; redirects are followed', async (t) => {
  const srv = await serve(t, { [NAME]: body });
  const cache = tempDir(t);
  const dead = await deadPort();
  const got = await downloadFile(fileOf(NAME, body), cache, { mirrors: [dead, `${srv.base}/gone/`, `${srv.base}/bad/`, `${srv.base}/moved/`] });
  assert.ok(readFileSync(got.path).equals(body));
  assert.equal(got.url, `${srv.base}/moved/${NAME}`);
  assert.deepEqual(srv.hits, [`/gone/${NAME}`, `/bad/${NAME}`, `/moved/${NAME}`, `/good/${NAME}`]);
  assert.deepEqual(readdirSync(cache), [NAME]);
});

test('all mirrors unreachable -> OFFLINE with advice; unanswered request -> OFFLINE after the timeout', async (t) => {
  const cache = tempDir(t);
  const e = await expectDataError(
    async () => downloadFile(fileOf(NAME, body), cache, { mirrors: [await deadPort(), await deadPort()] }),
    'OFFLINE',
    /Cannot download train-images-idx3-ubyte\.gz: no mirror could be reached \(127\.0\.0\.1:\d+: connection refused \(ECONNREFUSED\); 127\.0\.0\.1:\d+: connection refused \(ECONNREFUSED\)\)\./,
    /You seem to be offline\. Use the bundled sample \(--dataset mnist-sample\) or a folder holding the four IDX files \(--dataset idx:<folder>\)/,
  );
  assert.equal((e as { file?: string }).file, NAME);
  // A server that accepts the connection but never answers.
  const silent = http.createServer(() => undefined);
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  t.after(() => {
    silent.closeAllConnections();
    silent.close();
  });
  const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`;
  await expectDataError(() => downloadFile(fileOf(NAME, body), cache, { mirrors: [url], connectTimeoutMs: 200 }), 'OFFLINE', /no answer within 200 ms/);
  await expectDataError(() => downloadFile(fileOf(NAME, body), cache, { mirrors: ['http://no-such-host.invalid/'] }), 'OFFLINE', /no-such-host\.invalid: (host not found \(ENOTFOUND\)|DNS lookup failed \(EAI_AGAIN\))/);
  assert.deepEqual(readdirSync(cache), []);
});

test('abort during a transfer -> ABORTED, nothing left behind', async (t) => {
  const srv = await serve(t, { [NAME]: body });
  const cache = tempDir(t);
  const ac = new AbortController();
  const p = downloadFile(fileOf(NAME, body), cache, { mirrors: [`${srv.base}/stall/`], signal: ac.signal, onProgress: () => ac.abort() });
  await expectDataError(() => p, 'ABORTED', /Download of train-images-idx3-ubyte\.gz cancelled/);
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(readdirSync(cache), []);
});

test('defaultCacheDir follows XDG_CACHE_HOME, else ~/.cache', () => {
  assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/x/cache' }), '/x/cache/lenet-lab');
  assert.match(defaultCacheDir({ HOME: '/home/u' }), /\/\.cache\/lenet-lab$/);
});

// End to end with the real Fashion-MNIST bytes and the real published checksums.
test('fashion-mnist downloads from a local mirror, verifies, caches, and loads from the cache next time', async (t) => {
  needDebianPackage(haveDebianFashion(), 'dataset-fashion-mnist', DEBIAN_DIR);
  const files: Record<string, Buffer> = {};
  for (const f of FASHION_MNIST_FILES) files[f.name] = rebuildOriginal(f.name);
  const srv = await serve(t, files);
  const cache = tempDir(t);
  const opts = { cacheDir: cache, fashionMnistDir: null, mirrors: { fashionMnist: [await deadPort(), `${srv.base}/good/`] } };
  const seen = new Set<string>();
  const ds = await loadDataset('fashion-mnist', { ...opts, onProgress: (f) => seen.add(f) });
  assert.equal(ds.train.count, 60000);
  assert.equal(ds.test.count, 10000);
  assert.match(ds.source, /downloaded 4 file\(s\) from 127\.0\.0\.1/);
  assert.equal(seen.size, 4);
  assert.deepEqual(readdirSync(join(cache, 'fashion-mnist')).sort(), FASHION_MNIST_FILES.map((f) => f.name).sort());
  const hitsBefore = srv.hits.length;
  const again = await loadDataset('fashion-mnist', opts);
  assert.equal(srv.hits.length, hitsBefore, 'second load must not touch the network');
  assert.doesNotMatch(again.source, /downloaded/);
  // A damaged cached file is detected by its checksum and fetched again.
  const p = join(cache, 'fashion-mnist', 't10k-labels-idx1-ubyte.gz');
  const b = readFileSync(p);
  b[100] ^= 1;
  writeFileSync(p, b);
  const third = await loadDataset('fashion-mnist', opts);
  assert.match(third.source, /downloaded 1 file/);
  assert.ok(readFileSync(p).equals(files['t10k-labels-idx1-ubyte.gz']));
});

test('mnist with every mirror down -> OFFLINE; auto falls back to the sample and says why', async (t) => {
  const cache = tempDir(t);
  const mirrors = { mnist: [await deadPort(), await deadPort()] };
  await expectDataError(() => loadDataset('mnist', { cacheDir: cache, mirrors }), 'OFFLINE', /Cannot download train-images-idx3-ubyte\.gz: no mirror could be reached.*--dataset mnist-sample/);
  const ds = await loadDataset('auto', { cacheDir: cache, mirrors });
  assert.equal(ds.name, 'mnist-sample');
  assert.match(ds.source, /auto: MNIST is not cached and no download mirror could be reached/);
  assert.equal(existsSync(join(cache, 'mnist')) ? readdirSync(join(cache, 'mnist')).length : 0, 0);
  // A server answering with wrong files is not "offline", but auto still falls back, with the reason.
  const srv = await serve(t, { [NAME]: body });
  const bad = await loadDataset('auto', { cacheDir: cache, mirrors: { mnist: [`${srv.base}/bad/`] } });
  assert.equal(bad.name, 'mnist-sample');
  assert.match(bad.source, /auto: MNIST could not be downloaded: Cannot download train-images-idx3-ubyte\.gz: .*wrong file/);
});
