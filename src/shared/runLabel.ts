// The label a run shows until the user names it: its model's name and when it started.

const FOLDER_TIME = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})(?:-(\d+))?$/;

/**
 * "<model name> · <start time>", the start time read from the run folder's name (local time,
 * YYYYMMDD-HHMMSS[-n]) as "YYYY-MM-DD HH:MM:SS"; a folder named otherwise keeps its name.
 */
export function defaultRunLabel(modelName: string | undefined, folderName: string): string {
  const m = FOLDER_TIME.exec(folderName);
  const time = m ? `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}${m[7] ? ` (${m[7]})` : ''}` : folderName;
  return `${modelName?.trim() || 'sequential'} · ${time}`;
}
