export declare const APPS: string[];
export declare const root: string;
export declare function imageName(app: string, tag: string): string;
export interface BuiltImage {
  image: string;
  seconds: number;
  cached: boolean;
}
export interface BuildResult {
  base: string;
  baseSeconds: number;
  hash: string;
  runtime: BuiltImage;
  apps: Record<string, BuiltImage>;
}
export declare function buildImages(options?: { apps?: string[]; baseImage?: string; tag?: string; cache?: string; log?: (message: string) => void }): BuildResult;
export declare function pruneOldImages(hash: string, cache?: string): string[];
