// Worker thread of WalCheckpointer: runs WAL checkpoints on its own SQLite connection.
//
// Messages in: 'passive' (copy what it can, never blocking the writer), 'restart' (copy the rest
// and start the WAL over; the owner holds its writes meanwhile), 'close'. Each checkpoint is
// answered with { op, log, checkpointed } (WAL frames, and how many are in the database), also
// after a failure (log -1).

import Database from 'better-sqlite3';
import { workerData, type MessagePort } from 'node:worker_threads';

const { file, port } = workerData as { file: string; port: MessagePort };
const db = new Database(file, { timeout: 5000 });
db.pragma('synchronous = NORMAL');

port.on('message', (op: string) => {
  if (op === 'passive' || op === 'restart') {
    let log = -1;
    let checkpointed = -1;
    try {
      const row = db.pragma(`wal_checkpoint(${op === 'passive' ? 'PASSIVE' : 'RESTART'})`) as { log: number; checkpointed: number }[];
      ({ log, checkpointed } = row[0]);
    } catch {
      // the next request tries again
    }
    port.postMessage({ op, log, checkpointed });
  } else if (op === 'close') {
    db.close();
    port.close();
  }
});
