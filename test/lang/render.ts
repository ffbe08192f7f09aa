// Renders a ModelSpec as Python Keras or TF.js source, in randomly chosen styles (the forms the
// readers claim to understand), for the property test against tfjs.
import type { LayerSpec, ModelSpec } from '../../src/model/spec';

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

const PY_CLASS: Record<string, string[]> = {
  Conv2D: ['Conv2D', 'Convolution2D'],
  MaxPooling2D: ['MaxPooling2D', 'MaxPool2D'],
  AveragePooling2D: ['AveragePooling2D', 'AvgPool2D'],
  GlobalAveragePooling2D: ['GlobalAveragePooling2D', 'GlobalAvgPool2D'],
  GlobalMaxPooling2D: ['GlobalMaxPooling2D', 'GlobalMaxPool2D'],
  Conv2DTranspose: ['Conv2DTranspose', 'Convolution2DTranspose'],
  SeparableConv2D: ['SeparableConv2D', 'SeparableConvolution2D'],
};

const pyTuple = (xs: readonly (number | null)[]) => (xs.length === 1 ? `(${xs[0]},)` : `(${xs.join(', ')})`);
const pyNum = (x: number) => (Number.isInteger(x) ? `${x}.0` : String(x));

export function renderPython(spec: ModelSpec, r: Rand): string {
  const prefix = pick(r, ['', 'layers.', 'keras.layers.', 'tf.keras.layers.']);
  const consts: string[] = [];
  let nConst = 0;
  /** Sometimes an int goes through a module-level constant. */
  const int = (v: number) => {
    if (r() < 0.2) {
      const name = `C_${nConst++}`;
      consts.push(`${name} = ${v}  # constante`);
      return name;
    }
    return String(v);
  };
  const pair = (p: readonly number[]) => (p[0] === p[1] && r() < 0.5 ? int(p[0]) : `(${int(p[0])}, ${int(p[1])})`);
  let layers = spec.layers;
  let input: number[] | undefined = spec.inputShape.length ? spec.inputShape : undefined;
  if (layers[0]?.type === 'InputLayer') {
    input = layers[0].shape;
    layers = layers.slice(1);
  }
  // A quarter of the models use the functional API (keras.Input -> Layer(...)(x) -> keras.Model).
  const functional = r() < 0.25;
  const inputStyle = functional ? 'functional' : pick(r, ['kwarg', 'Input', 'InputLayer']);
  const calls: string[] = [];
  if (inputStyle === 'Input') calls.push(`keras.Input(shape=${pyTuple(input!)})`);
  if (inputStyle === 'InputLayer') calls.push(`${prefix}InputLayer(input_shape=${pyTuple(input!)})`);
  layers.forEach((l, i) => {
    const args: string[] = [];
    const kw = (k: string, v: string) => args.push(`${k}=${v}`);
    const pos: string[] = [];
    const positional = r() < 0.5;
    switch (l.type) {
      case 'Conv2D':
        if (positional) pos.push(int(l.filters), pair(l.kernelSize));
        else {
          kw('filters', int(l.filters));
          kw('kernel_size', pair(l.kernelSize));
        }
        if (l.strides) kw('strides', pair(l.strides));
        if (l.padding) kw('padding', `'${l.padding}'`);
        if (l.dilationRate) kw('dilation_rate', pair(l.dilationRate));
        if (l.activation) kw('activation', r() < 0.5 ? `'${l.activation}'` : `"${l.activation}"`);
        if (l.useBias !== undefined) kw('use_bias', l.useBias ? 'True' : 'False');
        break;
      case 'MaxPooling2D':
      case 'AveragePooling2D':
        if (l.poolSize) {
          if (positional) pos.push(pair(l.poolSize));
          else kw('pool_size', pair(l.poolSize));
        }
        if (l.strides !== undefined) kw('strides', l.strides === null ? 'None' : pair(l.strides));
        if (l.padding) kw('padding', `'${l.padding}'`);
        break;
      case 'Dense':
        if (positional) pos.push(int(l.units));
        else kw('units', int(l.units));
        if (l.activation) kw('activation', `'${l.activation}'`);
        if (l.useBias !== undefined) kw('use_bias', l.useBias ? 'True' : 'False');
        break;
      case 'Dropout':
        if (positional) pos.push(pyNum(l.rate));
        else kw('rate', pyNum(l.rate));
        break;
      case 'Activation':
        pos.push(`'${l.activation}'`);
        break;
      case 'ZeroPadding2D':
        kw('padding', `((${l.padding[0].join(', ')}), (${l.padding[1].join(', ')}))`);
        break;
      case 'Reshape':
        pos.push(pyTuple(l.targetShape));
        break;
      case 'ReLU':
        if (l.maxValue !== undefined) kw('max_value', pyNum(l.maxValue));
        break;
      case 'LeakyReLU':
        // Keras 2 spelled it alpha, Keras 3 negative_slope.
        if (l.alpha !== undefined) kw(pick(r, ['alpha', 'negative_slope']), pyNum(l.alpha));
        break;
      case 'ELU':
        if (l.alpha !== undefined) kw('alpha', pyNum(l.alpha));
        break;
      case 'SpatialDropout2D':
      case 'GaussianDropout':
        if (positional) pos.push(pyNum(l.rate));
        else kw('rate', pyNum(l.rate));
        break;
      case 'GaussianNoise':
        if (positional) pos.push(pyNum(l.stddev));
        else kw('stddev', pyNum(l.stddev));
        break;
      case 'Rescaling':
        pos.push(l.scale === 1 / 255 && r() < 0.5 ? '1.0 / 255' : l.scale < 0 ? `-${pyNum(-l.scale)}` : pyNum(l.scale));
        if (l.offset !== undefined) kw('offset', l.offset < 0 ? `-${pyNum(-l.offset)}` : pyNum(l.offset));
        break;
      case 'UpSampling2D':
        if (l.size) {
          if (positional) pos.push(pair(l.size));
          else kw('size', pair(l.size));
        }
        break;
      case 'Cropping2D':
        kw('cropping', `((${l.cropping[0].join(', ')}), (${l.cropping[1].join(', ')}))`);
        break;
      case 'Permute':
        pos.push(pyTuple(l.dims));
        break;
      case 'RepeatVector':
        pos.push(int(l.n));
        break;
      case 'Conv2DTranspose':
      case 'SeparableConv2D':
      case 'DepthwiseConv2D':
        if (l.type === 'DepthwiseConv2D') {
          if (positional) pos.push(pair(l.kernelSize));
          else kw('kernel_size', pair(l.kernelSize));
        } else if (positional) pos.push(int(l.filters), pair(l.kernelSize));
        else {
          kw('filters', int(l.filters));
          kw('kernel_size', pair(l.kernelSize));
        }
        if (l.type !== 'Conv2DTranspose' && l.depthMultiplier !== undefined) kw('depth_multiplier', int(l.depthMultiplier));
        if (l.strides) kw('strides', pair(l.strides));
        if (l.padding) kw('padding', `'${l.padding}'`);
        if (l.type !== 'Conv2DTranspose' && l.dilationRate) kw('dilation_rate', pair(l.dilationRate));
        if (l.activation) kw('activation', `'${l.activation}'`);
        if (l.useBias !== undefined) kw('use_bias', l.useBias ? 'True' : 'False');
        break;
      default:
        break;
    }
    if (l.name) kw('name', `'${l.name}'`);
    if (i === 0 && inputStyle === 'kwarg') kw('input_shape', pyTuple(input!));
    const cls = pick(r, PY_CLASS[l.type] ?? [l.type]);
    // Sometimes split the arguments over lines with trailing comments, like the seed.
    const sep = r() < 0.3 ? ',  # comentario, con (paréntesis)\n        ' : ', ';
    calls.push(`${prefix}${cls}(${[...pos, ...args].join(sep)})`);
  });
  const seqName = pick(r, ['Sequential', 'keras.Sequential', 'tf.keras.Sequential', 'keras.models.Sequential']);
  const out = ['import tensorflow as tf', 'from tensorflow import keras', 'from tensorflow.keras import layers', ...consts, ''];
  if (functional) {
    out.push(`inputs = ${pick(r, ['keras.Input', 'tf.keras.Input', 'layers.Input'])}(shape=${pyTuple(input!)})  # entrada`);
    let x = 'inputs';
    calls.forEach((c, i) => {
      // Sometimes nest the previous call instead of naming its tensor.
      if (i > 0 && r() < 0.2) x = `${c}(${x})`;
      else {
        out.push(`x${i} = ${c}(${x})`);
        x = `x${i}`;
      }
    });
    out.push(`model = ${pick(r, ['keras.Model', 'tf.keras.Model', 'keras.models.Model'])}(${r() < 0.5 ? `inputs, ${x}` : `inputs=inputs, outputs=${x}`})`);
  } else if (r() < 0.5) {
    out.push(`model = ${seqName}()  # modelo`);
    for (const c of calls) out.push(`model.add(${c})`);
  } else {
    out.push(`model = ${seqName}([`);
    for (const c of calls) out.push(`    ${c},`);
    out.push('])');
  }
  out.push('model.summary()', '');
  return out.join('\n');
}

const TFJS_FN: Record<string, string[]> = {
  Conv2D: ['conv2d'],
  MaxPooling2D: ['maxPooling2d', 'maxPool2d'],
  AveragePooling2D: ['averagePooling2d', 'avgPool2d'],
  GlobalAveragePooling2D: ['globalAveragePooling2d'],
  GlobalMaxPooling2D: ['globalMaxPooling2d'],
  Flatten: ['flatten'],
  Dense: ['dense'],
  Dropout: ['dropout'],
  Activation: ['activation'],
  BatchNormalization: ['batchNormalization'],
  ZeroPadding2D: ['zeroPadding2d'],
  Reshape: ['reshape'],
  ReLU: ['reLU'],
  LeakyReLU: ['leakyReLU'],
  ELU: ['elu'],
  Softmax: ['softmax'],
  // tfjs has no spatialDropout2d: rendered as a dropout (the oracle test renders such specs in Python only).
  SpatialDropout2D: ['dropout'],
  GaussianNoise: ['gaussianNoise'],
  GaussianDropout: ['gaussianDropout'],
  Rescaling: ['rescaling'],
  UpSampling2D: ['upSampling2d'],
  Cropping2D: ['cropping2D'],
  Permute: ['permute'],
  RepeatVector: ['repeatVector'],
  Conv2DTranspose: ['conv2dTranspose'],
  DepthwiseConv2D: ['depthwiseConv2d'],
  SeparableConv2D: ['separableConv2d'],
};

const tfAct = (a: string) => (a === 'hard_sigmoid' ? 'hardSigmoid' : a);

export function renderTfjs(spec: ModelSpec, r: Rand): string {
  const consts: string[] = [];
  let nConst = 0;
  const int = (v: number) => {
    if (r() < 0.2) {
      const name = `C${nConst++}`;
      consts.push(`const ${name}${r() < 0.5 ? ': number' : ''} = ${v};`);
      return name;
    }
    return String(v);
  };
  const pair = (p: readonly number[]) => (p[0] === p[1] && r() < 0.5 ? int(p[0]) : `[${int(p[0])}, ${int(p[1])}]`);
  let layers: LayerSpec[] = spec.layers;
  let input: number[] | undefined = spec.inputShape.length ? spec.inputShape : undefined;
  if (layers[0]?.type === 'InputLayer') {
    input = layers[0].shape;
    layers = layers.slice(1);
  }
  const calls: string[] = [];
  // A quarter of the models use the functional API (tf.input -> layer.apply(x) -> tf.model).
  const functional = r() < 0.25;
  const useInputLayer = !functional && r() < 0.2;
  if (useInputLayer) calls.push(`tf.layers.inputLayer({inputShape: [${input!.join(', ')}]})`);
  layers.forEach((l, i) => {
    const o: string[] = [];
    const kv = (k: string, v: string) => o.push(`${k}: ${v}`);
    switch (l.type) {
      case 'Conv2D':
        kv('filters', int(l.filters));
        kv('kernelSize', pair(l.kernelSize));
        if (l.strides) kv('strides', pair(l.strides));
        if (l.padding) kv('padding', `'${l.padding}'`);
        if (l.dilationRate) kv('dilationRate', pair(l.dilationRate));
        if (l.activation) kv('activation', `'${tfAct(l.activation)}'`);
        if (l.useBias !== undefined) kv('useBias', String(l.useBias));
        break;
      case 'MaxPooling2D':
      case 'AveragePooling2D':
        if (l.poolSize) kv('poolSize', pair(l.poolSize));
        if (l.strides !== undefined) kv('strides', l.strides === null ? 'null' : pair(l.strides));
        if (l.padding) kv('padding', `"${l.padding}"`);
        break;
      case 'Dense':
        kv('units', int(l.units));
        if (l.activation) kv('activation', `'${tfAct(l.activation)}'`);
        if (l.useBias !== undefined) kv('useBias', String(l.useBias));
        break;
      case 'Dropout':
        kv('rate', String(l.rate));
        break;
      case 'Activation':
        kv('activation', `'${tfAct(l.activation)}'`);
        break;
      case 'ZeroPadding2D':
        kv('padding', `[[${l.padding[0].join(', ')}], [${l.padding[1].join(', ')}]]`);
        break;
      case 'Reshape':
        kv('targetShape', `[${l.targetShape.join(', ')}]`);
        break;
      case 'ReLU':
        if (l.maxValue !== undefined) kv('maxValue', String(l.maxValue));
        break;
      case 'LeakyReLU':
      case 'ELU':
        if (l.alpha !== undefined) kv('alpha', String(l.alpha));
        break;
      case 'SpatialDropout2D':
      case 'GaussianDropout':
        kv('rate', String(l.rate));
        break;
      case 'GaussianNoise':
        kv('stddev', String(l.stddev));
        break;
      case 'Rescaling':
        kv('scale', l.scale === 1 / 255 && r() < 0.5 ? '1 / 255' : String(l.scale));
        if (l.offset !== undefined) kv('offset', String(l.offset));
        break;
      case 'UpSampling2D':
        if (l.size) kv('size', pair(l.size));
        break;
      case 'Cropping2D':
        kv('cropping', `[[${l.cropping[0].join(', ')}], [${l.cropping[1].join(', ')}]]`);
        break;
      case 'Permute':
        kv('dims', `[${l.dims.join(', ')}]`);
        break;
      case 'RepeatVector':
        kv('n', int(l.n));
        break;
      case 'Conv2DTranspose':
      case 'SeparableConv2D':
      case 'DepthwiseConv2D':
        if (l.type !== 'DepthwiseConv2D') kv('filters', int(l.filters));
        kv('kernelSize', pair(l.kernelSize));
        if (l.type !== 'Conv2DTranspose' && l.depthMultiplier !== undefined) kv('depthMultiplier', int(l.depthMultiplier));
        if (l.strides) kv('strides', pair(l.strides));
        if (l.padding) kv('padding', `'${l.padding}'`);
        if (l.type !== 'Conv2DTranspose' && l.dilationRate) kv('dilationRate', pair(l.dilationRate));
        if (l.activation) kv('activation', `'${tfAct(l.activation)}'`);
        if (l.useBias !== undefined) kv('useBias', String(l.useBias));
        break;
      default:
        break;
    }
    if (l.name) kv('name', `'${l.name}'`);
    if (i === 0 && !useInputLayer && !functional) kv('inputShape', `[${input!.join(', ')}]`);
    const fn = pick(r, TFJS_FN[l.type]);
    calls.push(`tf.layers.${fn}(${o.length || r() < 0.5 ? `{${r() < 0.3 ? '\n    ' : ' '}${o.join(', ')} }` : ''})`);
  });
  const out = ["import * as tf from '@tensorflow/tfjs';", ...consts, '', '// a model', 'export function build(): tf.Sequential {'];
  if (functional) {
    out.push(`  const input = tf.input({ shape: [${input!.join(', ')}] });`);
    let x = 'input';
    calls.forEach((c, i) => {
      if (i > 0 && r() < 0.2) x = `${c}.apply(${x})`;
      else {
        out.push(`  const x${i} = ${c}.apply(${x})${r() < 0.5 ? ' as tf.SymbolicTensor' : ''};`);
        x = `x${i}`;
      }
    });
    out.push(`  const model = tf.model({ inputs: input, outputs: ${x} });`);
  } else if (r() < 0.5) {
    out.push('  const model = tf.sequential();');
    for (const c of calls) out.push(`  model.add(${c});`);
  } else {
    out.push('  const model = tf.sequential({');
    out.push('    layers: [');
    for (const c of calls) out.push(`      ${c},`);
    out.push('    ],', '  });');
  }
  out.push('  return model;', '}', '');
  return out.join('\n');
}
