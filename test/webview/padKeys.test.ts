import { test } from 'node:test';
import assert from 'node:assert/strict';
import { padKeyAction, SMALL_STEP, STEP } from '../../webview/padKeys';

const pen = { x: 140, y: 140, down: false };

test('arrow keys move the pen (Shift: small steps), clamped inside the pad', () => {
  assert.deepEqual(padKeyAction({ key: 'ArrowRight' }, pen, 280, 10), { kind: 'move', x: 140 + STEP, y: 140 });
  assert.deepEqual(padKeyAction({ key: 'ArrowUp', shiftKey: true }, pen, 280, 10), { kind: 'move', x: 140, y: 140 - SMALL_STEP });
  assert.deepEqual(padKeyAction({ key: 'ArrowLeft' }, { x: 12, y: 5, down: true }, 280, 10), { kind: 'move', x: 10, y: 10 });
  assert.deepEqual(padKeyAction({ key: 'ArrowDown' }, { x: 270, y: 269, down: true }, 280, 10), { kind: 'move', x: 270, y: 270 });
});

test('Space toggles the pen, Escape lifts it, C clears; other keys and shortcuts are left alone', () => {
  assert.deepEqual(padKeyAction({ key: ' ' }, pen, 280, 10), { kind: 'toggle' });
  assert.deepEqual(padKeyAction({ key: 'Escape' }, { ...pen, down: true }, 280, 10), { kind: 'lift' });
  assert.equal(padKeyAction({ key: 'Escape' }, pen, 280, 10), null, 'Escape with the pen up is not ours');
  assert.deepEqual(padKeyAction({ key: 'c' }, pen, 280, 10), { kind: 'clear' });
  assert.deepEqual(padKeyAction({ key: 'C', shiftKey: true }, pen, 280, 10), { kind: 'clear' });
  assert.equal(padKeyAction({ key: 'c', ctrlKey: true }, pen, 280, 10), null, 'Ctrl+C copies');
  assert.equal(padKeyAction({ key: 'ArrowRight', altKey: true }, pen, 280, 10), null);
  assert.equal(padKeyAction({ key: 'Tab' }, pen, 280, 10), null, 'Tab leaves the pad');
});
