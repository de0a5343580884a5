export declare const HELM_VERSION: string;
export declare const KUBECONFORM_VERSION: string;
export declare const KUBE_VERSIONS: string[];
export interface ChartTools {
  helm: string;
  kubeconform: string;
  /** -schema-location of the built-in kinds. */
  schemas: string;
  /** -schema-location template of the custom resources (ScaledObject, ServiceMonitor). */
  crdSchemas: string;
  /** Seconds each tool took to make ready (0 when cached). */
  timings: Record<string, number>;
}
export declare function cacheDir(): string;
export declare function ensureChartTools(options?: { cache?: string; log?: (message: string) => void }): ChartTools;
