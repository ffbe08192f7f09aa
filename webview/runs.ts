// The runs of the output folder (the run store's list): label, status, final metrics, and each
// run's actions (Open, Evaluate, Resume, Reveal, Rename, Delete, Export CSV, Export for Keras);
// a tick box to compare runs, and "Back to live run" while a past run is shown.
import { MAX_COMPARED_RUNS, type PanelState, type RunAction, type RunInfo, type WebviewMessage } from '../src/shared/webviewProtocol';
import { h, replace, setText } from './dom';
import { fixed } from './format';
import { button } from './toolkit';

/** A state saved by an older version has runs without labels. */
const labelOf = (r: RunInfo): string => r.label ?? r.name;

/** el: the runs table; banner: the 'showing a past run' strip, placed under the header. */
export interface RunsView { el: HTMLElement; banner: HTMLElement; update(s: PanelState): void }

/** onCompare: the ticked runs, in the order they were ticked, whenever they or the runs change. */
export function createRunsView(post: (m: WebviewMessage) => void, onCompare: (runDirs: string[]) => void = () => {}): RunsView {
  const body = h('tbody');
  const table = h('table', { class: 'data runs-table' },
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col', title: `Tick two to ${MAX_COMPARED_RUNS} runs to overlay their curves` }, 'Compare'),
      h('th', { scope: 'col' }, 'Run'), h('th', { scope: 'col' }, 'Dataset'), h('th', { scope: 'col', class: 'num' }, 'Epochs'),
      h('th', { scope: 'col', class: 'num' }, 'Val acc'), h('th', { scope: 'col', class: 'num' }, 'Val loss'),
      h('th', { scope: 'col' }, 'Status'),
      h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
    body);
  const empty = h('p', { class: 'empty' }, 'No past runs in the output folder yet.');
  const viewing = h('p', { class: 'viewing' });
  const back = button('Back to live run', { appearance: 'primary', testid: 'btn-live', onClick: () => post({ type: 'showLive' }) });
  const banner = h('div', { class: 'viewing-banner hidden', 'data-testid': 'viewing-banner' }, viewing, back);
  const refresh = button('Refresh', { testid: 'btn-refresh-runs', onClick: () => post({ type: 'refreshRuns' }) });
  const el = h('div', { class: 'runs-block', 'data-testid': 'runs' }, empty, h('div', { class: 'table-scroll' }, table), h('div', { class: 'runs-actions' }, refresh));
  let shownRuns: RunInfo[] | undefined;
  let shownViewing: string | undefined | null = null;
  let ticked: string[] = [];

  /** At the limit, the unticked boxes are disabled (and say why). */
  function limitTicks(): void {
    const full = ticked.length >= MAX_COMPARED_RUNS;
    for (const box of Array.from(body.querySelectorAll<HTMLInputElement>('input.compare-tick'))) {
      box.disabled = full && !box.checked;
      box.title = box.disabled ? `At most ${MAX_COMPARED_RUNS} runs are compared at once` : box.getAttribute('aria-label') ?? '';
    }
  }

  function tickBox(r: RunInfo): HTMLElement {
    const box = h('input', { type: 'checkbox', class: 'compare-tick', 'data-testid': 'run-compare', 'aria-label': `Compare ${labelOf(r)}` });
    box.checked = ticked.includes(r.runDir);
    box.addEventListener('change', () => {
      ticked = box.checked ? [...ticked.filter((d) => d !== r.runDir), r.runDir] : ticked.filter((d) => d !== r.runDir);
      limitTicks();
      onCompare(ticked);
    });
    return box;
  }

  return {
    el,
    banner,
    update(s) {
      if (s.runs !== shownRuns || s.viewingRun !== shownViewing) {
        shownRuns = s.runs;
        shownViewing = s.viewingRun;
        empty.classList.toggle('hidden', s.runs.length > 0);
        table.classList.toggle('hidden', s.runs.length === 0);
        replace(body, ...s.runs.map((r) => {
          const open = button('Open', { testid: 'run-open', title: `Show the charts of ${r.label}`, onClick: () => post({ type: 'openRun', runDir: r.runDir }) });
          const act = (action: RunAction, label: string, title: string, enabled = true) => {
            const b = button(label, { testid: `run-${action}`, title, onClick: () => post({ type: 'runAction', action, runDir: r.runDir }) });
            if (!enabled) b.classList.add('hidden');
            return b;
          };
          const live = r.status === 'running';
          const csv = button('Export CSV', { testid: 'run-export', title: `Save the metrics of ${r.label} as CSV`, onClick: () => post({ type: 'exportCsv', runDir: r.runDir }) });
          const keras = button('Export for Keras', { testid: 'run-export-keras', title: `Save the model of ${r.label} as a Keras .h5 file`, onClick: () => post({ type: 'exportKeras', runDir: r.runDir }) });
          return h('tr', { 'data-run': r.runDir, 'data-status': r.status, class: r.runDir === (s.viewingRun ?? s.run?.runDir) ? 'current' : '' },
            h('td', { class: 'tick' }, tickBox(r)),
            h('th', { scope: 'row', title: `${r.runDir}${r.notes ? `\n${r.notes}` : ''}` }, r.label),
            h('td', {}, r.dataset ?? '–'),
            // "2" for a finished 2-epoch run, "2 of 50" for one stopped early.
            h('td', { class: 'num mono', title: `${r.final?.epoch ?? 0} of ${r.epochs} epochs completed` },
              r.final && r.final.epoch < r.epochs ? `${r.final.epoch} of ${r.epochs}` : String(r.final?.epoch ?? r.epochs)),
            h('td', { class: 'num mono' }, fixed(r.final?.val_acc)),
            h('td', { class: 'num mono' }, fixed(r.final?.val_loss)),
            h('td', { class: `run-status run-${r.status}`, 'data-testid': 'run-status', title: r.reason ?? '' }, r.status),
            h('td', { class: 'actions' }, open,
              act('evaluate', 'Evaluate', `Evaluate ${r.label} on its test set`, r.hasModel && !live),
              act('resume', 'Resume', `Continue ${r.label} from its last completed epoch`, (r.status === 'stopped' || r.status === 'interrupted') && !!r.final),
              act('reveal', 'Reveal', `Show the folder of ${r.label}`),
              act('rename', 'Rename', `Label ${r.label} and add notes`),
              act('delete', 'Delete', `Move ${r.label} to the trash`, !live),
              csv, keras));
        }));
        limitTicks();
        // A new list (a run ended, Refresh): drop runs that are gone and read the others again.
        const listed = new Set(s.runs.map((r) => r.runDir));
        const kept = ticked.filter((d) => listed.has(d));
        if (kept.length !== ticked.length || kept.length >= 2) {
          ticked = kept;
          onCompare(ticked);
        }
      }
      banner.classList.toggle('hidden', s.viewingRun === undefined);
      const name = s.runs.find((r) => r.runDir === s.viewingRun)?.label ?? s.viewingRun ?? '';
      setText(viewing, s.viewingRun ? `Showing past run ${name}` : '');
    },
  };
}
