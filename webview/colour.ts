// Theme colours for canvas drawing. Canvas cannot use CSS variables, so the panel reads the
// --vscode-* values and converts them here (pure, unit-tested).

/** r, g, b 0..255 and alpha 0..1 of #rgb, #rgba, #rrggbb, #rrggbbaa and rgb()/rgba(); null otherwise. */
export function parseColour(colour: string): { r: number; g: number; b: number; a: number } | null {
  const c = colour.trim();
  const hex = /^#([0-9a-f]{3,8})$/i.exec(c);
  if (hex) {
    let s = hex[1];
    if (s.length === 3 || s.length === 4) s = s.split('').map((ch) => ch + ch).join('');
    if (s.length !== 6 && s.length !== 8) return null;
    const r = parseInt(s.slice(0, 2), 16), g = parseInt(s.slice(2, 4), 16), b = parseInt(s.slice(4, 6), 16);
    return { r, g, b, a: s.length === 8 ? parseInt(s.slice(6, 8), 16) / 255 : 1 };
  }
  const rgb = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+%?))?\s*\)$/i.exec(c);
  if (rgb) {
    const a = rgb[4] === undefined ? 1 : rgb[4].endsWith('%') ? parseFloat(rgb[4]) / 100 : parseFloat(rgb[4]);
    return { r: Number(rgb[1]), g: Number(rgb[2]), b: Number(rgb[3]), a };
  }
  return null;
}

/** Returns the colour with the given alpha, for #rgb, #rrggbb, #rrggbbaa and rgb()/rgba(). */
export function withAlpha(colour: string, alpha: number): string {
  const p = parseColour(colour);
  // named colours etc.: drawn opaque rather than guessed
  return p ? `rgba(${p.r}, ${p.g}, ${p.b}, ${round3(p.a * alpha)})` : colour.trim();
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/** Reads a CSS custom property, falling back when the theme does not define it. */
export function cssVar(name: string, fallback: string, el: Element = document.documentElement): string {
  const v = getComputedStyle(el).getPropertyValue(name).trim();
  return v || fallback;
}

type Rgb = { r: number; g: number; b: number };

/** The colour as drawn over an opaque background (alpha composited). */
function over(c: { r: number; g: number; b: number; a: number }, bg: Rgb): Rgb {
  return { r: c.r * c.a + bg.r * (1 - c.a), g: c.g * c.a + bg.g * (1 - c.a), b: c.b * c.a + bg.b * (1 - c.a) };
}

/** WCAG 2 relative luminance. */
function luminance({ r, g, b }: Rgb): number {
  const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
}

/** WCAG contrast ratio (1 to 21) of a colour over an opaque background; NaN if either cannot be parsed. */
export function contrastRatio(colour: string, background: string): number {
  const bg = parseColour(background), c = parseColour(colour);
  if (!bg || !c) return NaN;
  const base = { r: bg.r, g: bg.g, b: bg.b };
  const [a, b] = [luminance(over(c, base)), luminance(base)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}

const hex2 = (v: number) => Math.round(Math.max(0, Math.min(255, v))).toString(16).padStart(2, '0');

/**
 * The colour, mixed towards `towards` (the theme's foreground) in 5% steps until it reaches
 * `min` contrast over every background: theme colours made readable as text without leaving the
 * theme's hue. Unparseable input comes back unchanged.
 */
export function withContrast(colour: string, backgrounds: string[], min: number, towards: string): string {
  const c = parseColour(colour), t = parseColour(towards);
  const bgs = backgrounds.map(parseColour);
  if (!c || !t || bgs.some((b) => !b)) return colour.trim();
  for (let step = 0; step <= 20; step++) {
    const k = step / 20;
    const base = bgs[0]!;
    const cc = over(c, base), tt = over(t, base);
    const mix = `#${hex2(cc.r + (tt.r - cc.r) * k)}${hex2(cc.g + (tt.g - cc.g) * k)}${hex2(cc.b + (tt.b - cc.b) * k)}`;
    if (bgs.every((b) => contrastRatio(mix, `rgb(${b!.r}, ${b!.g}, ${b!.b})`) >= min)) return mix;
  }
  return towards.trim();
}
