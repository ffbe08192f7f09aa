// The optimizer a model file compiles its model with: Keras's `model.compile(optimizer="adam")`,
// `compile(optimizer=keras.optimizers.Adam(...))`, `compile(optimizer=SGD(momentum=0.9))`, or
// TF.js's `model.compile({optimizer: 'adam'})`, `compile({optimizer: tf.train.rmsprop(...)})`.
// Read as text, like the layer readers (nothing runs).

export interface CompiledOptimizer {
  /** LeNet Lab's name for it (sgd, momentum, adam, rmsprop), when it trains with it. */
  optimizer?: 'sgd' | 'momentum' | 'adam' | 'rmsprop';
  /** As written in the file, e.g. "Adam" or "adagrad". */
  written: string;
}

const KNOWN: Record<string, CompiledOptimizer['optimizer']> = { sgd: 'sgd', momentum: 'momentum', adam: 'adam', rmsprop: 'rmsprop' };

/**
 * The optimizer of the first `compile(` call that names one (of `varName`'s model when given and
 * present), or undefined when the file compiles with none.
 */
export function compileOptimizer(text: string, varName?: string): CompiledOptimizer | undefined {
  const calls = [...text.matchAll(/([A-Za-z_$][\w$]*)\s*\.\s*compile\s*\(/g)];
  const call = (varName && calls.find((c) => c[1] === varName)) || calls[0];
  if (!call) return undefined;
  const args = text.slice(call.index! + call[0].length, call.index! + call[0].length + 2000);
  const m = /optimizer\s*[:=]\s*(?:(["'])(\w+)\1|((?:[\w$]+\s*\.\s*)*)([A-Za-z_$][\w$]*)\s*\(([^)]*)\))/.exec(args);
  if (!m) return undefined;
  const written = m[2] ?? m[4];
  const key = written.toLowerCase();
  // SGD(momentum=0.9) / tf.train.momentum(lr, 0.9): Keras's SGD with momentum is our momentum.
  if (key === 'sgd' && /momentum\s*[=:]\s*0*\.?[1-9]/.test(m[5] ?? '')) return { optimizer: 'momentum', written };
  return { ...(KNOWN[key] ? { optimizer: KNOWN[key] } : {}), written };
}
