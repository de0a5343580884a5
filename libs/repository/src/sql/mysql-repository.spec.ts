import { sqlRepositorySuite } from './sql-repository-suite.js';

sqlRepositorySuite('mysql');
