import { describe, it } from 'vitest';
import { openTestStore, postgresMissing } from '../../helpers/backends.js';
import { runStoreContract } from './contract.js';

const missing = postgresMissing();
if (missing) describe.skip(`Store contract: PostgreSQL (${missing})`, () => it('runs on PostgreSQL'));
else runStoreContract('PostgreSQL', (random) => openTestStore('postgres', { random, label: 'contract' }));
