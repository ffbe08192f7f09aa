// Try-it pad: draw a digit with the mouse, pen or finger, or with the keyboard (padKeys.ts: a pen
// cursor moved by the arrow keys); it is preprocessed like MNIST
// (preprocess.ts) and sent to the host, which runs predict in the worker. Requests are debounced
// while drawing; answers to superseded requests are ignored.
import type { WebviewMessage } from '../src/shared/webviewProtocol';
import { cssVar } from './colour';
import { h, replace, setText } from './dom';
import { classNames } from './evaluationData';
import { percent } from './format';
import { padKeyAction, type Pen } from './padKeys';
import { preprocessDigit, rgbaToInk } from './preprocess';
import { button } from './toolkit';

export const PAD_SIZE = 280;
const PEN_WIDTH = 20;
const DEBOUNCE_MS = 150;

export interface TryItPad {
  el: HTMLElement;
  setClasses(classes: string[] | undefined): void;
  /** Names the model that answers (the selected run's label), or says there is none. */
  setModel(name: string | undefined): void;
  onPrediction(id: number, probabilities: number[]): void;
  onPredictionError(id: number, message: string): void;
  /** Repaints the drawing in the new theme's ink colour. */
  refreshTheme(): void;
}

/** onDrawing: each preprocessed drawing as it is sent for prediction (784 values 0..1). */
export function createTryItPad(post: (m: WebviewMessage) => void, onDrawing?: (pixels: number[]) => void): TryItPad {
  const canvas = h('canvas', {
    width: PAD_SIZE, height: PAD_SIZE, class: 'pad', 'data-testid': 'tryit-canvas', tabindex: 0,
    // 'application': screen readers pass the arrow keys and Space through to the pad.
    role: 'application', 'aria-roledescription': 'drawing pad',
    'aria-label': 'Drawing pad: draw a digit with the mouse, or with the keyboard: arrow keys move the pen '
      + '(Shift for small steps), Space puts the pen down or lifts it, C clears',
  });
  // The keyboard pen's position, drawn as a ring over the canvas (not on it: it is not ink).
  const penCursor = h('span', { class: 'pen-cursor', 'data-testid': 'tryit-pen', 'aria-hidden': 'true' });
  const pen: Pen = { x: PAD_SIZE / 2, y: PAD_SIZE / 2, down: false };
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('try-it pad: this browser gives no 2D canvas context');
  const preview = h('canvas', { width: 28, height: 28, class: 'digit', 'data-testid': 'tryit-preview', 'aria-label': 'What the model sees (28x28)' });
  const previewCtx = preview.getContext('2d');
  const note = h('p', { class: 'tryit-note', 'data-testid': 'tryit-status', 'aria-live': 'polite' }, 'Draw a digit in the box.');
  const probs = h('ol', { class: 'probs', 'data-testid': 'tryit-probs', 'aria-label': 'Predicted probabilities' });
  let names = classNames(undefined);
  /** The current drawing's probabilities; null until its answer arrives (bars empty, no test ids). */
  let values: number[] | null = null;
  let nextId = 1;
  let latestSent = 0;
  let drawing = false;
  let dirty = false;
  let last: { x: number; y: number } | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const clear = button('Clear', { testid: 'tryit-clear', onClick: () => reset() });
  const model = h('p', { class: 'tryit-model meta', 'data-testid': 'tryit-model' }, 'No trained model yet');
  const el = h('div', {}, model, h('div', { class: 'tryit-block' },
    h('div', { class: 'pad-col' }, h('div', { class: 'pad-wrap' }, canvas, penCursor), h('div', { class: 'pad-actions' }, clear, h('span', { class: 'meta' }, 'Model input '), preview)),
    h('div', { class: 'probs-col' }, probs, note)));

  function renderProbs(): void {
    const v = values;
    const best = v ? v.indexOf(Math.max(...v)) : -1;
    // Rows carry data-testid="prob" and data-value only for a real answer, so a test (or a screen
    // reader) never mistakes the empty placeholder bars for probabilities.
    replace(probs, ...names.slice(0, 10).map((name, i) => {
      const p = v ? v[i] : 0;
      const bar = h('span', { class: 'bar' });
      bar.style.width = `${(Math.max(0, Math.min(1, p)) * 100).toFixed(1)}%`; // CSSOM, allowed by the CSP
      return h('li', { class: i === best ? 'prob best' : 'prob', 'data-testid': v ? 'prob' : undefined, 'data-value': v ? p : undefined, 'data-class': i },
        h('span', { class: 'label' }, name),
        h('span', { class: 'track' }, bar),
        h('span', { class: 'value mono' }, v ? percent(p) : '–'));
    }));
  }

  function point(ev: PointerEvent): { x: number; y: number } {
    const r = canvas.getBoundingClientRect();
    return { x: ((ev.clientX - r.left) / r.width) * PAD_SIZE, y: ((ev.clientY - r.top) / r.height) * PAD_SIZE };
  }

  const ink = () => cssVar('--vscode-editor-foreground', cssVar('--vscode-foreground', '#fff'));

  function stroke(from: { x: number; y: number }, to: { x: number; y: number }): void {
    ctx!.strokeStyle = ink();
    ctx!.lineWidth = PEN_WIDTH;
    ctx!.lineCap = 'round';
    ctx!.lineJoin = 'round';
    ctx!.beginPath();
    ctx!.moveTo(from.x, from.y);
    ctx!.lineTo(to.x, to.y);
    ctx!.stroke();
    dirty = true;
  }

  function schedule(delay: number): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => { timer = undefined; predict(); }, delay);
  }

  function predict(): void {
    if (!dirty) return;
    dirty = false;
    const img = rgbaToInk(ctx!.getImageData(0, 0, PAD_SIZE, PAD_SIZE).data, PAD_SIZE, PAD_SIZE);
    const pixels = preprocessDigit(img);
    if (!pixels) return;
    drawPreview(pixels);
    const id = nextId++;
    latestSent = id;
    setText(note, 'Predicting…');
    // Round to 3 decimals like the mnist sample: a 784-number message stays small.
    const rounded = pixels.map((v) => Math.round(v * 1000) / 1000);
    post({ type: 'predict', id, pixels: rounded });
    onDrawing?.(rounded);
  }

  function drawPreview(pixels: number[]): void {
    if (!previewCtx) return;
    const rgba = new Uint8ClampedArray(784 * 4);
    for (let i = 0; i < 784; i++) {
      const v = Math.round(pixels[i] * 255);
      rgba[i * 4] = v; rgba[i * 4 + 1] = v; rgba[i * 4 + 2] = v; rgba[i * 4 + 3] = 255;
    }
    previewCtx.putImageData(new ImageData(rgba, 28, 28), 0, 0);
  }

  function reset(): void {
    ctx!.clearRect(0, 0, PAD_SIZE, PAD_SIZE);
    previewCtx?.clearRect(0, 0, 28, 28);
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    dirty = false;
    latestSent = nextId; // answers still in flight belong to the cleared drawing
    values = null;
    renderProbs();
    setText(note, 'Draw a digit in the box.');
  }

  canvas.addEventListener('pointerdown', (ev) => {
    if (ev.button !== 0) return;
    drawing = true;
    canvas.setPointerCapture(ev.pointerId);
    last = point(ev);
    stroke(last, { x: last.x + 0.01, y: last.y }); // a click leaves a dot
    ev.preventDefault();
  });
  canvas.addEventListener('pointermove', (ev) => {
    if (!drawing || !last) return;
    const p = point(ev);
    stroke(last, p);
    last = p;
    schedule(DEBOUNCE_MS);
  });
  const end = () => {
    if (!drawing) return;
    drawing = false;
    last = null;
    schedule(0);
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);

  function placePenCursor(): void {
    // Percentages of the pad, so the ring stays on the pen if the canvas is ever scaled.
    penCursor.style.left = `${(100 * pen.x) / PAD_SIZE}%`;
    penCursor.style.top = `${(100 * pen.y) / PAD_SIZE}%`;
    penCursor.classList.toggle('down', pen.down);
  }
  function liftPen(): void {
    pen.down = false;
    placePenCursor();
    schedule(0);
  }
  canvas.addEventListener('keydown', (ev) => {
    const action = padKeyAction(ev, pen, PAD_SIZE, PEN_WIDTH / 2);
    if (!action) return;
    ev.preventDefault(); // arrows and Space would scroll the panel
    switch (action.kind) {
      case 'move': {
        const from = { x: pen.x, y: pen.y };
        pen.x = action.x;
        pen.y = action.y;
        if (pen.down) {
          stroke(from, pen);
          schedule(DEBOUNCE_MS);
        }
        break;
      }
      case 'toggle':
        if (pen.down) {
          liftPen();
          return;
        }
        pen.down = true;
        stroke(pen, { x: pen.x + 0.01, y: pen.y }); // like a click: a dot
        setText(note, 'Pen down: the arrow keys draw; Space lifts the pen.');
        break;
      case 'lift':
        liftPen();
        return;
      case 'clear':
        pen.down = false;
        reset();
        break;
    }
    placePenCursor();
  });
  canvas.addEventListener('blur', () => {
    if (pen.down) liftPen();
  });
  placePenCursor();

  renderProbs();
  return {
    el,
    setClasses(classes) {
      const next = classNames(classes);
      if (next.join('\u0000') === names.join('\u0000')) return;
      names = next;
      renderProbs();
    },
    setModel(name) {
      setText(model, name ? `Answers with: ${name}` : 'No trained model yet');
    },
    onPrediction(id, probabilities) {
      if (id !== latestSent) return; // superseded by a newer drawing or a Clear
      if (probabilities.length !== 10 || probabilities.some((p) => !Number.isFinite(p))) {
        setText(note, 'The model returned an unexpected answer; try drawing again.');
        return;
      }
      const v = probabilities.slice();
      values = v;
      renderProbs();
      const best = v.indexOf(Math.max(...v));
      setText(note, `Looks like ${names[best] ?? best} (${percent(v[best])}).`);
    },
    refreshTheme() {
      // The model reads the ink from the alpha channel only, so recolouring keeps the drawing:
      // 'source-in' paints the new colour exactly where there is ink, with its alpha.
      ctx.save();
      ctx.globalCompositeOperation = 'source-in';
      ctx.fillStyle = ink();
      ctx.fillRect(0, 0, PAD_SIZE, PAD_SIZE);
      ctx.restore();
    },
    onPredictionError(id, message) {
      if (id !== latestSent) return;
      values = null; // the bars must not keep showing an earlier drawing's answer
      renderProbs();
      setText(note, message || 'No prediction: train a model first.');
    },
  };
}
