// A processed-id store checked outside the effect's transaction. Racy: a crash after the increment and
// before the mark leaves no mark, so the redelivery passes the check and increments again.
export async function handler(record, db) {
  if (await db.get('processed', record.id)) return 'ack';
  await db.increment('ledger', record.key, 1);
  await db.put('processed', record.id, true);
  return 'ack';
}

export const effects = ['ledger'];
