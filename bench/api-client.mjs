// The few calls of Osprey's REST API the benchmarks need, over keep-alive HTTP/1.1.
import { Agent, request } from 'node:http';

export class ApiError extends Error {
  constructor(method, path, status, body) {
    super(`${method} ${path}: HTTP ${status} ${body.slice(0, 500)}`);
    this.name = 'ApiError';
    this.status = status;
  }
}

export class ApiClient {
  constructor(baseUrl, maxSockets = 64) {
    this.base = new URL(baseUrl);
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  /** Deploys (creates or revises) a flow from its YAML source. */
  deployFlow(yaml) {
    return this.call('POST', '/api/v1/flows', yaml, 'application/x-yaml');
  }

  /** Creates an execution; resolves with it (state CREATED) as soon as the server has queued it. */
  trigger(namespace, flowId, inputs = {}) {
    return this.call('POST', `/api/v1/executions/${encodeURIComponent(namespace)}/${encodeURIComponent(flowId)}`, JSON.stringify(inputs), 'application/json');
  }

  getExecution(id) {
    return this.call('GET', `/api/v1/executions/${encodeURIComponent(id)}`);
  }

  close() {
    this.agent.destroy();
  }

  call(method, path, body, contentType) {
    return new Promise((resolve, reject) => {
      const headers = body === undefined ? {} : { 'content-type': contentType, 'content-length': Buffer.byteLength(body) };
      const req = request({ host: this.base.hostname, port: this.base.port, method, path, headers, agent: this.agent }, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode >= 400) reject(new ApiError(method, path, res.statusCode, text));
          else resolve(text ? JSON.parse(text) : undefined);
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }
}
