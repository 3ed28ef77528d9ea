// Worker thread of WalCheckpointer: runs passive WAL checkpoints on its own SQLite connection.
//
// Messages in: 'checkpoint' (answered with 'done', also after a failure) and 'close'.

import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

const port = parentPort!;
const db = new Database((workerData as { file: string }).file, { timeout: 5000 });
db.pragma('synchronous = NORMAL');

port.on('message', (msg: string) => {
  if (msg === 'checkpoint') {
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // the next request tries again
    }
    port.postMessage('done');
  } else if (msg === 'close') {
    db.close();
    port.close();
  }
});
