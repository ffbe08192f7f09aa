// Downloads the MNIST / Fashion-MNIST gzip files into a cache folder: several mirrors, SHA-256
// of every file checked, temp file + rename (the cache never holds a partial or unverified file),
// progress, AbortSignal, redirects and timeouts. "Offline" (no mirror reachable) is told apart
// from "a server answered but the file was bad" so callers can fall back to the bundled sample.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, stat, unlink } from 'node:fs/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DataError, fmtInt } from './errors';
import type { ProgressCallback } from './types';
import { pidAlive } from '../shared/pid';
import { errorMessage } from '../shared/errors';

export interface RemoteFile {
  name: string;
  /** Size in bytes of the published .gz file. */
  size: number;
  /** SHA-256 of the published .gz file. */
  sha256: string;
}

// Published checksums of the original files (tensorflow/datasets url_checksums/mnist.txt and
// fashion_mnist.txt; the MNIST values also appear in many independent projects). The Fashion-MNIST
// ones were re-verified here against Debian's dataset-fashion-mnist (see test/data/checksums.test.ts).
export const MNIST_FILES: readonly RemoteFile[] = [
  { name: 'train-images-idx3-ubyte.gz', size: 9912422, sha256: '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609' },
  { name: 'train-labels-idx1-ubyte.gz', size: 28881, sha256: '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c' },
  { name: 't10k-images-idx3-ubyte.gz', size: 1648877, sha256: '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6' },
  { name: 't10k-labels-idx1-ubyte.gz', size: 4542, sha256: 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6' },
];

export const FASHION_MNIST_FILES: readonly RemoteFile[] = [
  { name: 'train-images-idx3-ubyte.gz', size: 26421880, sha256: '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84' },
  { name: 'train-labels-idx1-ubyte.gz', size: 29515, sha256: 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845' },
  { name: 't10k-images-idx3-ubyte.gz', size: 4422102, sha256: '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073' },
  { name: 't10k-labels-idx1-ubyte.gz', size: 5148, sha256: '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5' },
];

/** Google's CVDF mirror (used by TensorFlow) and PyTorch's mirror (used by torchvision). */
export const MNIST_MIRRORS: readonly string[] = ['https://storage.googleapis.com/cvdf-datasets/mnist/', 'https://ossci-datasets.s3.amazonaws.com/mnist/'];

/**
 * Zalando's GitHub repository (HTTPS) and their S3 website (HTTP only; the SHA-256 check is what
 * makes plain HTTP acceptable here).
 */
export const FASHION_MNIST_MIRRORS: readonly string[] = [
  'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/',
  'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
];

export const OFFLINE_ADVICE = 'Use the bundled sample (--dataset mnist-sample) or a folder holding the four IDX files (--dataset idx:<folder>).';

/** `$XDG_CACHE_HOME/lenet-lab`, else `~/.cache/lenet-lab`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  return xdg && xdg.trim() ? join(xdg, 'lenet-lab') : join(homedir(), '.cache', 'lenet-lab');
}

export interface DownloadOptions {
  /** Base URLs tried in order; the file name is appended. */
  mirrors: readonly string[];
  /** Called with 0 first, then at most every 100 ms, and with the full size at the end. */
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
  /** Time allowed from the request until the response headers arrive (default 15 s). */
  connectTimeoutMs?: number;
  /** Longest silence allowed while the body streams (default 30 s). */
  idleTimeoutMs?: number;
  maxRedirects?: number;
}

type Failure = { offline: boolean; reason: string };

class AttemptError extends Error {
  constructor(
    readonly offline: boolean,
    message: string,
  ) {
    super(message);
  }
}

/** The cache folder itself is unusable (permissions, disk full): no point trying other mirrors. */
class CacheWriteError extends Error {}

const NETWORK_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ETIMEDOUT', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'ECONNRESET', 'EPIPE']);

const NET_WORDS: Record<string, string> = {
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  ECONNREFUSED: 'connection refused',
  ENETUNREACH: 'network unreachable',
  EHOSTUNREACH: 'host unreachable',
  ECONNRESET: 'connection reset',
};

function describeNetError(e: NodeJS.ErrnoException): string {
  const code = e.code ?? '';
  if (NET_WORDS[code]) return `${NET_WORDS[code]} (${code})`;
  return code && !e.message.includes(code) ? `${e.message} (${code})` : e.message;
}

function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

function isAbort(e: unknown, signal?: AbortSignal): boolean {
  return !!signal?.aborted || (e as Error)?.name === 'AbortError';
}

async function removeQuietly(path: string): Promise<void> {
  await unlink(path).catch(() => undefined);
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(createReadStream(path), h);
  return h.digest('hex');
}

/** One GET of `url` into `tmp`, following redirects. Resolves with the SHA-256 of the body. */
function fetchToFile(url: string, tmp: string, file: RemoteFile, opts: DownloadOptions, redirectsLeft: number): Promise<{ sha256: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      reject(new AttemptError(false, `bad URL ${url}`));
      return;
    }
    const mod = parsed.protocol === 'https:' ? https : parsed.protocol === 'http:' ? http : undefined;
    if (!mod) {
      reject(new AttemptError(false, `unsupported protocol in ${url}`));
      return;
    }
    let gotResponse = false;
    const req = mod.get(parsed, { headers: { 'user-agent': 'lenet-lab', 'accept-encoding': 'identity' }, signal: opts.signal });
    const connectTimer = setTimeout(() => {
      req.destroy(Object.assign(new Error(`no answer within ${duration(opts.connectTimeoutMs ?? 15000)}`), { code: 'ETIMEDOUT' }));
    }, opts.connectTimeoutMs ?? 15000);
    // Why we destroyed the request ourselves: the response stream then only reports "aborted".
    let killedFor: string | undefined;
    req.setTimeout(opts.idleTimeoutMs ?? 30000, () => {
      killedFor = `connection idle for ${duration(opts.idleTimeoutMs ?? 30000)}`;
      req.destroy(Object.assign(new Error(killedFor), { code: 'ETIMEDOUT' }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(connectTimer);
      if (gotResponse) return; // the body pipeline reports it
      if (isAbort(e, opts.signal)) reject(e);
      else reject(new AttemptError(NETWORK_CODES.has(e.code ?? ''), describeNetError(e)));
    });
    req.on('response', (res) => {
      gotResponse = true;
      clearTimeout(connectTimer);
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirectsLeft <= 0) {
          reject(new AttemptError(false, 'too many redirects'));
          return;
        }
        const next = new URL(res.headers.location, parsed).toString();
        fetchToFile(next, tmp, file, opts, redirectsLeft - 1).then(resolve, reject);
        return;
      }
      if (status !== 200) {
        res.resume();
        reject(new AttemptError(false, `HTTP ${status}${res.statusMessage ? ' ' + res.statusMessage : ''}`));
        return;
      }
      const header = Number(res.headers['content-length']);
      if (Number.isFinite(header) && header > file.size) {
        // The size is published: a bigger body is the wrong file, however it ends.
        res.destroy();
        reject(new AttemptError(false, `the server announces ${fmtInt(header)} bytes, the file has ${fmtInt(file.size)}; nothing was read`));
        return;
      }
      const total = Number.isFinite(header) && header > 0 ? header : file.size;
      const hash = createHash('sha256');
      let bytes = 0;
      // Progress at most every 100 ms (a chunk can be 16 KB: thousands of events per file
      // otherwise), plus a first event at 0 and a final one with the full size.
      let reported = -1;
      let lastAt = 0;
      const report = (force: boolean) => {
        const now = Date.now();
        if (opts.onProgress && bytes !== reported && (force || now - lastAt >= 100)) {
          reported = bytes;
          lastAt = now;
          opts.onProgress(file.name, bytes, total);
        }
      };
      report(true);
      const meter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          if (bytes + chunk.length > file.size) {
            // Stop at the known size: an endless or oversized body never reaches the disk.
            killedFor = `the server sent more than the file's ${fmtInt(file.size)} bytes`;
            cb(Object.assign(new Error(killedFor), { code: 'ETOOBIG' }));
            return;
          }
          bytes += chunk.length;
          hash.update(chunk);
          report(false);
          cb(null, chunk);
        },
      });
      pipeline(res, meter, createWriteStream(tmp, { flags: 'wx' }), { signal: opts.signal }).then(
        () => {
          if (!res.complete || (Number.isFinite(header) && header > 0 && bytes !== header)) {
            reject(new AttemptError(false, `connection closed after ${fmtInt(bytes)} of ${fmtInt(total)} bytes`));
          } else {
            report(true);
            resolve({ sha256: hash.digest('hex'), bytes });
          }
        },
        (e: NodeJS.ErrnoException) => {
          if (isAbort(e, opts.signal)) reject(e);
          else if (e.syscall === 'open' || e.syscall === 'write') reject(new CacheWriteError(`${e.code ?? ''} ${e.message}`.trim()));
          else if (e.code === 'ETOOBIG') reject(new AttemptError(false, `${killedFor}; stopped there`));
          else reject(new AttemptError(false, `connection cut after ${fmtInt(bytes)} of ${fmtInt(total)} bytes (${killedFor ?? e.code ?? e.message})`));
        },
      );
    });
  });
}

/** Removes temp files of `name` left by downloads whose process died (killed mid-transfer). */
async function removeStaleTemps(destDir: string, name: string): Promise<void> {
  const prefix = `.${name}.`;
  for (const n of await readdir(destDir).catch(() => [] as string[])) {
    if (!n.startsWith(prefix) || !n.endsWith('.part')) continue;
    const pid = Number(n.slice(prefix.length).split('.')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && !pidAlive(pid)) await removeQuietly(join(destDir, n));
  }
}

/**
 * Downloads `file` into `destDir` (created if needed), replacing any file of that name, and returns
 * its path and the URL it came from. Throws DataError: OFFLINE when no mirror could be reached, DOWNLOAD when mirrors
 * answered but none gave the right file, ABORTED when `signal` fired.
 */
export async function downloadFile(file: RemoteFile, destDir: string, opts: DownloadOptions): Promise<{ path: string; url: string }> {
  const dest = join(destDir, file.name);
  const cannotWrite = (why: string): never => {
    throw new DataError('DATA', `Cannot write ${file.name} into the cache folder ${destDir}: ${why}. Free some space, fix its permissions or choose another cache folder.`, file.name);
  };
  try {
    await mkdir(destDir, { recursive: true });
  } catch (e) {
    cannotWrite(errorMessage(e));
  }
  await removeStaleTemps(destDir, file.name);
  const failures: Failure[] = [];
  for (const base of opts.mirrors) {
    const url = base.endsWith('/') ? base + file.name : `${base}/${file.name}`;
    const host = (() => {
      try {
        return new URL(url).host;
      } catch {
        return url;
      }
    })();
    if (opts.signal?.aborted) break;
    // Hidden, unique temp name in the cache folder itself so the final rename is atomic.
    const tmp = join(destDir, `.${file.name}.${process.pid}.${randomBytes(4).toString('hex')}.part`);
    try {
      const got = await fetchToFile(url, tmp, file, opts, opts.maxRedirects ?? 5);
      if (got.bytes !== file.size || got.sha256 !== file.sha256) {
        await removeQuietly(tmp);
        failures.push({
          offline: false,
          reason: `${host}: wrong file (${fmtInt(got.bytes)} bytes, SHA-256 ${got.sha256.slice(0, 12)}..., expected ${fmtInt(file.size)} bytes, ${file.sha256.slice(0, 12)}...)`,
        });
        continue;
      }
      try {
        await rename(tmp, dest);
      } catch (e) {
        throw new CacheWriteError(errorMessage(e));
      }
      return { path: dest, url };
    } catch (e) {
      await removeQuietly(tmp);
      if (isAbort(e, opts.signal)) break;
      if (e instanceof CacheWriteError) cannotWrite(e.message);
      if (e instanceof AttemptError) failures.push({ offline: e.offline, reason: `${host}: ${e.message}` });
      else failures.push({ offline: false, reason: `${host}: ${errorMessage(e)}` });
    }
  }
  if (opts.signal?.aborted) throw new DataError('ABORTED', `Download of ${file.name} cancelled.`, file.name);
  const reasons = failures.map((f) => f.reason).join('; ');
  if (failures.length > 0 && failures.every((f) => f.offline)) {
    throw new DataError('OFFLINE', `Cannot download ${file.name}: no mirror could be reached (${reasons}). You seem to be offline. ${OFFLINE_ADVICE}`, file.name);
  }
  throw new DataError(
    'DOWNLOAD',
    `Cannot download ${file.name}: ${failures.length ? reasons : 'no mirrors configured'}. Nothing was saved in ${destDir}. Try again later, or: ${OFFLINE_ADVICE}`,
    file.name,
  );
}

/** True when `path` exists with the published size and checksum. */
export async function isVerified(path: string, file: RemoteFile): Promise<boolean> {
  try {
    if ((await stat(path)).size !== file.size) return false;
  } catch {
    return false;
  }
  return (await sha256File(path)) === file.sha256;
}

/**
 * Makes sure every file is in `destDir`, verified; downloads the missing ones (and replaces any
 * that fail their checksum). Returns the paths in the order given and the URLs actually fetched.
 */
export async function ensureFiles(files: readonly RemoteFile[], destDir: string, opts: DownloadOptions): Promise<{ paths: string[]; downloaded: string[] }> {
  const paths: string[] = [];
  const downloaded: string[] = [];
  for (const f of files) {
    const p = join(destDir, f.name);
    if (!(await isVerified(p, f))) {
      await removeQuietly(p);
      downloaded.push((await downloadFile(f, destDir, opts)).url);
    }
    paths.push(p);
  }
  return { paths, downloaded };
}

/** Size-only check (no hashing): are all files present with their published sizes? */
export async function filesPresent(files: readonly RemoteFile[], dir: string): Promise<boolean> {
  for (const f of files) {
    try {
      if ((await stat(join(dir, f.name))).size !== f.size) return false;
    } catch {
      return false;
    }
  }
  return true;
}
