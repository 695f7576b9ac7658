// Client-chosen keys: a record's Idempotency-Key is chosen once, when the record is made, so that
// sending it again after a lost answer never counts it twice.
export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
