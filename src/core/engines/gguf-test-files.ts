/**
 * Test helpers that locate and rewrite fields of a GGUF file's header, to build hostile files from
 * a valid one. The walk is written independently of the reader under test.
 */

/** A little-endian integer field of the header that a test may overwrite. */
export interface HeaderField {
  at: number;
  size: 4 | 8;
  what: string;
}

/** Where a tensor info's fields are. */
export interface TensorFields {
  name: string;
  rankAt: number;
  dimsAt: number[];
  typeAt: number;
  offsetAt: number;
}

export interface HeaderLayout {
  /** Every count, length, type, rank, dimension and offset in the header. */
  fields: HeaderField[];
  /** Where each metadata key's value starts (after its type; for arrays, at the item type). */
  values: Map<string, number>;
  tensors: TensorFields[];
  /** End of the tensor infos, before the padding to the alignment. */
  end: number;
}

const ITEM_SIZES: Record<number, number> = {
  0: 1,
  1: 1,
  2: 2,
  3: 2,
  4: 4,
  5: 4,
  6: 4,
  7: 1,
  10: 8,
  11: 8,
  12: 8,
};
const STRING = 8;
const ARRAY = 9;

export function headerLayout(bytes: Uint8Array): HeaderLayout {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder();
  const fields: HeaderField[] = [
    { at: 8, size: 8, what: "tensor count" },
    { at: 16, size: 8, what: "metadata count" },
  ];
  let at = 24;
  const field = (size: 4 | 8, what: string) => {
    fields.push({ at, size, what });
    const value = size === 4 ? view.getUint32(at, true) : Number(view.getBigUint64(at, true));
    at += size;
    return value;
  };
  const str = (what: string) => {
    const n = field(8, `length of ${what}`);
    at += n;
    return decoder.decode(bytes.subarray(at - n, at));
  };
  const skip = (type: number, what: string) => {
    if (type === STRING) str(what);
    else at += ITEM_SIZES[type]!;
  };
  const values = new Map<string, number>();
  for (let i = 0; i < Number(view.getBigUint64(16, true)); i++) {
    const key = str(`key #${i}`);
    const type = field(4, `type of ${key}`);
    values.set(key, at);
    if (type !== ARRAY) {
      skip(type, key);
      continue;
    }
    const itemType = field(4, `item type of ${key}`);
    const n = field(8, `count of ${key}`);
    for (let j = 0; j < n; j++) skip(itemType, `${key}[${j}]`);
  }
  const tensors: TensorFields[] = [];
  for (let i = 0; i < Number(view.getBigUint64(8, true)); i++) {
    const name = str(`tensor #${i}`);
    const rankAt = at;
    const dimsAt = Array.from({ length: field(4, `rank of ${name}`) }, (_, d) => at + 8 * d);
    for (const d of dimsAt.keys()) field(8, `dimension ${d} of ${name}`);
    const typeAt = at;
    field(4, `type of ${name}`);
    tensors.push({ name, rankAt, dimsAt, typeAt, offsetAt: at });
    field(8, `offset of ${name}`);
  }
  return { fields, values, tensors, end: at };
}

/** Little-endian bytes of a GGUF string. */
export function ggufString(s: string): Uint8Array {
  const text = new TextEncoder().encode(s);
  const out = new Uint8Array(8 + text.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  return out;
}

/**
 * Adds a metadata entry (`typeAndValue`: its type, then its value) at the start of the metadata,
 * padding the key with "_" so the file's 32-byte alignment, and so every tensor's place, is kept.
 * Returns the file and the padded key.
 */
export function withMetadata(
  model: Uint8Array,
  key: string,
  typeAndValue: Uint8Array,
): { bytes: Uint8Array; key: string } {
  const padded = key + "_".repeat((32 - ((8 + key.length + typeAndValue.length) % 32)) % 32);
  const entry = ggufString(padded);
  const out = new Uint8Array(model.length + entry.length + typeAndValue.length);
  out.set(model.subarray(0, 24));
  out.set(entry, 24);
  out.set(typeAndValue, 24 + entry.length);
  out.set(model.subarray(24), 24 + entry.length + typeAndValue.length);
  const view = new DataView(out.buffer);
  view.setBigUint64(16, view.getBigUint64(16, true) + 1n, true);
  return { bytes: out, key: padded };
}

/** Type and value of an array of `count` items of GGUF type `itemType`, whose bytes are `itemBytes`. */
export function ggufArray(itemType: number, count: number, itemBytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(16 + itemBytes.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, ARRAY, true);
  view.setUint32(4, itemType, true);
  view.setBigUint64(8, BigInt(count), true);
  out.set(itemBytes, 16);
  return out;
}

export const blob = (bytes: Uint8Array) => new Blob([bytes as Uint8Array<ArrayBuffer>]);
