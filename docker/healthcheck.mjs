// HEALTHCHECK of the Osprey images: GET /health/live on the port the service listens on
// (OSPREY_SERVER_PORT, else server.port of the OSPREY_CONFIG file is not parsed here: 8080).
const port = process.env.OSPREY_SERVER_PORT || process.env.OSPREY_HEALTH_PORT || '8080';
try {
  const response = await fetch(`http://127.0.0.1:${port}/health/live`, { signal: AbortSignal.timeout(4000) });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
