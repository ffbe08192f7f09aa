// What bench/hover.mjs measures, bundled by it with esbuild: the same functions the hover
// provider calls (analysis of the document text, lookup of the position, markdown).
export { analyzeSource } from './index';
export { findAt } from './lookup';
export { hoverMarkdown, modelHoverMarkdown, inlayLabel } from './hover';
