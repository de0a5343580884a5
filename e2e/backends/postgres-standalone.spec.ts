import { sqlBackendE2e } from './sql-backend-e2e.js';

sqlBackendE2e('postgres');
