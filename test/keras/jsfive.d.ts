// The part of jsfive (pure-JS HDF5 reader, no type definitions of its own) the tests use.
declare module 'jsfive' {
  export interface Node {
    attrs: Record<string, unknown>;
    keys: string[];
    shape: number[];
    dtype: string;
    value: ArrayLike<number>;
  }
  export class File implements Node {
    constructor(buffer: ArrayBuffer, filename?: string);
    attrs: Record<string, unknown>;
    keys: string[];
    shape: number[];
    dtype: string;
    value: ArrayLike<number>;
    get(path: string): Node;
  }
}
