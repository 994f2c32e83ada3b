/** `compute` with its results kept per key, for work that findings sharing an ID, package or path would repeat. */
export function memoized<K, T extends object | string>(compute: (key: K) => T): (key: K) => T {
  const results = new Map<K, T>();
  return (key) => {
    let result = results.get(key);
    if (result === undefined) results.set(key, (result = compute(key)));
    return result;
  };
}
