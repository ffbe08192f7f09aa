// Injected into the CommonJS bundles (esbuild.mjs): import.meta.url for bundled ES modules.
import { pathToFileURL } from 'node:url';
export const importMetaUrl = pathToFileURL(__filename).href;
