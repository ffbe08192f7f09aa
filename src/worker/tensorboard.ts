// TensorBoard event files the way Keras's TensorBoard callback writes them: RUN/logs/train/ and
// RUN/logs/validation/, one `events.out.tfevents.*` file each, scalars `epoch_<metric>` at
// step = epoch (0-based, as Keras passes it). Records are TFRecord-framed (length, masked CRC32C
// of the length, payload, masked CRC32C of the payload); the first one is the
// `file_version: "brain.Event:2"` event. Each epoch's records are appended before the epoch
// ends, so `tensorboard --logdir` shows a run while it trains.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { buf as crc32c } from 'crc-32/crc32c';

/** TFRecord's CRC mask: rotate right by 15 bits and add a constant (tensorflow/core/lib/hash/crc32c.h). */
export function maskedCrc32c(data: Uint8Array): number {
  const crc = crc32c(data) >>> 0;
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** One TFRecord: uint64 length, uint32 masked CRC of the length, data, uint32 masked CRC of the data (little-endian). */
export function tfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

// Field numbers from tensorflow/core/util/event.proto, summary.proto and tensor.proto.
const EVENT = { wallTime: 1, step: 2, fileVersion: 3, summary: 5 };
const SUMMARY_VALUE = 1;
const VALUE = { tag: 1, tensor: 8, metadata: 9 };
const METADATA_PLUGIN_DATA = 1;
const PLUGIN_NAME = 1;
const TENSOR = { dtype: 1, shape: 2, content: 4 };
const DT_FLOAT = 1;

export function fileVersionEvent(wallTime: number): Uint8Array {
  return new BinaryWriter()
    .tag(EVENT.wallTime, WireType.Bit64).double(wallTime)
    .tag(EVENT.fileVersion, WireType.LengthDelimited).string('brain.Event:2')
    .finish();
}

/**
 * A Summary event with one float32 scalar as tf.summary.scalar writes it in TF2 (one event per
 * scalar, like Keras): a scalar tensor (dtype DT_FLOAT, empty shape, tensor_content) tagged with
 * the "scalars" plugin.
 */
export function scalarEvent(wallTime: number, step: number, tag: string, value: number): Uint8Array {
  const content = new Uint8Array(4);
  new DataView(content.buffer).setFloat32(0, value, true);
  return new BinaryWriter()
    .tag(EVENT.wallTime, WireType.Bit64).double(wallTime)
    .tag(EVENT.step, WireType.Varint).int64(step)
    .tag(EVENT.summary, WireType.LengthDelimited).fork()
    .tag(SUMMARY_VALUE, WireType.LengthDelimited).fork()
    .tag(VALUE.tag, WireType.LengthDelimited).string(tag)
    .tag(VALUE.metadata, WireType.LengthDelimited).fork()
    .tag(METADATA_PLUGIN_DATA, WireType.LengthDelimited).fork()
    .tag(PLUGIN_NAME, WireType.LengthDelimited).string('scalars')
    .join()
    .join()
    .tag(VALUE.tensor, WireType.LengthDelimited).fork()
    .tag(TENSOR.dtype, WireType.Varint).int32(DT_FLOAT)
    .tag(TENSOR.shape, WireType.LengthDelimited).bytes(new Uint8Array(0))
    .tag(TENSOR.content, WireType.LengthDelimited).bytes(content)
    .join()
    .join()
    .join()
    .finish();
}

/** The TFRecords of one epoch's scalars, one event each. */
function scalarRecords(wallTime: number, step: number, scalars: Record<string, number>): Buffer {
  return Buffer.concat(Object.entries(scalars).map(([tag, v]) => tfRecord(scalarEvent(wallTime, step, tag, v))));
}

export interface EpochLogs {
  loss: number;
  acc: number;
  val_loss: number;
  val_acc: number;
  /** The optimizer's learning rate during the epoch. */
  learningRate: number;
}

/** Writes RUN/logs/{train,validation}/events.out.tfevents.<seconds>.<host>.<pid>.<n>.v2. */
export class TensorBoardLogs {
  private static counter = 0;
  readonly trainFile: string;
  readonly validationFile: string;

  constructor(runDir: string, now = Date.now()) {
    const name = `events.out.tfevents.${Math.floor(now / 1000)}.${hostname()}.${process.pid}.${TensorBoardLogs.counter++}.v2`;
    this.trainFile = join(runDir, 'logs', 'train', name);
    this.validationFile = join(runDir, 'logs', 'validation', name);
    for (const f of [this.trainFile, this.validationFile]) {
      mkdirSync(join(f, '..'), { recursive: true });
      writeFileSync(f, tfRecord(fileVersionEvent(now / 1000)));
    }
  }

  /** Appends one epoch (epoch is 0-based, like Keras's step) to both files. */
  epochEnd(epoch: number, logs: EpochLogs, now = Date.now()): void {
    const t = now / 1000;
    appendFileSync(this.trainFile, scalarRecords(t, epoch, {
      epoch_accuracy: logs.acc, epoch_learning_rate: logs.learningRate, epoch_loss: logs.loss,
    }));
    appendFileSync(this.validationFile, scalarRecords(t, epoch, { epoch_accuracy: logs.val_acc, epoch_loss: logs.val_loss }));
  }
}
