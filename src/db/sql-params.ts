/** Binds a value as the next parameter of the statement being built; returns `$n::cast`. */
export type SqlParam = (value: unknown, cast: string) => string;

/** A parameter list starting with `first` ($1) and the binder that appends to it. */
export function sqlParams(...first: unknown[]): { params: unknown[]; param: SqlParam } {
  const params = [...first];
  const param: SqlParam = (value, cast) => {
    params.push(value);
    return `$${params.length}::${cast}`;
  };
  return { params, param };
}

/**
 * An SQL array of JSON documents (`json[]` or `jsonb[]`, in order, for `unnest`) bound as one JSON
 * parameter. node-postgres sends a text array by quoting every element, and a JSON document is
 * mostly quotes: for 250 event outcomes of ~1 KB one JSON parameter took 3.5× less client CPU and
 * half the time of a `text[]` (bench/README.md, "Event intake: where the time goes"). Values must not be null.
 */
export function jsonArray(param: SqlParam, values: readonly unknown[], cast: 'json' | 'jsonb'): string {
  const documents = param(JSON.stringify(values), 'json');
  const value = cast === 'jsonb' ? 'j.value::jsonb' : 'j.value';
  return `array(select ${value} from json_array_elements(${documents}) with ordinality as j (value, n) order by j.n)`;
}
