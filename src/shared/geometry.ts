// The dataset geometry every part assumes: MNIST-format images (28x28, one channel) and ten
// classes. The readers, the worker's checks, the message validators and the CLI read these.

export const IMAGE_SIDE = 28;
/** Values in one image: 784. */
export const IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE;
/** The models' input shape without the batch axis (height, width, channels). */
export const IMAGE_SHAPE: readonly number[] = [IMAGE_SIDE, IMAGE_SIDE, 1];
export const NUM_CLASSES = 10;
