export interface StartedServices {
  databaseUrl: string;
  migrationDatabaseUrl: string;
  redisUrl: string;
  pgPort: number;
  redisPort: number;
  pgBin: string;
  redisServer: string;
  dataDir: string;
}
export declare const PROFILES: Record<'dev' | 'test', { pgPort: number; redisPort: number }>;
export declare const DB: { user: string; password: string; database: string; appUser: string; appPassword: string };
export declare function startServices(profile: 'dev' | 'test'): Promise<StartedServices>;
export declare function stopServices(profile: 'dev' | 'test'): Promise<void>;
export declare function findPostgresBin(options?: { install?: boolean }): string | null;
export declare function findRedisServer(options?: { install?: boolean }): string | null;
export declare function findSlapd(options?: { install?: boolean }): string | null;
