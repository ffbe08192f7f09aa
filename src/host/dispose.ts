// A base for objects that own other disposables (timers, listeners, VS Code items, child
// objects): `_register` hands a child to its owner, and disposing the owner disposes every child,
// newest first, once. The pattern of vscode-hexeditor's src/dispose.ts.
export interface IDisposable { dispose(): void }

export abstract class Disposable implements IDisposable {
  private readonly children: IDisposable[] = [];
  private disposedFlag = false;

  protected get isDisposed(): boolean {
    return this.disposedFlag;
  }

  /** Owns `child` from now on; a child registered after dispose is disposed at once. */
  protected _register<T extends IDisposable>(child: T): T {
    if (this.disposedFlag) child.dispose();
    else this.children.push(child);
    return child;
  }

  dispose(): void {
    if (this.disposedFlag) return;
    this.disposedFlag = true;
    while (this.children.length) {
      try {
        this.children.pop()!.dispose();
      } catch {
        // one child failing to let go must not keep the others alive
      }
    }
  }
}

/** A disposable that runs `fn` once. */
export function toDisposable(fn: () => void): IDisposable {
  let done = false;
  return { dispose: () => { if (!done) { done = true; fn(); } } };
}
