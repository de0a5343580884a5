import { sqlRepositorySuite } from '../testing/sql-repository-suite.js';

sqlRepositorySuite('mysql');
