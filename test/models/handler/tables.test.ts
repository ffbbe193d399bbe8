/** The handler's tables on the DB side: operations, transactions (read-your-writes, all-or-nothing), first committer wins. */
import { describe, expect, it } from 'vitest';
import { HandlerTables } from '../../../models/handler/tables.js';

describe('HandlerTables', () => {
  it('applies operations outside a transaction at once, with the answers the contract promises', () => {
    const tables = new HandlerTables();
    expect(tables.apply({ op: 'get', table: 't', key: 'a' }, undefined).result).toEqual({ ok: true });
    expect(tables.apply({ op: 'insert', table: 't', key: 'a', value: 1 }, undefined).result).toEqual({ ok: true, value: 'inserted' });
    expect(tables.apply({ op: 'insert', table: 't', key: 'a', value: 2 }, undefined)).toEqual({ result: { ok: true, value: 'conflict' }, committed: [] });
    expect(tables.apply({ op: 'increment', table: 't', key: 'a', by: 4 }, undefined).result).toEqual({ ok: true, value: 5 });
    expect(tables.apply({ op: 'delete', table: 't', key: 'a' }, undefined).result).toEqual({ ok: true, value: true });
    expect(tables.apply({ op: 'delete', table: 't', key: 'a' }, undefined).result).toEqual({ ok: true, value: false });
    expect(tables.writes).toBe(4);
  });

  it('copies values in and out: a handler never shares an object with the DB', () => {
    const tables = new HandlerTables();
    const stored = { n: [1] };
    tables.apply({ op: 'put', table: 't', key: 'k', value: stored }, undefined);
    stored.n.push(2);
    const read = tables.get('t', 'k') as { n: number[] };
    read.n.push(3);
    expect(tables.get('t', 'k')).toEqual({ n: [1] });
  });

  it('a transaction reads its own writes, commits them all at once, and a rollback leaves nothing', () => {
    const tables = new HandlerTables();
    tables.apply({ op: 'put', table: 't', key: 'x', value: 1 }, undefined);
    tables.apply({ op: 'increment', table: 't', key: 'x', by: 1 }, 'tx1');
    expect(tables.apply({ op: 'get', table: 't', key: 'x' }, 'tx1').result).toEqual({ ok: true, value: 2 });
    expect(tables.get('t', 'x')).toBe(1);
    tables.apply({ op: 'put', table: 't', key: 'y', value: 'b' }, 'tx2');
    tables.rollback('tx2');
    expect(tables.commit('tx1')).toEqual({ result: { ok: true }, committed: [{ table: 't', key: 'x' }] });
    expect(tables.get('t', 'x')).toBe(2);
    expect(tables.keys('t')).toEqual(['x']);
  });

  it('two transactions inserting one key: the first committer wins, the second commits nothing', () => {
    const tables = new HandlerTables();
    expect(tables.apply({ op: 'insert', table: 'seen', key: 'm3', value: true }, 'a').result).toEqual({ ok: true, value: 'inserted' });
    expect(tables.apply({ op: 'insert', table: 'seen', key: 'm3', value: true }, 'b').result).toEqual({ ok: true, value: 'inserted' });
    tables.apply({ op: 'increment', table: 'ledger', key: 'k1', by: 1 }, 'a');
    tables.apply({ op: 'increment', table: 'ledger', key: 'k1', by: 1 }, 'b');
    expect(tables.commit('a').result.ok).toBe(true);
    const second = tables.commit('b');
    expect(second.result.ok).toBe(false);
    expect(second.committed).toEqual([]);
    expect(tables.get('ledger', 'k1')).toBe(1);
  });

  it('increments of two transactions on one row both count (UPDATE ... SET n = n + 1)', () => {
    const tables = new HandlerTables();
    tables.apply({ op: 'increment', table: 'ledger', key: 'k', by: 1 }, 'a');
    tables.apply({ op: 'increment', table: 'ledger', key: 'k', by: 2 }, 'b');
    tables.commit('b');
    tables.commit('a');
    expect(tables.get('ledger', 'k')).toBe(3);
  });
});
