export interface ImageConfig {
  User?: string;
  WorkingDir?: string;
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  Labels?: Record<string, string>;
  ExposedPorts?: Record<string, unknown>;
  Healthcheck?: { Test: string[]; Interval?: number; Timeout?: number; StartPeriod?: number; Retries?: number };
}
export interface RunningImage {
  url: string;
  command: string[];
  config: ImageConfig;
  live: unknown;
  startSeconds: number;
  pid1?: number;
  mainPid?: number;
  /** Name of the buildah working container. */
  container: string;
  output(): string;
  stop(graceMs?: number): Promise<number | string | null>;
}
export declare function imageConfig(image: string, cache?: string): ImageConfig;
export declare function processUid(pid: number): number;
export declare function startImage(image: string, options: { port: number; env?: Record<string, string>; args?: string[]; timeoutMs?: number; cache?: string }): Promise<RunningImage>;
export declare function execInContainer(container: string, command: string[], env?: Record<string, string>, cache?: string): { code: number | null; output: string };
export declare function mountContainer(container: string, cache?: string): string;
