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
