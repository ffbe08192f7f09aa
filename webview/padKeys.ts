// The try-it pad's keyboard alternative to the mouse, as a pure function of the key and the pen:
// arrow keys move a pen cursor (Shift for small steps), Space puts the pen down or lifts it,
// Escape lifts it, C clears. Moving with the pen down draws a line.
export interface Pen { x: number; y: number; down: boolean }

export type PadKeyAction =
  | { kind: 'move'; x: number; y: number }
  | { kind: 'toggle' }
  | { kind: 'lift' }
  | { kind: 'clear' };

/** Steps in pad pixels: 20 big steps cross the pad; a small step is a fifth of a pen width. */
export const STEP = 14;
export const SMALL_STEP = 4;

const DIRS: Record<string, [number, number]> = {
  ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1],
};

/** What a key does, or null for keys the pad leaves alone (Tab, shortcuts...). */
export function padKeyAction(
  e: { key: string; shiftKey?: boolean; ctrlKey?: boolean; metaKey?: boolean; altKey?: boolean },
  pen: Pen, size: number, margin: number,
): PadKeyAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null; // leave editor and VS Code shortcuts alone
  const dir = DIRS[e.key];
  if (dir) {
    const step = e.shiftKey ? SMALL_STEP : STEP;
    const clamp = (v: number) => Math.min(size - margin, Math.max(margin, v));
    return { kind: 'move', x: clamp(pen.x + dir[0] * step), y: clamp(pen.y + dir[1] * step) };
  }
  if (e.key === ' ' || e.key === 'Spacebar') return { kind: 'toggle' };
  if (e.key === 'Escape') return pen.down ? { kind: 'lift' } : null;
  if (e.key === 'c' || e.key === 'C') return { kind: 'clear' };
  return null;
}
