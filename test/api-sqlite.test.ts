// API conformance against `k8ts server` on its default store, SQLite.

import { runApiConformance } from './api-conformance.js';

runApiConformance('sqlite', async () => ({}));
