/** The services an Osprey process can run: `server local|standalone` several, `osprey <role>` one. */
export const SERVICE_ROLES = ['executor', 'worker', 'scheduler', 'webserver', 'indexer'] as const;
export type ServiceRole = (typeof SERVICE_ROLES)[number];
