// Entry points of the source readers: text in, analysis out. Used by the editor providers
// (src/editor) and by `lenet-lab summary FILE`.
import { analyzeParsed, type FileAnalysis } from './analyze';
import { parseLenetJson } from './lenetJson';
import { parsePython } from './python/parse';
import { parseTfjs } from './tfjs/parse';
import type { ParseResult, SourceLanguage } from './types';

export type { FileAnalysis };

/** Which reader handles a file, from its VS Code language id and/or its name; undefined: none. */
export function languageFor(fileName: string, languageId?: string): SourceLanguage | 'ipynb' | undefined {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.lenet.json')) return 'lenet-json';
  if (lower.endsWith('.ipynb') && languageId !== 'python') return 'ipynb';
  if (languageId === 'python' || lower.endsWith('.py') || lower.endsWith('.pyw')) return 'python';
  if (languageId && ['typescript', 'javascript', 'typescriptreact', 'javascriptreact'].includes(languageId)) return 'tfjs';
  if (/\.(?:[cm]?[jt]s|[jt]sx)$/.test(lower)) return 'tfjs';
  return undefined;
}

export function parseSource(text: string, language: SourceLanguage): ParseResult {
  switch (language) {
    case 'python':
      return parsePython(text);
    case 'tfjs':
      return parseTfjs(text);
    case 'lenet-json':
      return parseLenetJson(text);
    default:
      return { language, models: [], problems: [] };
  }
}

export function analyzeSource(text: string, language: SourceLanguage): FileAnalysis {
  return analyzeParsed(parseSource(text, language));
}
