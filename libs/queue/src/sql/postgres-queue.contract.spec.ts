import { sqlQueueSuite } from '../testing/sql-queue-suite.js';

sqlQueueSuite('postgres');
