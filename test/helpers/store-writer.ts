// Child process for the kill -9 test: writes a never-ending burst to a store, acknowledging each write.
//
// Usage: node store-writer.js ENDPOINT PREFIX. Prints "ready" once the store is open, then one
// "ack KEY REVISION" line per write whose promise resolved (creates and compare-and-swap updates
// of JSON values, 8 in flight). stdout is a pipe, which Node writes synchronously on Linux, so a
// printed ack was acknowledged before any later instruction ran. Runs until killed.

import { openStore } from '../../src/storage/open-store.js';

const [endpoint, prefix = '/crash/'] = process.argv.slice(2);
const store = await openStore(endpoint, process.cwd());
process.stdout.write('ready\n');

let next = 0;
async function worker(id: number): Promise<never> {
  const mine: { key: string; revision: number }[] = [];
  for (;;) {
    const i = next++;
    const value = Buffer.from(JSON.stringify({ i, worker: id, at: Date.now(), pad: 'x'.repeat(200 + (i % 300)) }));
    if (mine.length > 0 && i % 3 === 2) {
      const target = mine[i % mine.length];
      const r = await store.update(target.key, value, target.revision);
      if (!r.ok) throw new Error(`unexpected conflict on ${target.key}`);
      target.revision = r.revision;
      process.stdout.write(`ack ${target.key} ${r.revision}\n`);
    } else {
      const key = `${prefix}w${id}-${i}`;
      const r = await store.create(key, value);
      if (!r.ok) throw new Error(`unexpected conflict on ${key}`);
      mine.push({ key, revision: r.revision });
      process.stdout.write(`ack ${key} ${r.revision}\n`);
    }
  }
}

await Promise.all(Array.from({ length: 8 }, (_, id) => worker(id)));
