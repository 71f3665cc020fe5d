export declare const SCHEMA_TYPES_PATH: string;
export declare function schemaTypesOf(document: unknown): Promise<string>;
