import { sqlQueueSuite } from './sql-queue-suite.js';

sqlQueueSuite('mysql');
