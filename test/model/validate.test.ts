// Model files: the validator's errors, the generated JSON schema, and their agreement.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelSpecError, parseModelFile, parseModelSpec } from '../../src/model/validate';
import { modelJsonSchema, modelJsonSchemaText } from '../../src/model/schema';
import { inferModel } from '../../src/model/infer';
import { LENET5 } from '../../src/model/lenet';
import { ACTIVATIONS, LAYER_TYPES } from '../../src/model/vocab';
import { keywordsOf, validateAgainst, VALIDATION_KEYWORDS, ANNOTATION_KEYWORDS } from './miniJsonSchema';
import { randomSpec, rng } from './randomSpec';

const root = join(__dirname, '..', '..');
const schemaPath = join(root, 'media', 'lenet-model.schema.json');
const seedFile = join(__dirname, 'fixtures', 'lenet5.lenet.json');

test('media/lenet-model.schema.json is the generated schema', () => {
  assert.equal(readFileSync(schemaPath, 'utf8'), modelJsonSchemaText(),
    'the schema file is stale: run node --import tsx scripts/write-schema.ts');
});

test('package.json registers the schema for *.lenet.json files', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const entry = (pkg.contributes.jsonValidation as { fileMatch: string[]; url: string }[]).find((e) => e.fileMatch.includes('*.lenet.json'));
  assert.ok(entry, 'no jsonValidation entry for *.lenet.json');
  assert.equal(join(root, entry.url), schemaPath);
});

test('the schema is draft-07, uses only keywords the checker knows, and describes every property', () => {
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
  assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  for (const k of keywordsOf(schema)) assert.ok([...VALIDATION_KEYWORDS, ...ANNOTATION_KEYWORDS].includes(k), `keyword ${k}`);
  const missing: string[] = [];
  (function walk(s: unknown, path: string) {
    if (!s || typeof s !== 'object') return;
    const o = s as Record<string, unknown>;
    if (o.properties) {
      for (const [k, v] of Object.entries(o.properties as Record<string, Record<string, unknown>>)) {
        if (typeof v.description !== 'string' || v.description.length < 5) missing.push(`${path}.${k}`);
      }
    }
    for (const [k, v] of Object.entries(o)) if (k !== 'defaultSnippets') walk(v, `${path}/${k}`);
  })(schema, '#');
  // Exempt: the `if` clauses (they only test the type) and the root's cross-field constraints
  // (InputLayer first); everything a user can write has a description.
  assert.deepEqual(missing.filter((m) => !m.includes('/if') && !m.startsWith('#/allOf/')), []);
  const layer = schema.definitions.layer;
  assert.deepEqual(layer.properties.type.enum, [...LAYER_TYPES]);
  const conv = layer.allOf.find((c: { if: { properties: { type: { const: string } } } }) => c.if.properties.type.const === 'Conv2D');
  assert.deepEqual(conv.then.properties.activation.enum, [...ACTIVATIONS]);
  assert.deepEqual(conv.then.properties.padding.enum, ['valid', 'same']);
});

test('the seed LeNet-5 model file validates and is the LENET5 spec (61,706 params)', () => {
  const text = readFileSync(seedFile, 'utf8');
  const spec = parseModelFile(text, 'lenet5.lenet.json');
  assert.deepEqual(spec, LENET5);
  assert.equal(inferModel(spec).totalParams, 61706);
  assert.deepEqual(validateAgainst(modelJsonSchema() as never, JSON.parse(text)), []);
  // And the in-code spec serialised as a file.
  assert.deepEqual(parseModelSpec(JSON.parse(JSON.stringify(LENET5))), LENET5);
});

test('normalisation: single integers, defaults, InputLayer as the input', () => {
  const spec = parseModelSpec({
    layers: [
      { type: 'InputLayer', shape: [8, 8, 1] },
      { type: 'Conv2D', filters: 2, kernelSize: 3, strides: 1 },
      { type: 'MaxPooling2D' },
      { type: 'ZeroPadding2D' },
      { type: 'ZeroPadding2D', padding: [1, 2] },
      { type: 'ZeroPadding2D', padding: 0 },
      { type: 'AveragePooling2D', poolSize: 2, strides: null },
    ],
  });
  assert.deepEqual(spec, {
    inputShape: [8, 8, 1],
    layers: [
      { type: 'InputLayer', shape: [8, 8, 1] },
      { type: 'Conv2D', filters: 2, kernelSize: [3, 3], strides: [1, 1] },
      { type: 'MaxPooling2D', poolSize: [2, 2] },
      { type: 'ZeroPadding2D', padding: [[1, 1], [1, 1]] },
      { type: 'ZeroPadding2D', padding: [[1, 1], [2, 2]] },
      { type: 'ZeroPadding2D', padding: [[0, 0], [0, 0]] },
      { type: 'AveragePooling2D', poolSize: [2, 2], strides: null },
    ],
  });
});

// [input, expected message] — every message names the path and says what to write.
const BAD: [unknown, string][] = [
  [[], 'm.json: expected a JSON object like {"inputShape": [28, 28, 1], "layers": [...]}, got []'],
  [{ inputShape: [28, 28, 1] }, 'm.json: layers: missing; add "layers": [ ... ] with at least one layer'],
  [{ inputShape: [28, 28, 1], layers: [] }, 'm.json: layers: empty; add at least one layer, e.g. {"type": "Flatten"}'],
  [{ layers: [{ type: 'Flatten' }] }, 'm.json: inputShape: missing; add "inputShape": [28, 28, 1] (height, width, channels of the images) or start the layers with {"type": "InputLayer", "shape": [...]}'],
  [{ inputShape: [28, 0, 1], layers: [{ type: 'Flatten' }] }, 'm.json: inputShape: expected a list of positive integers without the batch axis, got [28,0,1]; e.g. [28, 28, 1] for MNIST images'],
  [{ inputShape: [28, 28, 1], layers: [{ type: 'Flatten' }, { type: 'Dense', units: 10 }, { type: 'Flatten' }, { type: 'Conv2D', filters: 6, kernelSize: [5] }] },
    'm.json: layers[3].kernelSize: expected two positive integers, got [5]; write [5, 5] (height, width) or just 5'],
  [{ inputShape: [28, 28, 1], layers: [{ type: 'Conv2D', filters: 6, kernel_size: [5, 5] }] },
    'm.json: layers[0].kernel_size: unknown property for Conv2D; did you mean "kernelSize"? (allowed: type, name, filters, kernelSize, strides, padding, dilationRate, activation, useBias)'],
  [{ inputShape: [28, 28, 1], layers: [{ type: 'Conv2D', filters: 6 }] },
    'm.json: layers[0].kernelSize: missing; Conv2D needs it (Kernel size: two positive integers [height, width], or one integer for both. Keras: kernel_size.)'],
  [{ inputShape: [28, 28, 1], layers: [{ type: 'conv2d', filters: 6, kernelSize: 5 }] },
    `m.json: layers[0].type: unknown layer type "conv2d"; did you mean "Conv2D"? (supported: ${LAYER_TYPES.join(', ')})`],
  [{ inputShape: [28, 28, 1], layers: [{ type: 'MaxPool2D' }] },
    `m.json: layers[0].type: unknown layer type "MaxPool2D"; did you mean "MaxPooling2D"? (supported: ${LAYER_TYPES.join(', ')})`],
  [{ inputShape: [28, 28, 1], layers: [{ filters: 6 }] }, 'm.json: layers[0].type: missing; every layer needs a "type" such as "Conv2D" or "Dense"'],
  [{ inputShape: [28, 28, 1], layers: [{ type: 'Dense', units: 10, activation: 'softmx' }] },
    `m.json: layers[0].activation: unknown activation "softmx"; did you mean "softmax"? (known: ${ACTIVATIONS.join(', ')})`],
  [{ inputShape: [28, 28, 1], layers: [{ type: 'Conv2D', filters: 6, kernelSize: 5, padding: 'SAME' }] },
    'm.json: layers[0].padding: expected "valid" or "same", got "SAME"; did you mean "same"?'],
  [{ inputShape: [28, 28, 1], layers: [{ type: 'Dense', units: 0 }] }, 'm.json: layers[0].units: expected a positive integer, got 0'],
  [{ inputShape: [28, 28, 1], layers: [{ type: 'Dense', units: '84' }] }, 'm.json: layers[0].units: expected a positive integer, got "84"'],
  [{ inputShape: [28, 28, 1], layers: [{ type: 'Dense', units: 8, useBias: 'no' }] }, 'm.json: layers[0].useBias: expected true or false, got "no"'],
  [{ inputShape: [28, 28, 1], layers: [{ type: 'Dropout', rate: 1.5 }] },
    'm.json: layers[0].rate: expected a number from 0 up to (not including) 1, got 1.5; e.g. 0.5 drops half of the inputs'],
  [{ inputShape: [28, 28, 1], layers: [{ type: 'Reshape', targetShape: [-1, -1] }] }, 'm.json: layers[0].targetShape: only one dimension can be -1, got [-1,-1]'],
  [{ inputShape: [28, 28, 1], layers: [{ type: 'Reshape', targetShape: [0, 5] }] },
    'm.json: layers[0].targetShape: expected a list of positive integers (one may be -1), got [0,5]; e.g. [7, 7, 3] or [-1, 1]'],
  [{ inputShape: [28, 28, 1], layers: [{ type: 'ZeroPadding2D', padding: [[1, 2], [3]] }] },
    'm.json: layers[0].padding: expected an integer, [rows, columns] or [[top, bottom], [left, right]] (all >= 0), got [[1,2],[3]]'],
  [{ inputShape: [28, 28, 1], layers: [{ type: 'Flatten' }, { type: 'InputLayer', shape: [784] }] },
    'm.json: layers[1].type: an InputLayer can only be the first layer; remove it or move its shape to the top-level "inputShape"'],
  [{ inputShape: [28, 28, 1], layers: [{ type: 'InputLayer', shape: [32, 32, 3] }] },
    'm.json: layers[0].shape: [32,32,3] disagrees with "inputShape" [28,28,1]; keep one of them'],
  [{ inputShape: [28, 28, 1], layers: [{ type: 'Conv2D', filters: 6, kernelSize: 5, inputShape: [28, 28, 1] }] },
    'm.json: layers[0].inputShape: not a layer property in this format; put "inputShape": [28, 28, 1] at the top level of the model'],
  [{ inputShape: [28, 28, 1], layers: [{ type: 'Flatten', name: 'my layer' }] },
    'm.json: layers[0].name: expected a name of letters, digits, "_", "-" or "." that starts with a letter or digit, got "my layer"'],
  [{ inputShape: [28, 28, 1], layers: [{ type: 'Flatten', name: 'a' }, { type: 'Dense', units: 2, name: 'a' }] },
    'm.json: layers[1].name: "a" is already the name of layers[0]; layer names must be unique'],
  [{ inputShape: [28, 28, 1], layer: [] }, 'm.json: layer: unknown property; did you mean "layers"? (allowed: name, inputShape, layers, description, $schema)'],
  // Round 2 layer types.
  [{ inputShape: [4, 5], layers: [{ type: 'Permute', dims: [1, 1] }] },
    'm.json: layers[0].dims: expected a permutation of 1..rank (1-based, the batch axis excluded), got [1,1]; e.g. [2, 1] or [1, 3, 2]'],
  [{ inputShape: [4, 5], layers: [{ type: 'GaussianNoise', stddev: -0.1 }] }, 'm.json: layers[0].stddev: expected a number >= 0, got -0.1'],
  [{ inputShape: [4, 5], layers: [{ type: 'Rescaling', scale: '1/255' }] }, 'm.json: layers[0].scale: expected a number, got "1/255"'],
  [{ inputShape: [8, 8, 1], layers: [{ type: 'DepthwiseConv2D', kernelSize: 3, filters: 4 }] },
    'm.json: layers[0].filters: unknown property for DepthwiseConv2D (allowed: type, name, kernelSize, depthMultiplier, strides, padding, dilationRate, activation, useBias)'],
  [{ inputShape: [8, 8, 1], layers: [{ type: 'SeparableConv2D', filters: 4, kernel_size: 3 }] },
    'm.json: layers[0].kernel_size: unknown property for SeparableConv2D; did you mean "kernelSize"? (allowed: type, name, filters, kernelSize, depthMultiplier, strides, padding, dilationRate, activation, useBias)'],
];

test('bad model files get one precise error naming the JSON path', () => {
  for (const [json, message] of BAD) {
    assert.throws(() => parseModelSpec(json, 'm.json'), (e: Error) => {
      assert.ok(e instanceof ModelSpecError, String(e));
      assert.equal(e.message, message);
      return true;
    });
  }
});

test('JSON syntax errors report line and column', () => {
  const cases: [string, RegExp][] = [
    ['{\n  "inputShape": [28, 28, 1],\n  "layers": [,]\n}', /^x\.lenet\.json: not valid JSON at line 3, column 14: /],
    ['{\n  "inputShape": [28, 28, 1]\n  "layers": []\n}', /^x\.lenet\.json: not valid JSON at line 3, column 3: /],
    ['{"layers": [', /^x\.lenet\.json: not valid JSON at line 1, column 13: /],
    ['', /^x\.lenet\.json: not valid JSON at line 1, column 1: /],
    ['{"a": tru}', /^x\.lenet\.json: not valid JSON at line 1, column 7: /],
  ];
  for (const [text, re] of cases) {
    assert.throws(() => parseModelFile(text, 'x.lenet.json'), (e: Error) => {
      assert.ok(e instanceof ModelSpecError, String(e));
      assert.match(e.message, re);
      return true;
    });
  }
  assert.deepEqual(parseModelFile('\uFEFF' + JSON.stringify(LENET5), 'bom.json'), LENET5);
});

// Cases the validator rejects but a draft-07 schema cannot express; the editor still gets the
// validator's message when the extension loads the file.
const SCHEMA_CANNOT: string[] = ['only one dimension can be -1', 'disagrees with "inputShape"', 'must be unique'];

test('schema and validator agree on good and bad files', () => {
  const schema = modelJsonSchema() as never;
  // Good: the seed, and random valid specs from the property test's generator.
  const rand = rng(7);
  const good: unknown[] = [JSON.parse(readFileSync(seedFile, 'utf8'))];
  for (let i = 0; i < 200; i++) {
    const spec: { inputShape?: number[] } = randomSpec(rand);
    if (spec.inputShape?.length === 0) delete spec.inputShape; // the file form: the InputLayer alone
    good.push(spec);
  }
  // Short forms that both accept.
  good.push({ inputShape: [8, 8, 1], layers: [{ type: 'Conv2D', filters: 1, kernelSize: 3, strides: 2 }, { type: 'ZeroPadding2D', padding: [1, 2] }, { type: 'MaxPooling2D', strides: null }] });
  good.push({ layers: [{ type: 'InputLayer', shape: [4] }, { type: 'Dense', units: 2 }] });
  for (const g of good) {
    assert.doesNotThrow(() => parseModelSpec(g), `validator rejects ${JSON.stringify(g)}`);
    assert.deepEqual(validateAgainst(schema, g), [], `schema rejects ${JSON.stringify(g)}`);
  }
  let both = 0;
  for (const [bad, message] of BAD) {
    assert.throws(() => parseModelSpec(bad));
    const errors = validateAgainst(schema, bad);
    if (SCHEMA_CANNOT.some((s) => message.includes(s))) {
      assert.deepEqual(errors, [], `the schema now catches "${message}": move it out of SCHEMA_CANNOT`);
    } else {
      assert.notDeepEqual(errors, [], `the schema accepts a file the validator rejects: ${message}`);
      both++;
    }
  }
  assert.ok(both >= 20, `${both}`);
});

test('mutated model files only ever give a spec or a ModelSpecError', () => {
  const rand = rng(5);
  const junk = [0, -1, 2.5, 1e300, '5', null, true, [], [5], [5, 5], [[1, 2], [3, 4]], {}, 'same', 'Conv2D', 'InputLayer', { type: 'Flatten' }];
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  let parsed = 0;
  let rejected = 0;
  for (let n = 0; n < 2000; n++) {
    const doc = JSON.parse(JSON.stringify(randomSpec(rand))) as Record<string, unknown> & { layers: Record<string, unknown>[] };
    if ((doc.inputShape as number[]).length === 0) delete doc.inputShape;
    for (let k = 0; k < Math.floor(rand() * 3); k++) {
      const r = rand();
      if (r < 0.1) doc[pick(['inputShape', 'layers', 'name', 'extra'])] = pick(junk);
      else if (Array.isArray(doc.layers) && doc.layers.length) {
        const layer = pick(doc.layers);
        if (layer && typeof layer === 'object') layer[pick([...Object.keys(layer), 'name', 'kernelSize', 'padding', 'units', 'kernel_size'])] = pick(junk);
      }
    }
    try {
      const spec = parseModelSpec(doc, 'fuzz.json');
      parsed++;
      try {
        inferModel(spec);
      } catch (e) {
        assert.equal((e as Error).name, 'ShapeError', String(e));
      }
    } catch (e) {
      assert.ok(e instanceof ModelSpecError, `${(e as Error).stack}\n${JSON.stringify(doc)}`);
      rejected++;
    }
  }
  assert.ok(parsed > 300 && rejected > 300, `${parsed} parsed, ${rejected} rejected`);
});
