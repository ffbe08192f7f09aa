// Names of the files of a run folder that both the worker (writer) and its readers (extension host,
// CLI) agree on, beyond Keras's own (config.json, metrics.csv, model.json).

/** Each epoch's wall-clock seconds (`epoch,seconds`, 0-based epoch like metrics.csv). */
export const TIMES_FILE = 'times.csv';
/** How the run ended: status completed / stopped / failed (with the error) / interrupted. */
export const SUMMARY_FILE = 'summary.json';
/** The user's label and notes for the run (written by the extension only). */
export const META_FILE = 'label.json';
