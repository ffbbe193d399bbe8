// A version-number upsert: each account keeps the newest version it was sent, and a stale delivery (a lower
// version than the stored one, e.g. a retry overtaken in the log) changes nothing. The message id is inserted in
// the same transaction, so a redelivery is not applied twice. Its own invariant checks the final state.
export async function handler(record, db) {
  return db.transaction(async (tx) => {
    if ((await tx.insert('applied', record.id, true)) === 'conflict') return 'ack';
    const current = await tx.get('accounts', record.key);
    if (current === undefined || current.version < record.value.seq) await tx.put('accounts', record.key, { version: record.value.seq });
    return 'ack';
  });
}

// Every message's effect is its row in `applied`: loss and duplicates are judged on it.
export const effects = ['applied'];

export const invariants = {
  // Whatever order the deliveries came in, each account ends at the newest version sent for it.
  newestVersionWins(db, workload) {
    const newest = new Map();
    for (const message of workload) newest.set(message.key, Math.max(newest.get(message.key) ?? 0, message.value.seq));
    const witnesses = [];
    for (const [key, version] of newest) {
      const stored = db.get('accounts', key);
      if (stored?.version !== version) witnesses.push(`accounts[${key}] holds version ${stored?.version ?? 'none'}, not the newest ${version}`);
    }
    return { holds: witnesses.length === 0, witnesses };
  },
};
