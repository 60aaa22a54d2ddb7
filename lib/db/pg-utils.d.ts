// pg's own conversion of a parameter to the text it sends (the package exports the file, untyped).
declare module "pg/lib/utils" {
  /** null for null and undefined, a Buffer for bytes, the text otherwise. */
  export function prepareValue(value: unknown): string | Buffer | null;
}
