// Generates the JSON schema of model files (media/lenet-model.schema.json, draft-07) from the
// validator's field table, so VS Code's validation and completion match parseModelSpec. The
// schema cannot say everything the validator checks (at most one -1 in a Reshape, unique names,
// agreeing input shapes); the validator stays the authority, the schema is the editor's guide.
// Regenerate after changing a layer definition (src/model/layers/) or vocab.ts:
//   node --import tsx scripts/write-schema.ts
import { ACTIVATIONS, LAYER_TYPES, PADDINGS } from './vocab';
import { LAYER_DESCRIPTIONS, LAYER_FIELDS, NAME_DESCRIPTION, NAME_PATTERN, type FieldDef } from './validate';

type Json = Record<string, unknown>;

const posInt = { type: 'integer', minimum: 1 };
const nonNegInt = { type: 'integer', minimum: 0 };
const pairOf = (item: Json) => ({ type: 'array', items: item, minItems: 2, maxItems: 2 });

function fieldSchema(def: FieldDef): Json {
  const d = { description: def.description };
  switch (def.kind) {
    case 'posInt':
      return { ...d, ...posInt };
    case 'pair':
      return { ...d, anyOf: [posInt, pairOf(posInt)], ...(def.default ? { default: def.default } : {}) };
    case 'pairOrNull':
      return { ...d, anyOf: [posInt, pairOf(posInt), { type: 'null' }] };
    case 'padding':
      return { ...d, enum: [...PADDINGS] };
    case 'activation':
      return { ...d, enum: [...ACTIVATIONS] };
    case 'bool':
      return { ...d, type: 'boolean' };
    case 'rate':
      return { ...d, type: 'number', minimum: 0, exclusiveMaximum: 1 };
    case 'shape':
      return { ...d, type: 'array', items: posInt, minItems: 1 };
    case 'targetShape':
      return { ...d, type: 'array', items: { anyOf: [posInt, { const: -1 }] }, minItems: 1 };
    case 'zeroPadding':
      return { ...d, anyOf: [nonNegInt, pairOf(nonNegInt), pairOf(pairOf(nonNegInt))], ...(def.default ? { default: def.default } : {}) };
    case 'number':
      return { ...d, type: 'number' };
    case 'nonNegNumber':
      return { ...d, type: 'number', minimum: 0 };
    case 'permutation':
      return { ...d, type: 'array', items: posInt, minItems: 1, uniqueItems: true };
  }
}

const nameSchema = { description: NAME_DESCRIPTION, type: 'string', pattern: NAME_PATTERN };
const isInputLayer = { type: 'object', properties: { type: { const: 'InputLayer' } }, required: ['type'] };

export function modelJsonSchema(): Json {
  const typeSchema = {
    description: 'The Keras layer class.',
    enum: [...LAYER_TYPES],
    enumDescriptions: LAYER_TYPES.map((t) => LAYER_DESCRIPTIONS[t]),
  };
  const layer = {
    description: 'One layer of the Sequential model, in order from input to output.',
    type: 'object',
    required: ['type'],
    properties: { type: typeSchema, name: nameSchema },
    allOf: LAYER_TYPES.map((t) => {
      const fields = LAYER_FIELDS[t];
      return {
        if: { properties: { type: { const: t } }, required: ['type'] },
        then: {
          description: LAYER_DESCRIPTIONS[t],
          properties: {
            type: { ...typeSchema, const: t },
            name: nameSchema,
            ...Object.fromEntries(Object.entries(fields).map(([k, def]) => [k, fieldSchema(def)])),
          },
          required: ['type', ...Object.entries(fields).filter(([, def]) => def.required).map(([k]) => k)],
          additionalProperties: false,
        },
      };
    }),
    defaultSnippets: [
      { label: 'Conv2D', description: 'Convolution like the seed C1', body: { type: 'Conv2D', filters: 6, kernelSize: [5, 5], activation: 'tanh', padding: 'same' } },
      { label: 'AveragePooling2D', description: '2x2 average pooling like the seed S2', body: { type: 'AveragePooling2D', poolSize: [2, 2] } },
      { label: 'Flatten', body: { type: 'Flatten' } },
      { label: 'Dense', description: 'Fully connected like the seed FC6', body: { type: 'Dense', units: 84, activation: 'tanh' } },
      { label: 'Dense softmax output', body: { type: 'Dense', units: 10, activation: 'softmax' } },
    ],
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'LeNet Lab model',
    description: 'A Keras-style Sequential model that LeNet Lab can summarize and train (files named *.lenet.json).',
    type: 'object',
    required: ['layers'],
    additionalProperties: false,
    properties: {
      $schema: { description: 'The schema of this file (optional).', type: 'string' },
      description: { description: 'Free text about the model (ignored).', type: 'string' },
      name: { ...nameSchema, description: 'Model name shown in the summary header. Default "sequential".' },
      inputShape: {
        ...fieldSchema(LAYER_FIELDS.InputLayer.shape),
        description: 'Input shape without the batch axis: [28, 28, 1] for MNIST (height, width, channels). Required unless the first layer is an InputLayer.',
      },
      layers: {
        description: 'The layers, from input to output. The seed LeNet-5: C1 Conv2D, S2 AveragePooling2D, C3 Conv2D, S4 AveragePooling2D, C5 Conv2D, Flatten, FC6 Dense, OUTPUT Dense.',
        type: 'array',
        minItems: 1,
        items: { $ref: '#/definitions/layer' },
      },
    },
    allOf: [
      // inputShape, or an InputLayer first.
      { anyOf: [{ required: ['inputShape'] }, { properties: { layers: { items: [isInputLayer] } }, required: ['layers'] }] },
      // An InputLayer only in the first position.
      { properties: { layers: { items: [true], additionalItems: { not: isInputLayer } } } },
    ],
    definitions: { layer },
  };
}

export function modelJsonSchemaText(): string {
  return JSON.stringify(modelJsonSchema(), null, 2) + '\n';
}
