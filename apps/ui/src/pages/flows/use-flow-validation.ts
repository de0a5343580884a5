import { useEffect, useState } from 'react';
import { api, type FlowValidation, type FlowViolation } from '../../api/index.js';

export interface FlowValidationState {
  violations: FlowViolation[];
  warnings: string[];
  checking: boolean;
  /** The validate call itself failed (network, 5xx): not a verdict on the flow. */
  error?: unknown;
}

/** Validates the source with the API (POST /api/v1/flows/validate) once typing pauses for `delayMs`. */
export function useFlowValidation(source: string, delayMs = 400): FlowValidationState {
  const [state, setState] = useState<FlowValidationState>({ violations: [], warnings: [], checking: false });
  useEffect(() => {
    if (source.trim() === '') {
      setState({ violations: [], warnings: [], checking: false });
      return;
    }
    const controller = new AbortController();
    setState((s) => ({ ...s, checking: true }));
    const timer = setTimeout(() => {
      api
        .yaml<FlowValidation[]>('POST', '/api/v1/flows/validate', source, { signal: controller.signal })
        .then((results) => {
          const violations = results.flatMap((r) => (r.violations.length > 0 || !r.constraints ? r.violations : [{ path: '', message: r.constraints }]));
          setState({ violations, warnings: results.flatMap((r) => [...r.warnings, ...r.deprecationPaths.map((p) => `${p} is deprecated`)]), checking: false });
        })
        .catch((error: unknown) => {
          if (!controller.signal.aborted) setState((s) => ({ ...s, checking: false, error }));
        });
    }, delayMs);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [source, delayMs]);
  return state;
}
