// Types for harness.mjs (kept as plain JS so bench/webview.mjs runs under node without tsx).
import type { Page } from 'playwright-core';
import type { HostMessage, PanelState } from '../../src/shared/webviewProtocol';
import type { SummaryInfo } from '../../src/shared/protocol';

export type ThemeName = 'dark' | 'light' | 'hc' | 'hcLight';
export const THEMES: Record<ThemeName, { bodyClass: string; vars: Record<string, string> }>;
export const LENET_SUMMARY: SummaryInfo;
export const CHROMIUM: string;
export function buildWebview(): Promise<{ dir: string; host: typeof import('../../src/host/panelHtml') }>;

export interface Violation { directive: string; blocked: string; sample: string; source: string; line: number; column: number }

export interface Panel {
  page: Page;
  consoleErrors: string[];
  url: string;
  send(msg: HostMessage): Promise<void>;
  violations(): Promise<Violation[]>;
  posted(): Promise<any[]>;
  setTheme(name: ThemeName): Promise<void>;
  close(): Promise<void>;
}

export function openPanel(opts?: { theme?: ThemeName; persisted?: unknown; viewport?: { width: number; height: number } }): Promise<Panel>;
export function replayTraining(
  page: Page,
  opts: { epochs: number; batches: number; chunk?: number; summary?: SummaryInfo; fromEpoch?: number; finish?: boolean },
): Promise<{ ms: number; messages: number }>;
export function bigState(points: number, epochs?: number): PanelState;
export function evaluationEvent(total?: number): HostMessage;
export function stats(values: number[]): { n: number; mean?: number; p50?: number; p95?: number; max?: number };
