// "Inside the network": every layer's output for one input (the try-it drawing, a test image by
// index, or a misclassified card's image) and every layer's kernels, from the shown run's model.
// One small heat map per channel for feature maps, a strip of cells for vectors, each layer with
// its name, type, shape, value range and colour scale; hovering a map gives its channel's
// min/max/mean. The host asks the worker (inspect -> activations); answers to superseded requests
// are ignored. Clicking a map (or Enter/Space on it) shows it in detail (insideDetail.ts).
import { fromBase64, snapshotTensors, type InsideRecording } from '../src/shared/insideRecording';
import type { LayerActivation, LayerKernel } from '../src/shared/protocol';
import type { HostMessage, WebviewMessage } from '../src/shared/webviewProtocol';
import { cssVar, parseColour } from './colour';
import { h, replace, setText } from './dom';
import {
  channelImage, channelStats, denseImage, heatColour, heatScale, kernelGrid, layoutOf, short, valuesImage, zoomFor,
  type HeatScale, type Palette, type Rgb,
} from './insideData';
import { createInsideDetail } from './insideDetail';
import { button } from './toolkit';

type Answer = Extract<HostMessage, { type: 'activations' }>['result'];
type Source = { kind: 'drawing' } | { kind: 'test'; index: number };

export interface InsideView {
  el: HTMLElement;
  /** The try-it pad's latest drawing (784 values 0..1): shown when the view follows the drawing. */
  setDrawing(pixels: number[]): void;
  /** Show test image `index` (a misclassified card's "See inside"). */
  showTestImage(index: number): void;
  /** source: the model file the run was trained from; its layers then link to their code. */
  onActivations(id: number, result: Answer, source?: string): void;
  onActivationsError(id: number, message: string): void;
  onRecording(id: number, runDir: string, recording: InsideRecording, source?: string): void;
  /** Shows this layer (the editor hover's "Show activations"), asking for an answer if none is shown. */
  showLayer(name: string): void;
  onRecordingError(id: number, message: string): void;
  refreshTheme(): void;
}

function rgbOf(name: string, fallback: string): Rgb {
  const c = parseColour(cssVar(name, fallback)) ?? parseColour(fallback)!;
  return [c.r, c.g, c.b];
}

function themePalette(): Palette {
  return {
    background: rgbOf('--vscode-editor-background', '#1e1e1e'),
    neg: rgbOf('--vscode-charts-blue', '#3794ff'),
    pos: rgbOf('--vscode-charts-orange', '#d18616'),
  };
}

/** A canvas showing an RGBA image, scaled up by CSS (pixelated) to `zoom` CSS pixels per value. */
function imageCanvas(image: Uint8ClampedArray<ArrayBuffer>, width: number, height: number, zoom: number, attrs: Record<string, string | number>): HTMLCanvasElement {
  const c = h('canvas', { width, height, class: 'heat', ...attrs });
  c.style.width = `${width * zoom}px`; // CSSOM, allowed by the CSP
  c.style.height = `${height * zoom}px`;
  c.getContext('2d')?.putImageData(new ImageData(image, width, height), 0, 0);
  return c;
}

/** The colour scale of a layer: a gradient from its low to its high end, labelled. */
function legend(s: HeatScale, p: Palette): HTMLElement {
  const steps = 64;
  const img = new Uint8ClampedArray(steps * 4);
  for (let i = 0; i < steps; i++) {
    const [r, g, b] = heatColour(s.lo + ((s.hi - s.lo) * i) / (steps - 1), s, p);
    img.set([r, g, b, 255], i * 4);
  }
  const bar = imageCanvas(img, steps, 1, 1, { 'aria-hidden': 'true', 'data-testid': 'inside-scale' });
  bar.style.width = '96px';
  bar.style.height = '8px';
  return h('span', { class: 'scale meta' }, short(s.lo), ' ', bar, ' ', short(s.hi),
    s.kind === 'diverging' ? ' (0 = background)' : '');
}

const shapeText = (shape: number[]) => shape.join('×');

export function createInsideView(post: (m: WebviewMessage) => void): InsideView {
  const drawingRadio = h('input', { type: 'radio', name: 'inside-source', id: 'inside-src-drawing', 'data-testid': 'inside-src-drawing', checked: true });
  const testRadio = h('input', { type: 'radio', name: 'inside-source', id: 'inside-src-test', 'data-testid': 'inside-src-test' });
  const indexInput = h('input', { type: 'number', min: 0, step: 1, value: 0, class: 'index', 'data-testid': 'inside-index', 'aria-label': 'Test image index' });
  const bestBox = h('input', { type: 'checkbox', id: 'inside-best', 'data-testid': 'inside-best' });
  const show = button('Show', { appearance: 'primary', testid: 'inside-show', onClick: () => request(currentSource()) });
  const overTraining = button('Over training', {
    testid: 'inside-training', title: 'The probe images\u2019 layers and the kernels as they formed, epoch by epoch',
    onClick: () => requestRecording(),
  });
  // The epoch scrubber: one step per recorded epoch; play steps through them.
  const scrub = h('input', { type: 'range', min: 0, max: 0, step: 1, value: 0, class: 'epoch', 'data-testid': 'inside-epoch', 'aria-label': 'Recorded epoch' });
  const epochLabel = h('span', { class: 'mono', 'data-testid': 'inside-epoch-label' });
  const play = button('Play', { testid: 'inside-play', onClick: () => togglePlay() });
  const probeButtons = h('span', { class: 'probes', 'data-testid': 'inside-probes', role: 'group', 'aria-label': 'Probe image' });
  const scrubber = h('div', { class: 'inside-scrubber hidden', 'data-testid': 'inside-scrubber' },
    h('span', { class: 'meta' }, 'Probe '), probeButtons, h('span', { class: 'meta' }, ' Epoch '), scrub, epochLabel, play);
  const status = h('p', { class: 'inside-status', 'data-testid': 'inside-status', 'aria-live': 'polite' },
    'Draw a digit in Try it or pick a test image, then press Show.');
  const hover = h('p', { class: 'inside-hover mono', 'data-testid': 'inside-hover' }, '\u00a0');
  const inputCanvas = h('canvas', { width: 28, height: 28, class: 'digit', 'data-testid': 'inside-input', 'aria-label': 'The input image' });
  const layersEl = h('div', { class: 'inside-layers', 'data-testid': 'inside-layers' });
  const notes = h('ul', { class: 'inside-notes meta', 'data-testid': 'inside-notes' });
  const detail = createInsideDetail();
  const el = h('div', { class: 'inside-block' },
    h('div', { class: 'inside-controls' },
      h('span', { class: 'choice' }, drawingRadio, h('label', { for: 'inside-src-drawing' }, 'Try-it drawing')),
      h('span', { class: 'choice' }, testRadio, h('label', { for: 'inside-src-test' }, 'Test image '), indexInput),
      h('span', { class: 'choice' }, bestBox, h('label', { for: 'inside-best' }, 'Best epoch\u2019s model')),
      show, overTraining),
    scrubber,
    h('div', { class: 'inside-head' }, inputCanvas, h('div', {}, status, hover)),
    detail.el, layersEl, notes);

  let drawing: number[] | null = null;
  /** After Show with the drawing as input, every new drawing is shown too. */
  let following = false;
  let nextId = 1;
  let latest = 0;
  let shown: Answer | null = null;
  let recorded: { runDir: string; recording: InsideRecording; probe: number } | null = null;
  /** The model file of the shown answer's run, when it was trained from one. */
  let source: string | undefined;
  /** A layer to bring into view once an answer is drawn. */
  let wanted: string | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;

  function currentSource(): Source {
    if (testRadio.checked) {
      const n = Number(indexInput.value);
      return { kind: 'test', index: Number.isInteger(n) && n >= 0 ? n : 0 };
    }
    return { kind: 'drawing' };
  }

  function request(src: Source): void {
    if (src.kind === 'drawing' && !drawing) {
      setText(status, 'Draw a digit in Try it first (or pick a test image).');
      return;
    }
    following = src.kind === 'drawing';
    leaveRecording();
    const id = nextId++;
    latest = id;
    setText(status, 'Computing every layer\u2019s output\u2026');
    const best = bestBox.checked;
    post(src.kind === 'drawing' ? { type: 'inspect', id, best, pixels: drawing! } : { type: 'inspect', id, best, testIndex: src.index });
  }

  function requestRecording(): void {
    const id = nextId++;
    latest = id;
    following = false;
    setText(status, 'Reading the run\u2019s recording\u2026');
    post({ type: 'inspectTraining', id });
  }

  function leaveRecording(): void {
    stopPlaying();
    recorded = null;
    scrubber.classList.add('hidden');
  }

  function stopPlaying(): void {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
    play.textContent = 'Play';
  }

  function togglePlay(): void {
    if (!recorded) return;
    if (timer !== undefined) return stopPlaying();
    if (Number(scrub.value) >= Number(scrub.max)) scrub.value = '0';
    play.textContent = 'Pause';
    showSnapshot();
    timer = setInterval(() => {
      if (Number(scrub.value) >= Number(scrub.max)) return stopPlaying();
      scrub.value = String(Number(scrub.value) + 1);
      showSnapshot();
    }, 700);
  }

  /** The recording at the scrubber's epoch for the chosen probe, drawn like a live answer. */
  function showSnapshot(): void {
    if (!recorded) return;
    const { recording: r, probe } = recorded;
    const s = Math.max(0, Math.min(r.snapshots.length - 1, Number(scrub.value) || 0));
    const epoch = r.snapshots[s].epoch;
    setText(epochLabel, `${epoch === 0 ? 'initial weights' : `epoch ${epoch}`} (${s + 1} of ${r.snapshots.length})`);
    const p = r.probes[probe];
    const values = Array.from(fromBase64(p.pixels), (v) => v / 255);
    const answer: Answer = {
      type: 'activations', id: 0, model: recorded.runDir,
      input: { kind: 'test', index: p.index, label: p.label, dataset: r.dataset, shape: [28, 28, 1], values },
      ...snapshotTensors(r, s, probe), notes: [],
    };
    shown = answer;
    render(answer, `Probe: test image ${p.index} of ${r.dataset} (label ${p.label}) at ${epoch === 0 ? 'the initial weights' : `epoch ${epoch}`}`);
  }

  function chooseProbe(k: number): void {
    if (!recorded) return;
    recorded.probe = k;
    probeButtons.querySelectorAll('button').forEach((b, i) => b.setAttribute('aria-pressed', String(i === k)));
    showSnapshot();
  }

  scrub.addEventListener('input', () => {
    stopPlaying();
    showSnapshot();
  });

  function render(a: Answer, heading?: string): void {
    const p = themePalette();
    const input = a.input;
    if (input.values.length === 784) {
      const img = new Uint8ClampedArray(784 * 4);
      for (let i = 0; i < 784; i++) {
        const v = Math.round(Math.max(0, Math.min(1, input.values[i])) * 255);
        img.set([v, v, v, 255], i * 4);
      }
      inputCanvas.getContext('2d')?.putImageData(new ImageData(img, 28, 28), 0, 0);
    }
    const last = a.layers[a.layers.length - 1];
    const guess = last && last.values.length > 1 ? last.values.indexOf(Math.max(...last.values)) : -1;
    const what = input.kind === 'test' ? `Test image ${input.index} of ${input.dataset} (label ${input.label})` : 'The try-it drawing';
    setText(status, `${heading ?? what} · ${a.layers.length} layers · model ${a.model}${guess >= 0 ? ` · largest output: ${guess}` : ''}`);
    const kernelsOf = new Map<string, LayerKernel[]>();
    for (const k of a.kernels) kernelsOf.set(k.layer, [...(kernelsOf.get(k.layer) ?? []), k]);
    replace(layersEl, ...a.layers.map((l) => layerBlock(l, kernelsOf.get(l.name) ?? [], p)));
    replace(notes, ...a.notes.map((n) => h('li', {}, n)));
    detail.refresh(a, p);
    if (wanted) revealLayer(wanted);
  }

  function revealLayer(name: string): void {
    const block = Array.from(layersEl.querySelectorAll<HTMLElement>('[data-testid=inside-layer]')).find((b) => b.getAttribute('data-name') === name);
    if (!block) {
      setText(hover, `No layer ${name} in this model.`);
      wanted = undefined;
      return;
    }
    wanted = undefined;
    layersEl.querySelectorAll('.inside-layer.wanted').forEach((b) => b.classList.remove('wanted'));
    block.classList.add('wanted');
    block.scrollIntoView({ block: 'center' });
    block.focus({ preventScroll: true });
  }

  function layerBlock(l: LayerActivation, kernels: LayerKernel[], p: Palette): HTMLElement {
    const s = heatScale(l.min, l.max);
    const layout = layoutOf(l);
    const maps = h('div', { class: `inside-maps ${layout.kind}` });
    const describe = (label: string, st: { min: number; max: number; mean: number }) =>
      `${l.name} ${label}: min ${short(st.min)}, max ${short(st.max)}, mean ${short(st.mean)}`;
    const hoverable = (c: HTMLElement, text: string) => {
      c.setAttribute('title', text);
      c.setAttribute('aria-label', text);
      c.setAttribute('role', 'img');
      c.addEventListener('mouseenter', () => setText(hover, text));
      c.addEventListener('mouseleave', () => setText(hover, '\u00a0'));
      return c;
    };
    if (layout.kind === 'maps') {
      const zoom = zoomFor(layout.height, layout.width);
      const stats = channelStats(l.values, layout.channels);
      for (let c = 0; c < layout.channels; c++) {
        const canvas = imageCanvas(channelImage(l.values, layout, c, s, p), layout.width, layout.height, zoom, { 'data-testid': 'inside-map', 'data-channel': c });
        maps.append(hoverable(canvas, describe(`channel ${c}`, stats[c])));
        // A button: it opens the map in detail.
        canvas.setAttribute('role', 'button');
        canvas.setAttribute('tabindex', '0');
        canvas.setAttribute('title', `${describe(`channel ${c}`, stats[c])}. Click for details`);
        const open = () => { if (shown) detail.open(shown, l.name, c, p, canvas); };
        canvas.addEventListener('click', open);
        canvas.addEventListener('keydown', (ev) => {
          if (ev.key !== 'Enter' && ev.key !== ' ') return;
          ev.preventDefault();
          open();
        });
      }
    } else if (layout.kind === 'matrix') {
      const zoom = zoomFor(layout.height, layout.width, 160);
      maps.append(hoverable(imageCanvas(valuesImage(l.values, layout.width, layout.height, s, p), layout.width, layout.height, zoom, { 'data-testid': 'inside-map', 'data-channel': 0 }),
        describe(`${layout.height}×${layout.width}`, l)));
    } else {
      const zoom = Math.max(2, Math.min(12, Math.floor(480 / Math.max(1, layout.length))));
      const strip = imageCanvas(valuesImage(l.values, layout.length, 1, s, p), layout.length, 1, zoom, { 'data-testid': 'inside-strip' });
      strip.style.height = '14px';
      maps.append(hoverable(strip, describe(`${layout.length} values`, l)));
    }
    const cut = l.shown ? h('span', { class: 'meta' }, ` (showing ${shapeText(l.shown)})`) : null;
    const name = source
      ? h('button', { type: 'button', class: 'link', 'data-testid': 'inside-source', title: `Open ${l.name} in ${source}` }, h('strong', {}, l.name), ' \u2197')
      : h('strong', {}, l.name);
    if (source) name.addEventListener('click', () => post({ type: 'openLayerSource', layer: l.name }));
    return h('div', { class: 'inside-layer', tabindex: -1, 'data-testid': 'inside-layer', 'data-name': l.name, 'data-type': l.type, 'data-shape': shapeText(l.shape) },
      h('div', { class: 'inside-layer-head' },
        name, ' ', h('span', { class: 'meta' }, `${l.type} · ${shapeText(l.shape)}`), cut,
        h('span', { class: 'range mono', 'data-testid': 'inside-range' }, `min ${short(l.min)} · max ${short(l.max)} · mean ${short(l.mean)}`),
        legend(s, p)),
      maps,
      ...kernels.map((k) => kernelBlock(k, p, hoverable)));
  }

  function kernelBlock(k: LayerKernel, p: Palette, hoverable: (c: HTMLElement, text: string) => HTMLElement): HTMLElement {
    const s = heatScale(k.min, k.max);
    const shape = k.shown ?? k.shape;
    let canvas: HTMLElement;
    let caption: string;
    if (shape.length === 4) {
      const g = kernelGrid(k.values, shape, s, p);
      // As large as fits about 720 CSS pixels across: C1 and C3 at 6 px per weight, C5 at 1.
      const zoom = Math.max(1, Math.min(6, Math.floor(720 / g.width)));
      canvas = imageCanvas(g.image, g.width, g.height, zoom, { 'data-testid': 'inside-kernel', 'data-name': k.name, 'data-tiles': `${g.rows}x${g.cols}` });
      caption = `${k.name}: ${shape[3]} filters (columns) × ${shape[2]} input channel${shape[2] === 1 ? '' : 's (rows)'}, ${shape[0]}×${shape[1]} each`;
    } else if (shape.length === 2) {
      const d = denseImage(k.values, shape, s, p);
      canvas = imageCanvas(d.image, d.width, d.height, zoomFor(d.height, d.width, 200), { 'data-testid': 'inside-kernel', 'data-name': k.name, 'data-tiles': `${shape[1]}x${shape[0]}` });
      caption = `${k.name}: ${shape[1]} units (rows) × ${shape[0]} inputs (columns)`;
    } else {
      const n = shape.reduce((a, b) => a * b, 1);
      canvas = imageCanvas(valuesImage(k.values, n, 1, s, p), n, 1, 2, { 'data-testid': 'inside-kernel', 'data-name': k.name });
      caption = `${k.name}: ${shapeText(k.shape)}`;
    }
    const text = `${caption}; min ${short(k.min)}, max ${short(k.max)}, mean ${short(k.mean)}`;
    return h('figure', { class: 'inside-kernel' }, hoverable(canvas, text),
      h('figcaption', { class: 'meta' }, caption, k.shown ? ` (showing ${shapeText(k.shown)} of ${shapeText(k.shape)})` : '', ' · ', legend(s, p)));
  }

  return {
    el,
    setDrawing(pixels) {
      drawing = pixels.slice();
      if (following && drawingRadio.checked) request({ kind: 'drawing' });
    },
    showTestImage(index) {
      testRadio.checked = true;
      indexInput.value = String(index);
      request({ kind: 'test', index });
      el.scrollIntoView({ block: 'start' });
    },
    onActivations(id, result, from) {
      if (id !== latest) return; // superseded by a newer request
      source = from;
      shown = result;
      render(result);
    },
    onActivationsError(id, message) {
      if (id !== latest) return;
      setText(status, message || 'Could not compute the activations.');
    },
    onRecording(id, runDir, recording, from) {
      if (id !== latest) return;
      source = from;
      if (recording.snapshots.length === 0) {
        setText(status, 'The recording has no epochs yet.');
        return;
      }
      stopPlaying();
      recorded = { runDir, recording, probe: 0 };
      scrub.max = String(recording.snapshots.length - 1);
      scrub.value = String(recording.snapshots.length - 1);
      replace(probeButtons, ...recording.probes.map((p, k) => {
        const b = h('button', { class: 'probe', type: 'button', 'data-testid': 'inside-probe', 'data-index': p.index, 'aria-pressed': String(k === 0), title: `test image ${p.index} (label ${p.label})` });
        const img = new Uint8ClampedArray(784 * 4);
        fromBase64(p.pixels).forEach((v, i) => img.set([v, v, v, 255], i * 4));
        const c = h('canvas', { width: 28, height: 28, class: 'digit small', 'aria-hidden': 'true' });
        c.getContext('2d')?.putImageData(new ImageData(img, 28, 28), 0, 0);
        b.append(c);
        b.addEventListener('click', () => chooseProbe(k));
        return b;
      }));
      scrubber.classList.remove('hidden');
      showSnapshot();
    },
    onRecordingError(id, message) {
      if (id !== latest) return;
      leaveRecording();
      setText(status, message || 'No recording for this run.');
    },
    showLayer(name) {
      wanted = name;
      el.scrollIntoView({ block: 'start' });
      if (shown) return revealLayer(name);
      if (!drawing) {
        testRadio.checked = true;
      }
      request(currentSource());
    },
    refreshTheme() {
      if (recorded) showSnapshot();
      else if (shown) render(shown);
    },
  };
}
