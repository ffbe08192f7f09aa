// h5wasm's Node build ships the same API as its main entry, but only under package "exports",
// which this project's module resolution does not read.
declare module 'h5wasm/node' {
  export * from 'h5wasm';
}
