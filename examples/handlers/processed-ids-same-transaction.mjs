// The processed id inserted in the same transaction as the effect: both commit or neither does, and a
// redelivery finds the id (a conflict) and changes nothing. Holds under exactly-once.
export async function handler(record, db) {
  return db.transaction(async (tx) => {
    if ((await tx.insert('processed', record.id, true)) === 'conflict') return 'ack';
    await tx.increment('ledger', record.key, 1);
    return 'ack';
  });
}

export const effects = ['ledger'];
