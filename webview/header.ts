// The header: run status, backend, dataset, epoch i/N, batch progress, ETA, throughput, and the
// Start / Stop / Evaluate buttons (they post the same commands as the command palette runs).
import type { PanelState, RunStatus, WebviewMessage } from '../src/shared/webviewProtocol';
import { datasetSizeText } from '../src/shared/datasetText';
import { trainStepText } from '../src/shared/trainStepText';
import { epochProgress, isActive } from '../src/shared/panelState';
import { h, setText } from './dom';
import { duration, epochText, rate, thousands } from './format';
import { button, progressRing, setDisabled } from './toolkit';

const BUSY: RunStatus[] = ['starting', 'loading', 'training', 'stopping', 'evaluating'];

export interface Header { el: HTMLElement; update(s: PanelState): void }

/** "Run lenet5 · 2026-12-01 18:25 · model lenet5 from lenet.ts, 8 layers, 61,706 params · mnist-sample · 2/2 epochs · best val_acc 0.8731". */
export function runIdentity(s: PanelState): string {
  const r = s.run;
  if (!r) return s.status === 'idle' ? '' : 'New run';
  const m = r.model;
  const model = m ? `model ${m.name}${m.source ? ` from ${m.source}` : ''}, ${m.layers} layers, ${thousands(m.params)} params${m.optimizer ? `, ${m.optimizer}${m.learningRate !== undefined ? ` lr ${m.learningRate}` : ''}` : ''}` : undefined;
  const done = r.final?.epoch ?? 0;
  const best = r.best && Number.isFinite(r.best.val_acc) ? `best val_acc ${r.best.val_acc.toFixed(4)} (epoch ${r.best.epoch})` : undefined;
  return [`Run ${r.label}`, model, r.dataset, `${done}/${r.epochs} epochs`, best, r.reason && r.status !== 'running' ? r.reason : undefined]
    .filter(Boolean).join(' · ');
}

export function createHeader(post: (m: WebviewMessage) => void): Header {
  const status = h('span', { class: 'status-pill', 'data-testid': 'status', role: 'status' }, 'idle');
  const ring = progressRing('Working');
  ring.classList.add('busy-ring');
  const backend = h('span', { class: 'meta', 'data-testid': 'backend' });
  const step = h('span', { class: 'meta', 'data-testid': 'train-step' });
  const dataset = h('span', { class: 'meta', 'data-testid': 'dataset' });
  const epoch = h('span', { class: 'meta epoch', 'data-testid': 'epoch' }, 'Epoch –');
  const progress = h('progress', { class: 'batch-progress', max: 1, value: 0, 'data-testid': 'batch-progress', 'aria-label': 'Batch progress in this epoch' });
  const batchText = h('span', { class: 'meta small' });
  const eta = h('span', { class: 'meta', 'data-testid': 'eta' });
  const speed = h('span', { class: 'meta', 'data-testid': 'speed' });
  const start = button('Start', { appearance: 'primary', testid: 'btn-start', title: 'LeNet: Start Training', onClick: () => post({ type: 'command', command: 'start' }) });
  const stop = button('Stop', { testid: 'btn-stop', title: 'LeNet: Stop Training', onClick: () => post({ type: 'command', command: 'stop' }) });
  const evaluate = button('Evaluate', { testid: 'btn-evaluate', title: 'LeNet: Evaluate Model on the test set', onClick: () => post({ type: 'command', command: 'evaluate' }) });
  const message = h('p', { class: 'message', 'data-testid': 'message' });
  // Which run the panel shows: its label, model (file, layers, params), dataset, epochs, best val_acc.
  const identity = h('p', { class: 'run-identity', 'data-testid': 'run-identity' });
  const notice = h('p', { class: 'notice hidden', 'data-testid': 'run-notice' });
  const resume = button('Resume', { testid: 'btn-resume', title: 'Continue this run from its last completed epoch', onClick: () => {
    if (shownRun) post({ type: 'runAction', action: 'resume', runDir: shownRun });
  } });
  let shownRun: string | undefined;
  const progressWrap = h('span', { class: 'progress-wrap' }, progress, batchText);

  const el = h('header', { class: 'toolbar' },
    h('div', { class: 'toolbar-row' },
      h('h1', {}, 'LeNet Lab'), status, ring, epoch,
      progressWrap,
      eta, speed,
      h('span', { class: 'spacer' }),
      h('span', { class: 'buttons' }, start, stop, evaluate, resume)),
    identity,
    h('div', { class: 'toolbar-row secondary' }, backend, step, dataset, message),
    notice);

  return {
    el,
    update(s) {
      setText(status, s.status);
      status.className = `status-pill status-${s.status}`;
      ring.classList.toggle('hidden', !BUSY.includes(s.status));
      const ep = epochProgress(s); // the status bar item shows the same i/N
      setText(epoch, epochText(ep?.epoch, ep?.epochs));
      const batches = s.batches ?? 0;
      const frac = batches > 0 ? Math.min(1, (s.batch ?? 0) / batches) : 0;
      // A stopped or failed run's bar would be the unfinished epoch's, next to "Epoch i/N" that
      // counts completed epochs (epochProgress): show it while a run is busy, and full when done.
      // A past run's view has no batch counts: no bar either.
      progressWrap.classList.toggle('hidden', batches === 0 || !(isActive(s.status) || s.status === 'done'));
      progress.value = frac;
      setText(batchText, batches > 0 ? `${thousands(s.batch ?? 0)}/${thousands(batches)}` : '');
      setText(eta, s.etaSeconds !== undefined && BUSY.includes(s.status) ? `ETA ${duration(s.etaSeconds)}` : '');
      setText(speed, s.samplesPerSecond !== undefined ? rate(s.samplesPerSecond) : '');
      setText(backend, s.backend ? `Backend: ${s.backend.name}` : '');
      backend.title = s.backend?.reason ?? '';
      setText(step, s.trainStep ? `Step: ${trainStepText(s.trainStep)}` : '');
      step.title = s.trainStep?.reason ? `The fused wasm step does not train this run: ${s.trainStep.reason}` : '';
      setText(dataset, s.dataset ? `Dataset: ${s.dataset.name} (${datasetSizeText(s.dataset)})` : '');
      dataset.title = s.dataset?.source ?? '';
      setText(message, s.message ?? '');
      message.classList.toggle('error', s.status === 'error');
      setText(identity, runIdentity(s));
      setText(notice, s.notice ?? '');
      notice.classList.toggle('hidden', !s.notice);
      shownRun = s.run?.runDir;
      // A stopped or interrupted run that is not training can continue in its folder.
      const resumable = !!s.run && (s.run.status === 'stopped' || s.run.status === 'interrupted') && s.run.final !== undefined;
      resume.classList.toggle('hidden', !resumable);
      setDisabled(resume, !resumable || BUSY.includes(s.status));
      evaluate.title = s.answering ? `Evaluate ${s.answering} on the test set` : 'LeNet: Evaluate Model on the test set';
      const running = ['starting', 'loading', 'training'].includes(s.status);
      setDisabled(start, running || s.status === 'stopping' || s.status === 'evaluating');
      setDisabled(stop, !running);
      setDisabled(evaluate, BUSY.includes(s.status));
    },
  };
}
