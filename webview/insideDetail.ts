// Details on demand for one feature map of "Inside the network": the map enlarged with a chosen
// pixel (click it, or move with the arrow keys), that pixel's value, its receptive field drawn
// over the enlarged input image, and for a convolution the filter that produced the channel (its
// kh x kw weights for every input channel, from the same answer). Closes with its button or Escape.
import type { LayerActivation, LayerKernel } from '../src/shared/protocol';
import type { HostMessage } from '../src/shared/webviewProtocol';
import { cssVar } from './colour';
import { h, replace, setText } from './dom';
import { channelImage, filterOf, heatScale, kernelGrid, layoutOf, short, type Palette } from './insideData';
import { receptiveField, type Box } from './receptiveField';
import { button } from './toolkit';

type Answer = Extract<HostMessage, { type: 'activations' }>['result'];

export interface InsideDetail {
  el: HTMLElement;
  /** Shows channel `channel` of `layer` large; `from` gets the focus back on close. */
  open(answer: Answer, layer: string, channel: number, palette: Palette, from?: HTMLElement): void;
  /** Redraws for a new answer or theme, keeping the layer, channel and pixel; closes if the layer is gone. */
  refresh(answer: Answer, palette: Palette): void;
  close(): void;
}

/** Draws an RGBA image `zoom` times larger into `c` (its width and height attributes, no inline style). */
function drawScaled(c: HTMLCanvasElement, image: Uint8ClampedArray<ArrayBuffer>, width: number, height: number, zoom: number): CanvasRenderingContext2D | null {
  c.width = width * zoom;
  c.height = height * zoom;
  c.setAttribute('data-zoom', String(zoom));
  const src = document.createElement('canvas');
  src.width = width;
  src.height = height;
  src.getContext('2d')?.putImageData(new ImageData(image, width, height), 0, 0);
  const ctx = c.getContext('2d');
  if (!ctx) return null;
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(src, 0, 0, width * zoom, height * zoom);
  return ctx;
}

/** An outline just inside the box of cells top..bottom x left..right at `zoom` pixels per cell. */
function outline(ctx: CanvasRenderingContext2D | null, b: Box, zoom: number): void {
  if (!ctx) return;
  ctx.strokeStyle = cssVar('--vscode-focusBorder', '#007fd4');
  ctx.lineWidth = 2;
  ctx.strokeRect(b.left * zoom + 1, b.top * zoom + 1, (b.right - b.left + 1) * zoom - 2, (b.bottom - b.top + 1) * zoom - 2);
}

export function createInsideDetail(): InsideDetail {
  const title = h('strong', { 'data-testid': 'inside-detail-title' });
  const close = button('Close', { testid: 'inside-detail-close', title: 'Close (Escape)', onClick: () => hide() });
  const map = h('canvas', {
    width: 1, height: 1, class: 'heat', tabindex: 0, 'data-testid': 'inside-detail-map',
    'aria-label': 'The enlarged map: arrow keys choose a pixel',
  });
  const input = h('canvas', { width: 1, height: 1, class: 'heat', role: 'img', 'data-testid': 'inside-detail-input' });
  const inputCaption = h('figcaption', { class: 'meta', 'data-testid': 'inside-detail-field' });
  const kernel = h('div', { class: 'inside-detail-kernel' });
  const value = h('p', { class: 'mono inside-detail-value', 'data-testid': 'inside-detail-value', 'aria-live': 'polite' });
  const el = h('section', { class: 'inside-detail hidden', 'data-testid': 'inside-detail', 'aria-label': 'Feature map in detail' },
    h('div', { class: 'inside-detail-head' }, title, close),
    h('div', { class: 'inside-detail-body' },
      h('figure', {}, map, h('figcaption', { class: 'meta' }, 'Click a pixel, or use the arrow keys')),
      h('figure', {}, input, inputCaption),
      kernel),
    value);

  let shown: { answer: Answer; layer: string; channel: number; y: number; x: number; palette: Palette } | null = null;
  let returnTo: HTMLElement | undefined;

  function hide(): void {
    if (!shown) return;
    shown = null;
    el.classList.add('hidden');
    if (returnTo?.isConnected) returnTo.focus();
  }

  /** The shown layer with its index and map layout, or null when the answer no longer has it as maps. */
  function current() {
    if (!shown) return null;
    const index = shown.answer.layers.findIndex((l) => l.name === shown!.layer);
    const l: LayerActivation | undefined = shown.answer.layers[index];
    const layout = l && layoutOf(l);
    if (!l || layout.kind !== 'maps' || shown.channel >= layout.channels) return null;
    return { index, l, layout };
  }

  function draw(): void {
    const cur = current();
    if (!shown || !cur) return hide();
    const { answer: a, channel: c, palette: p } = shown;
    const { index, l, layout } = cur;
    const y = (shown.y = Math.max(0, Math.min(layout.height - 1, shown.y)));
    const x = (shown.x = Math.max(0, Math.min(layout.width - 1, shown.x)));
    setText(title, `${l.name} (${l.type}) channel ${c}, ${layout.height}×${layout.width}`);
    const zoom = Math.max(1, Math.floor(280 / Math.max(layout.height, layout.width)));
    const ctx = drawScaled(map, channelImage(l.values, layout, c, heatScale(l.min, l.max), p), layout.width, layout.height, zoom);
    outline(ctx, { top: y, left: x, bottom: y, right: x }, zoom);
    map.setAttribute('data-y', String(y));
    map.setAttribute('data-x', String(x));
    const v = l.values[(y * layout.width + x) * layout.channels + c];

    const [ih, iw, ic] = a.input.shape;
    const izoom = Math.max(1, Math.floor(224 / Math.max(ih, iw)));
    const gray = new Uint8ClampedArray(ih * iw * 4);
    for (let k = 0; k < ih * iw; k++) {
      const g = Math.round(Math.max(0, Math.min(1, a.input.values[k * (ic ?? 1)] ?? 0)) * 255);
      gray.set([g, g, g, 255], k * 4);
    }
    const ictx = drawScaled(input, gray, iw, ih, izoom);
    const box = receptiveField(a.layers, a.input.shape, index, y, x);
    let field: string;
    if (box) {
      outline(ictx, box, izoom);
      for (const k of ['top', 'left', 'bottom', 'right'] as const) input.setAttribute(`data-${k}`, String(box[k]));
      field = `receptive field: input rows ${box.top}–${box.bottom}, columns ${box.left}–${box.right} (${box.bottom - box.top + 1}×${box.right - box.left + 1})`;
    } else {
      for (const k of ['top', 'left', 'bottom', 'right']) input.removeAttribute(`data-${k}`);
      field = 'receptive field: not traced through this model\u2019s layers';
    }
    setText(inputCaption, `Input ${ih}×${iw}; ${field}`);
    input.setAttribute('aria-label', `The input image; ${field}`);
    setText(value, `${l.name} channel ${c} at row ${y}, column ${x}: ${short(v)} · ${field}`);
    map.setAttribute('aria-label', `${l.name} channel ${c} enlarged, row ${y}, column ${x}: ${short(v)}. Arrow keys choose a pixel`);

    replace(kernel, ...filterBlock(a.kernels.find((k) => k.layer === l.name && /(^|\/)kernel$/.test(k.name) && k.shape.length === 4), l, c, p));
  }

  function filterBlock(k: LayerKernel | undefined, l: LayerActivation, c: number, p: Palette): HTMLElement[] {
    if (l.type !== 'Conv2D' || !k) return [];
    const shape = k.shown ?? k.shape;
    if (c >= shape[3]) return [h('p', { class: 'meta' }, `Filter ${c} of ${k.name} was not sent (only the first ${shape[3]})`)];
    const [kh, kw, cin] = shape;
    const g = kernelGrid(filterOf(k.values, shape, c), [kh, kw, cin, 1], heatScale(k.min, k.max), p);
    const zoom = Math.max(2, Math.min(16, Math.floor(240 / Math.max(g.width, g.height))));
    const canvas = h('canvas', {
      width: 1, height: 1, class: 'heat', role: 'img', 'data-testid': 'inside-detail-kernel', 'data-name': k.name, 'data-filter': c, 'data-tiles': `${cin}x1`,
      'aria-label': `Filter ${c} of ${k.name}: ${cin} input channel${cin === 1 ? '' : 's'}, ${kh}×${kw} each`,
    });
    drawScaled(canvas, g.image, g.width, g.height, zoom);
    return [h('figure', {}, canvas, h('figcaption', { class: 'meta' },
      `The filter that made channel ${c}: ${k.name}[:, :, :, ${c}], ${kh}×${kw} for each of ${cin} input channel${cin === 1 ? '' : 's (top to bottom)'}; colours as in ${k.name}`))];
  }

  function move(dy: number, dx: number): void {
    if (!shown) return;
    shown.y += dy;
    shown.x += dx;
    draw();
  }

  map.addEventListener('click', (ev) => {
    const cur = current();
    if (!shown || !cur) return;
    const r = map.getBoundingClientRect();
    shown.y = Math.floor(((ev.clientY - r.top) / r.height) * cur.layout.height);
    shown.x = Math.floor(((ev.clientX - r.left) / r.width) * cur.layout.width);
    draw();
  });
  const arrows: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
  map.addEventListener('keydown', (ev) => {
    const d = arrows[ev.key];
    if (!d) return;
    ev.preventDefault();
    move(d[0], d[1]);
  });
  el.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Escape') return;
    ev.preventDefault();
    hide();
  });

  return {
    el,
    open(answer, layer, channel, palette, from) {
      const l = answer.layers.find((x) => x.name === layer);
      const layout = l && layoutOf(l);
      if (!layout || layout.kind !== 'maps') return;
      returnTo = from;
      shown = { answer, layer, channel, y: Math.floor(layout.height / 2), x: Math.floor(layout.width / 2), palette };
      el.classList.remove('hidden');
      draw();
      el.scrollIntoView({ block: 'nearest' });
      map.focus({ preventScroll: true });
    },
    refresh(answer, palette) {
      if (!shown) return;
      shown.answer = answer;
      shown.palette = palette;
      draw();
    },
    close: hide,
  };
}
