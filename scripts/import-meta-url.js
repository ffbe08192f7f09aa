// Injected into the CommonJS bundles (esbuild.mjs): import.meta.url for bundled ES modules.
export const importMetaUrl = require('url').pathToFileURL(__filename).href;
