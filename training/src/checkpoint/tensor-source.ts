/**
 * Where exporters read weights from: named float32 tensors with HF names and shapes, read whole or
 * a block of rows at a time. A checkpoint folder on disk and the live tfjs parameters both are one.
 */

export interface TensorInfo {
  name: string;
  shape: readonly number[];
}

export interface TensorSource {
  readonly tensors: readonly TensorInfo[];
  /** Rows [start, end) along the first dimension (all by default), row-major float32. */
  read(name: string, start?: number, end?: number): Promise<Float32Array>;
  close(): Promise<void>;
}

export function shapeOf(source: TensorSource, name: string): readonly number[] {
  const t = source.tensors.find((x) => x.name === name);
  if (!t) throw new Error(`The checkpoint has no tensor ${name}.`);
  return t.shape;
}

/** Blocks of whole rows of at most ~`maxElements` values (at least one row per block). */
export async function* rowBlocks(
  source: TensorSource,
  name: string,
  maxElements = 1 << 22,
): AsyncGenerator<Float32Array> {
  const shape = shapeOf(source, name);
  const rows = shape.length === 0 ? 1 : shape[0]!;
  const rowSize = shape.slice(1).reduce((a, b) => a * b, 1);
  const step = Math.max(1, Math.floor(maxElements / Math.max(1, rowSize)));
  for (let start = 0; start < rows; start += step)
    yield source.read(name, start, Math.min(rows, start + step));
}

/** A source over tensors already in memory (values of shape `shape`, row-major). */
export function memorySource(
  tensors: ReadonlyArray<TensorInfo & { data: () => Float32Array | Promise<Float32Array> }>,
  onClose: () => Promise<void> = async () => {},
): TensorSource {
  const byName = new Map(tensors.map((t) => [t.name, t]));
  // Writers read a large tensor in consecutive blocks of rows: one read of the whole serves them all
  // (a 0.5B model's embedding would otherwise be copied out of tfjs once per block).
  let last: { name: string; data: Promise<Float32Array> } | undefined;
  return {
    tensors: tensors.map(({ name, shape }) => ({ name, shape })),
    async read(name, start = 0, end) {
      const t = byName.get(name);
      if (!t) throw new Error(`The model has no tensor ${name}.`);
      const rowSize = t.shape.slice(1).reduce((a, b) => a * b, 1);
      const rows = t.shape.length === 0 ? 1 : t.shape[0]!;
      if (last?.name !== name) last = { name, data: Promise.resolve(t.data()) };
      return (await last.data).slice(start * rowSize, (end ?? rows) * rowSize);
    },
    close: onClose,
  };
}

/** The same source, reporting the number of values read so far (of all tensors' total). */
export function withProgress(
  source: TensorSource,
  report: (done: number, total: number) => void,
): TensorSource {
  const total = source.tensors.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
  let done = 0;
  return {
    ...source,
    async read(name, start, end) {
      const values = await source.read(name, start, end);
      done += values.length;
      report(done, total);
      return values;
    },
  };
}

/** Values given whole, later, or as consecutive blocks of whole rows. */
export type TensorData = Float32Array | Promise<Float32Array> | AsyncIterable<Float32Array>;

export async function* blocksOf(data: TensorData): AsyncGenerator<Float32Array> {
  if (Symbol.asyncIterator in data) yield* data;
  else yield await data;
}
