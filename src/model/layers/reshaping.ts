// Layers that change the shape without weights, and Rescaling. One definition per layer type: see
// ./definition.ts for what each part means.
import { PAIR, type LayerDefinition } from './definition';

export const Reshape: LayerDefinition<'Reshape'> = {
  description: 'Reshapes everything but the batch axis; one dimension may be -1 (inferred). No params.',
  trainable: true,
  fields: {
    targetShape: { kind: 'targetShape', required: true, description: 'New shape without the batch axis, e.g. [7, 7, 3]; one dimension may be -1 (inferred). Keras: target_shape.' },
  },
};

export const ZeroPadding2D: LayerDefinition<'ZeroPadding2D'> = {
  description: 'Adds rows and columns of zeros around the image. No params.',
  trainable: true,
  fields: {
    padding: {
      kind: 'zeroPadding',
      default: [[1, 1], [1, 1]],
      description: 'Zeros to add: one integer for all sides, [rows, columns] (each on both sides), or [[top, bottom], [left, right]]. Default 1.',
    },
  },
};

export const Cropping2D: LayerDefinition<'Cropping2D'> = {
  description: 'Removes rows and columns at the borders. No params.',
  trainable: true,
  fields: {
    cropping: {
      kind: 'zeroPadding',
      required: true,
      description: 'Rows and columns to remove: one integer for all sides, [rows, columns] (each on both sides), or [[top, bottom], [left, right]].',
    },
  },
};

export const UpSampling2D: LayerDefinition<'UpSampling2D'> = {
  description: 'Repeats rows and columns: (None, H, W, C) -> (None, H x size[0], W x size[1], C). No params.',
  trainable: true,
  fields: {
    size: { kind: 'pair', description: `Repeat factors: ${PAIR}. Default [2, 2].` },
  },
};

export const Permute: LayerDefinition<'Permute'> = {
  description: 'Reorders the axes after the batch axis (dims are 1-based). No params.',
  trainable: true,
  fields: {
    dims: { kind: 'permutation', required: true, description: 'New order of the axes after the batch axis, 1-based, e.g. [2, 1] swaps the two.' },
  },
};

export const RepeatVector: LayerDefinition<'RepeatVector'> = {
  description: 'Repeats a (None, F) input n times: (None, n, F). No params.',
  trainable: true,
  fields: {
    n: { kind: 'posInt', required: true, description: 'How many times to repeat the input.' },
  },
};

export const Rescaling: LayerDefinition<'Rescaling'> = {
  description: 'Computes x * scale + offset, e.g. scale 1/255 for pixel values. No params.',
  trainable: true,
  fields: {
    scale: { kind: 'number', required: true, description: 'Factor, e.g. 0.00392156862745098 (1/255).' },
    offset: { kind: 'number', description: 'Added after scaling. Default 0.' },
  },
};
