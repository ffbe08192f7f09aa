// Writes media/lenet-model.schema.json from the model vocabulary (src/model/schema.ts). Run it
// after changing a layer type; test/model/validate.test.ts fails while the file is stale.
// Usage: node --import tsx scripts/write-schema.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { modelJsonSchemaText } from '../src/model/schema';

const out = join(__dirname, '..', 'media', 'lenet-model.schema.json');
writeFileSync(out, modelJsonSchemaText());
console.log(`wrote ${out}`);
