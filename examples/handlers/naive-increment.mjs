// A naive handler: one increment per delivery. A redelivery (a lost DB reply, a crash before the offset
// commit, a duplicate in the log) increments again: duplicates, even under exactly-once delivery settings.
export async function handler(record, db) {
  await db.increment('ledger', record.key, 1);
}

export const effects = ['ledger'];
