import type { ChartTools } from './tools.mjs';
export declare const root: string;
export declare const chartsDir: string;
export declare const APP_CHARTS: string[];
export declare const CHARTS: string[];
export declare const SIZES_DIR: string;
export declare function valuesFiles(): string[];
export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
  output: string;
}
export interface TemplateOptions {
  chart?: string;
  release?: string;
  values?: string[];
  set?: string[];
  /** Values given last, as a values file on stdin. */
  valuesObject?: Record<string, unknown>;
  kubeVersion?: string;
  namespace?: string;
}
export interface ChartChecks {
  tools: ChartTools;
  helm(args: string[], input?: string): ExecResult;
  buildDependencies(): void;
  lint(chart: string, extra?: string[]): ExecResult;
  template(options?: TemplateOptions): string;
  kubeconform(manifests: string, kubeVersion?: string): ExecResult;
}
export declare function createChecks(tools?: ChartTools): ChartChecks;
