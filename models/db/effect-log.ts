/**
 * The DB's applied effects in columns, and the read-only view every reader of effects takes.
 *
 * An effect as an object took about 90 bytes (a 7-field object and its pointer, and a boxed time once a run passes
 * 2^31 µs): at a million messages, 80–100 MB that every major GC marks, and the young generation copied on the way.
 * Here an effect is six int32 numbers (its message id's and key's numbers, see NameColumn; partition, offset, and
 * its group and consumer as numbers in a names table) and a float64 time: 32 bytes. An effect is built as an object
 * (`AppliedEffect`) only when one is asked for (`at`, `effectsArray`).
 */
import { TYPED_FROM, TYPED_FROM_ROWS, typedWithRoom } from '../columns.js';
import { keyColumn, messageIdColumn } from '../name-column.js';
import { FIRST_INSTANCE } from '../topology.js';
import type { AppliedEffect } from './database.js';

/** The effects a reader needs, by position in commit order, whether they are columns or an array of objects. */
export interface Effects {
  readonly length: number;
  msgIdAt(index: number): string;
  /** Virtual time (µs) of the commit. */
  tAt(index: number): number;
  /** The effect's consumer group (an effect written before groups existed has none). */
  groupAt(index: number): string | undefined;
  consumerAt(index: number): string;
  partitionAt(index: number): number;
  offsetAt(index: number): number;
  /** The effect as an object. */
  at(index: number): AppliedEffect;
}

/** Int32 fields an effect has in `rows`: partition, offset, group number, consumer number, message id, key. */
const FIELDS = 6;
const PARTITION = 0;
const OFFSET = 1;
const GROUP = 2;
const CONSUMER = 3;
const MSG = 4;
const KEY = 5;

/** Names (groups, consumers) as numbers: a run has a handful, and a push mostly names the one before. */
class Names {
  readonly names: string[] = [];
  private last = '';
  private lastNumber = -1;

  numberOf(name: string): number {
    if (name === this.last) return this.lastNumber;
    // A scan, not a map: a run names a few groups and members, and a short run allocates nothing more.
    let number = this.names.indexOf(name);
    if (number < 0) number = this.names.push(name) - 1;
    this.last = name;
    this.lastNumber = number;
    return number;
  }
}

/** The effects one DB applied, in commit order. */
export class EffectLog implements Effects {
  private rows: number[] | Int32Array = [];
  private times: number[] | Float64Array = [];
  private readonly msgIds = messageIdColumn();
  private readonly keys = keyColumn();
  private readonly groups = new Names();
  private readonly consumers = new Names();
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(msgId: string, key: string, partition: number, offset: number, t: number, group: string, consumer: string): void {
    const index = this.count++;
    const at = index * FIELDS;
    const groupNumber = this.groups.numberOf(group);
    const consumerNumber = this.consumers.numberOf(consumer);
    const msgNumber = this.msgIds.encode(index, msgId);
    const keyNumber = this.keys.encode(index, key);
    const rows = this.rows;
    // In the order PARTITION, OFFSET, GROUP, CONSUMER, MSG, KEY. Plain and typed arrays on separate paths: each store sees one kind.
    if (Array.isArray(rows) && index < TYPED_FROM_ROWS) rows.push(partition, offset, groupNumber, consumerNumber, msgNumber, keyNumber);
    else {
      const typed = (this.rows = typedWithRoom(rows, at + FIELDS, Int32Array));
      typed[at + PARTITION] = partition;
      typed[at + OFFSET] = offset;
      typed[at + GROUP] = groupNumber;
      typed[at + CONSUMER] = consumerNumber;
      typed[at + MSG] = msgNumber;
      typed[at + KEY] = keyNumber;
    }
    const times = this.times;
    if (Array.isArray(times) && index < TYPED_FROM) times.push(t);
    else (this.times = typedWithRoom(times, index + 1, Float64Array))[index] = t;
  }

  msgIdAt(index: number): string {
    return this.msgIds.decode(index, this.rows[index * FIELDS + MSG]);
  }

  keyAt(index: number): string {
    return this.keys.decode(index, this.rows[index * FIELDS + KEY]);
  }

  tAt(index: number): number {
    return this.times[index];
  }

  groupAt(index: number): string {
    return this.groups.names[this.rows[index * FIELDS + GROUP]];
  }

  consumerAt(index: number): string {
    return this.consumers.names[this.rows[index * FIELDS + CONSUMER]];
  }

  partitionAt(index: number): number {
    return this.rows[index * FIELDS + PARTITION];
  }

  offsetAt(index: number): number {
    return this.rows[index * FIELDS + OFFSET];
  }

  /** The effect as an object, in the key order the DB always wrote it. */
  at(index: number): AppliedEffect {
    return { msgId: this.msgIdAt(index), key: this.keyAt(index), partition: this.partitionAt(index), offset: this.offsetAt(index), t: this.times[index], group: this.groupAt(index), consumer: this.consumerAt(index) };
  }
}

/** An array of effect objects (a checker's hand-written input, a user's), read as Effects. */
class EffectArray implements Effects {
  constructor(private readonly effects: readonly AppliedEffect[]) {}

  get length(): number {
    return this.effects.length;
  }

  msgIdAt(index: number): string {
    return this.effects[index].msgId;
  }

  tAt(index: number): number {
    return this.effects[index].t;
  }

  groupAt(index: number): string | undefined {
    // Hand-written effects may leave the group out (written before groups existed).
    return this.effects[index].group;
  }

  consumerAt(index: number): string {
    return this.effects[index].consumer;
  }

  partitionAt(index: number): number {
    return this.effects[index].partition;
  }

  offsetAt(index: number): number {
    return this.effects[index].offset;
  }

  at(index: number): AppliedEffect {
    return this.effects[index];
  }
}

/** Some of another view's effects, by their positions in it (one group's, in commit order). */
class EffectSubset implements Effects {
  constructor(
    private readonly all: Effects,
    private readonly positions: Int32Array,
  ) {}

  get length(): number {
    return this.positions.length;
  }

  msgIdAt(index: number): string {
    return this.all.msgIdAt(this.positions[index]);
  }

  tAt(index: number): number {
    return this.all.tAt(this.positions[index]);
  }

  groupAt(index: number): string | undefined {
    return this.all.groupAt(this.positions[index]);
  }

  consumerAt(index: number): string {
    return this.all.consumerAt(this.positions[index]);
  }

  partitionAt(index: number): number {
    return this.all.partitionAt(this.positions[index]);
  }

  offsetAt(index: number): number {
    return this.all.offsetAt(this.positions[index]);
  }

  at(index: number): AppliedEffect {
    return this.all.at(this.positions[index]);
  }
}

/** Effects as the view readers take: an EffectLog (or any view) as it is, an array of objects wrapped. */
export function effectsOf(effects: readonly AppliedEffect[] | Effects): Effects {
  return Array.isArray(effects) ? new EffectArray(effects as readonly AppliedEffect[]) : (effects as Effects);
}

/** How many of the effects `test` keeps. */
export function countEffects(effects: Effects, test: (effects: Effects, index: number) => boolean): number {
  let count = 0;
  for (let index = 0; index < effects.length; index++) if (test(effects, index)) count++;
  return count;
}

/** The effects `test` keeps, in order: a view over them, nothing copied. */
export function effectsWhere(effects: Effects, test: (effects: Effects, index: number) => boolean): Effects {
  const kept: number[] = [];
  for (let index = 0; index < effects.length; index++) if (test(effects, index)) kept.push(index);
  return new EffectSubset(effects, Int32Array.from(kept));
}

/** The group of the effect at `index` (an effect written before groups existed belongs to the first). */
export function groupOfEffect(effects: Effects, index: number): string {
  return effects.groupAt(index) ?? FIRST_INSTANCE.group;
}

/** Every effect as an object, in order. */
export function effectsArray(effects: Effects): AppliedEffect[] {
  const objects = new Array<AppliedEffect>(effects.length);
  for (let index = 0; index < effects.length; index++) objects[index] = effects.at(index);
  return objects;
}
