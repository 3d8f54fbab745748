/**
 * A byte-level BPE tokenizer in the Hugging Face tokenizer.json format (Qwen2, Llama-3, GPT-2):
 * added tokens are cut out first, the rest is normalized, split by the pre-tokenizer regex and
 * merged by BPE rank. It loads real tokenizer.json files and writes its own.
 * Not modelled: post-processor templates (no BOS is added), added-token lstrip/rstrip/single_word,
 * and added tokens with normalized=true are matched before normalization like the others.
 */

import { type AddedToken, AddedTokenSplitter } from "./added-tokens";
import { BpeModel, type Merge } from "./bpe-model";
import { fromByteLevel } from "./byte-level";
import { normalizerFromJSON, preTokenizerFromJSON, QWEN2_PRE_TOKENIZER } from "./pre-tokenizer";

export interface BpeTokenizerParts {
  vocab: ReadonlyMap<string, number>;
  merges: readonly Merge[];
  addedTokens: readonly AddedToken[];
  /** HF tokenizer.json components; by default Qwen2's (without its NFC normalizer). */
  normalizer?: unknown;
  preTokenizer?: unknown;
  postProcessor?: unknown;
  decoder?: unknown;
  ignoreMerges?: boolean;
}

/** The tokenizer.json that `toJSON` writes. */
export interface TokenizerJson {
  version: "1.0";
  truncation: null;
  padding: null;
  added_tokens: Array<{
    id: number;
    content: string;
    single_word: false;
    lstrip: false;
    rstrip: false;
    normalized: false;
    special: boolean;
  }>;
  normalizer: unknown;
  pre_tokenizer: unknown;
  post_processor: unknown;
  decoder: unknown;
  model: {
    type: "BPE";
    dropout: null;
    unk_token: null;
    continuing_subword_prefix: "";
    end_of_word_suffix: "";
    fuse_unk: false;
    byte_fallback: false;
    ignore_merges: boolean;
    vocab: Record<string, number>;
    merges: string[];
  };
}

const BYTE_LEVEL_DECODER = {
  type: "ByteLevel",
  add_prefix_space: false,
  trim_offsets: false,
  use_regex: false,
};

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

type Json = Record<string, unknown>;

function parseMerge(merge: unknown, rank: number): Merge {
  const pair: unknown = typeof merge === "string" ? merge.split(" ") : merge;
  if (
    Array.isArray(pair) &&
    pair.length === 2 &&
    typeof pair[0] === "string" &&
    typeof pair[1] === "string"
  ) {
    return [pair[0], pair[1]];
  }
  throw new Error(`Merge ${rank} is not "a b" or ["a", "b"]: ${JSON.stringify(merge)}.`);
}

/** Rejects BPE model options that change how text is tokenized and that this tokenizer lacks. */
function checkModel(model: Json): void {
  const unsupported =
    (model.type !== undefined && model.type !== "BPE") ||
    !!model.dropout ||
    !!model.continuing_subword_prefix ||
    !!model.end_of_word_suffix ||
    !!model.byte_fallback;
  if (
    unsupported ||
    typeof model.vocab !== "object" ||
    model.vocab === null ||
    !Array.isArray(model.merges)
  ) {
    const { vocab: _v, merges: _m, ...options } = model;
    throw new Error(`Unsupported tokenizer model ${JSON.stringify(options)}: only byte-level BPE is.`);
  }
}

/** An entry of tokenizer.json's `added_tokens`, matched as written (no stripping, not normalized). */
export function addedTokenJson(id: number, content: string, special: boolean) {
  return {
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special,
  } as const;
}

export class BpeTokenizer {
  /** One more than the largest id. */
  readonly vocabSize: number;
  /** Ids of the added tokens marked special (control tokens). */
  readonly specialIds: ReadonlySet<number>;
  private readonly model: BpeModel;
  private readonly addedTokens: readonly AddedToken[];
  private readonly added: AddedTokenSplitter;
  private readonly addedById: ReadonlyMap<number, AddedToken>;
  private readonly addedIds: ReadonlyMap<string, number>;
  private readonly tokens: Array<string | undefined> = [];
  private readonly tokenBytes: Array<Uint8Array | undefined> = [];
  private readonly normalize: (text: string) => string;
  private readonly preTokenize: (text: string) => string[];
  private readonly components: {
    normalizer: unknown;
    preTokenizer: unknown;
    postProcessor: unknown;
    decoder: unknown;
  };

  constructor(parts: BpeTokenizerParts) {
    const {
      normalizer = null,
      preTokenizer = QWEN2_PRE_TOKENIZER,
      postProcessor = null,
      decoder = BYTE_LEVEL_DECODER,
    } = parts;
    if ((decoder as Json | null)?.type !== "ByteLevel") {
      throw new Error(`Unsupported decoder ${JSON.stringify(decoder)}: only ByteLevel is.`);
    }
    this.components = { normalizer, preTokenizer, postProcessor, decoder };
    this.normalize = normalizerFromJSON(normalizer);
    this.preTokenize = preTokenizerFromJSON(preTokenizer);
    this.model = new BpeModel(parts.vocab, parts.merges, parts.ignoreMerges ?? false);
    this.addedTokens = [...parts.addedTokens].sort((a, b) => a.id - b.id);
    this.added = new AddedTokenSplitter(this.addedTokens);
    this.addedById = new Map(this.addedTokens.map((t) => [t.id, t]));
    this.addedIds = new Map(this.addedTokens.map((t) => [t.content, t.id]));
    for (const [token, id] of parts.vocab) this.tokens[id] = token;
    for (const t of this.addedTokens) this.tokens[t.id] = t.content;
    this.vocabSize = this.tokens.length;
    this.specialIds = new Set(this.addedTokens.filter((t) => t.special).map((t) => t.id));
  }

  /** Reads a Hugging Face tokenizer.json (parsed or as text). */
  static fromJSON(json: object | string): BpeTokenizer {
    const o = (typeof json === "string" ? JSON.parse(json) : json) as Json;
    const model = (o.model ?? {}) as Json;
    checkModel(model);
    const addedTokens = ((o.added_tokens ?? []) as Json[]).map((t) => ({
      id: Number(t.id),
      content: String(t.content),
      special: t.special === true,
    }));
    return new BpeTokenizer({
      vocab: new Map(Object.entries(model.vocab as Record<string, number>)),
      merges: (model.merges as unknown[]).map(parseMerge),
      addedTokens,
      normalizer: o.normalizer ?? null,
      preTokenizer: o.pre_tokenizer ?? null,
      postProcessor: o.post_processor ?? null,
      decoder: o.decoder ?? null,
      ignoreMerges: model.ignore_merges === true,
    });
  }

  /** A Hugging Face tokenizer.json for this tokenizer (`JSON.stringify` it to save). */
  toJSON(): TokenizerJson {
    return {
      version: "1.0",
      truncation: null,
      padding: null,
      added_tokens: this.addedTokens.map(({ id, content, special }) => addedTokenJson(id, content, special)),
      normalizer: this.components.normalizer,
      pre_tokenizer: this.components.preTokenizer,
      post_processor: this.components.postProcessor,
      decoder: this.components.decoder,
      model: {
        type: "BPE",
        dropout: null,
        unk_token: null,
        continuing_subword_prefix: "",
        end_of_word_suffix: "",
        fuse_unk: false,
        byte_fallback: false,
        ignore_merges: this.model.ignoreMerges,
        vocab: Object.fromEntries([...this.model.vocab].sort((a, b) => a[1] - b[1])),
        merges: this.model.merges.map(([a, b]) => `${a} ${b}`),
      },
    };
  }

  /** Token ids for text. Without `allowSpecial`, special tokens in the text are encoded as plain text. */
  encode(text: string, { allowSpecial = true }: { allowSpecial?: boolean } = {}): number[] {
    const ids: number[] = [];
    for (const part of this.added.split(text, allowSpecial)) {
      if (typeof part === "number") ids.push(part);
      else {
        for (const piece of this.preTokenize(this.normalize(part))) {
          for (const id of this.model.encodePiece(piece)) ids.push(id);
        }
      }
    }
    return ids;
  }

  /**
   * The text of token ids; bytes are joined before UTF-8 decoding, so a character split across
   * tokens comes out whole (an incomplete one becomes U+FFFD). Unknown ids are skipped, as in HF.
   */
  decode(ids: readonly number[], { skipSpecial = false }: { skipSpecial?: boolean } = {}): string {
    const chunks: Uint8Array[] = [];
    for (const id of ids) {
      const added = this.addedById.get(id);
      if (added !== undefined) {
        if (!(skipSpecial && added.special)) chunks.push(utf8.encode(added.content));
        continue;
      }
      const bytes = this.bytesOf(id);
      if (bytes !== undefined) chunks.push(bytes);
    }
    const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let offset = 0;
    for (const c of chunks) {
      all.set(c, offset);
      offset += c.length;
    }
    return utf8Decoder.decode(all);
  }

  /** The id of a token: an added token's content, or a vocabulary entry in byte-level form ("Ġhi"). */
  idOf(token: string): number | undefined {
    return this.addedIds.get(token) ?? this.model.vocab.get(token);
  }

  /** The token with this id: an added token's content, or the byte-level vocabulary entry. */
  tokenOf(id: number): string | undefined {
    return this.tokens[id];
  }

  private bytesOf(id: number): Uint8Array | undefined {
    let bytes = this.tokenBytes[id];
    if (bytes === undefined) {
      const token = this.tokens[id];
      if (token === undefined) return undefined;
      bytes = fromByteLevel(token);
      this.tokenBytes[id] = bytes;
    }
    return bytes;
  }
}
