// The effect is itself an insert under a unique key (the message id, e.g. a payment's idempotency key):
// a redelivery's insert conflicts and writes nothing. No transaction needed for a single-row effect.
export async function handler(record, db) {
  await db.insert('payments', record.id, { account: record.key, seq: record.value.seq });
  return 'ack';
}

export const effects = ['payments'];
