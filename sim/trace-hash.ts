/**
 * The trace hash: 64 bits (two 32-bit murmur3-style lanes, 16 hex digits) over a compact encoding of the records,
 * fed one record at a time as the trace is appended, so a run never renders its trace as text to hash it.
 *
 * The encoding is generic: it walks any record's own keys in insertion order (the order JSON.stringify uses) and
 * tags every value by type, so a new record kind needs no table entry. It is injective: a string is written whole
 * (its length, then its UTF-16 code units) the first time it is seen and as a back-reference while it stays in a
 * bounded table of recently seen strings; the table is part of the state, a function of the records before, so the
 * hash stays a function of the records alone (same records => same hash), and any change of a key, a value, a key order, a record or the record order
 * changes the encoded words. Keys whose value is undefined are skipped, as JSON skips them.
 */

const RECORD = 1;
const END = 2;
const INT = 3;
const FLOAT = 4;
const NEW_STRING = 5;
const SEEN_STRING = 6;
const TRUE = 7;
const FALSE = 8;
const NULL = 9;
const ARRAY = 10;
const OBJECT = 11;

/** Strings remembered for back-references, the most recently first seen: keys, actor names, kinds, message ids. */
const STRINGS_MAX = 4096;

const float = new Float64Array(1);
const floatWords = new Int32Array(float.buffer);

export class TraceHasher {
  private h1 = 0x9747b28c;
  private h2 = 0x2f8f2d2b;
  private readonly strings = new Map<string, number>();
  /** The remembered strings in the order they were first seen (a ring): the oldest is the next to go. */
  private readonly order: string[] = [];
  private nextString = 0;
  /** Records hashed so far. */
  count = 0;

  add(record: object): void {
    this.count++;
    this.word(RECORD);
    this.fields(record);
    this.word(END);
  }

  /** 16 hex digits; the hasher can go on taking records after. */
  digest(): string {
    const h1 = fmix(this.h1 ^ this.count);
    const h2 = fmix(this.h2 ^ this.count ^ h1);
    return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
  }

  private fields(value: object): void {
    const fields = value as Record<string, unknown>;
    for (const key in fields) {
      const field = fields[key];
      if (field === undefined || typeof field === 'function') continue;
      this.string(key);
      this.value(field);
    }
  }

  private value(value: unknown): void {
    switch (typeof value) {
      case 'number':
        if ((value | 0) === value) {
          this.word(INT);
          this.word(value);
        } else {
          float[0] = value;
          this.word(FLOAT);
          this.word(floatWords[0]);
          this.word(floatWords[1]);
        }
        return;
      case 'string':
        this.string(value);
        return;
      case 'boolean':
        this.word(value ? TRUE : FALSE);
        return;
      case 'object':
        if (value === null) this.word(NULL);
        else if (Array.isArray(value)) this.array(value);
        else {
          this.word(OBJECT);
          this.fields(value);
          this.word(END);
        }
        return;
      default:
        // undefined, a function or a symbol inside an array: JSON writes null there.
        this.word(NULL);
    }
  }

  private array(values: readonly unknown[]): void {
    this.word(ARRAY);
    this.word(values.length);
    for (const value of values) this.value(value);
  }

  private string(value: string): void {
    const seen = this.strings.get(value);
    if (seen !== undefined) {
      this.word(SEEN_STRING);
      this.word(seen);
      return;
    }
    // The oldest remembered string makes room: ids are never reused, and a
    // message's records come close together, so its id is written whole once and back-referenced after.
    // (A ring, not the Map's own first key: a Map skips its deleted entries to find that, which grew with the run.)
    const slot = this.nextString % STRINGS_MAX;
    if (this.nextString >= STRINGS_MAX) this.strings.delete(this.order[slot]);
    this.order[slot] = value;
    this.strings.set(value, this.nextString++);
    this.word(NEW_STRING);
    const length = value.length;
    this.word(length);
    let index = 0;
    for (; index + 1 < length; index += 2) this.word(value.charCodeAt(index) | (value.charCodeAt(index + 1) << 16));
    if (index < length) this.word(value.charCodeAt(index));
  }

  private word(value: number): void {
    let k = Math.imul(value, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    let h1 = this.h1 ^ k;
    h1 = (h1 << 13) | (h1 >>> 19);
    this.h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
    let h2 = this.h2 ^ Math.imul(k ^ (k >>> 16), 0x85ebca6b);
    h2 = (h2 << 17) | (h2 >>> 15);
    this.h2 = (Math.imul(h2, 9) + 0x38b34ae5 + this.h1) | 0;
  }
}

/** murmur3's finaliser: every input bit reaches every output bit. */
function fmix(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** The hash of a whole trace: the same as appending its records one by one to a fresh TraceHasher. */
export function traceHash(records: Iterable<object>): string {
  const hasher = new TraceHasher();
  for (const record of records) hasher.add(record);
  return hasher.digest();
}
