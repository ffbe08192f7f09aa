// The layer registry is complete by construction (a type without a full definition does not
// compile: the @ts-expect-error lines below fail `npm run typecheck` if that ever stops being
// true) and consistent at run time (names that cannot be confused, defaults only where optional).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LAYERS, type LayerDefinition, type LayerRegistry } from '../../src/model/layers';
import { LAYER_TYPES } from '../../src/model/vocab';

test('a layer type without a complete definition does not compile', () => {
  // @ts-expect-error a registry without Dense
  const missingType: LayerRegistry = { ...LAYERS, Dense: undefined };
  // @ts-expect-error a Dense definition that forgets its useBias field
  const missingField: LayerDefinition<'Dense'> = { ...LAYERS.Dense, fields: { units: LAYERS.Dense.fields.units, activation: LAYERS.Dense.fields.activation } };
  // @ts-expect-error a definition without its builder (null is how a Keras-only layer says it has none)
  const missingBuilder: LayerDefinition<'Flatten'> = { description: '', fields: {}, infer: LAYERS.Flatten.infer, keras: { positional: [] }, tfjs: [] };
  assert.ok(missingType && missingField && missingBuilder);
});

test('every layer type has one definition; names, aliases and factory names never collide', () => {
  assert.deepEqual(Object.keys(LAYERS).sort(), [...LAYER_TYPES].sort());
  const seen = new Map<string, string>();
  for (const t of LAYER_TYPES) {
    const d = LAYERS[t];
    for (const name of [t, ...(d.keras.aliases ?? []), ...(d.aliases ?? [])]) {
      assert.ok(!seen.has(name), `${name} names both ${seen.get(name)} and ${t}`);
      seen.set(name, t);
    }
    for (const [k, f] of Object.entries(d.fields as Record<string, { required?: boolean; default?: unknown }>)) {
      assert.ok(!(f.required && f.default !== undefined), `${t}.${k} is required and has a default`);
    }
  }
  const factories = LAYER_TYPES.flatMap((t) => LAYERS[t].tfjs);
  assert.equal(new Set(factories).size, factories.length, 'a tf.layers factory name is used twice');
  for (const t of LAYER_TYPES) if (LAYERS[t].build === null) assert.deepEqual(LAYERS[t].tfjs, [], `${t} has no builder but tf.layers names`);
});
