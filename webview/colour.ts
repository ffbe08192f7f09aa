// Theme colours for canvas drawing. Canvas cannot use CSS variables, so the panel reads the
// --vscode-* values and converts them here (pure, unit-tested).

/** Returns the colour with the given alpha, for #rgb, #rrggbb, #rrggbbaa and rgb()/rgba(). */
export function withAlpha(colour: string, alpha: number): string {
  const c = colour.trim();
  const hex = /^#([0-9a-f]{3,8})$/i.exec(c);
  if (hex) {
    let s = hex[1];
    if (s.length === 3 || s.length === 4) s = s.split('').map((ch) => ch + ch).join('');
    if (s.length !== 6 && s.length !== 8) return c;
    const r = parseInt(s.slice(0, 2), 16), g = parseInt(s.slice(2, 4), 16), b = parseInt(s.slice(4, 6), 16);
    const a0 = s.length === 8 ? parseInt(s.slice(6, 8), 16) / 255 : 1;
    return `rgba(${r}, ${g}, ${b}, ${round3(a0 * alpha)})`;
  }
  const rgb = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+%?))?\s*\)$/i.exec(c);
  if (rgb) {
    const a0 = rgb[4] === undefined ? 1 : rgb[4].endsWith('%') ? parseFloat(rgb[4]) / 100 : parseFloat(rgb[4]);
    return `rgba(${rgb[1]}, ${rgb[2]}, ${rgb[3]}, ${round3(a0 * alpha)})`;
  }
  return c; // named colours etc.: drawn opaque rather than guessed
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/** Reads a CSS custom property, falling back when the theme does not define it. */
export function cssVar(name: string, fallback: string, el: Element = document.documentElement): string {
  const v = getComputedStyle(el).getPropertyValue(name).trim();
  return v || fallback;
}
