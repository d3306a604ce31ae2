/**
 * The one entry-point pattern of every function: the handler (configuration read and validated,
 * clients with keep-alive sockets) is built on the first invocation of a container and kept.
 * A configuration error is kept too, so every invocation fails with the same message naming each
 * bad variable, instead of the container crashing at init (which Lambda reports without the reason).
 * Building lazily also keeps module load minimal (measured in the README's cold-start figures).
 */
export function lambdaEntry<A extends unknown[], R>(build: (env: NodeJS.ProcessEnv) => (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  let built: ((...args: A) => Promise<R>) | Error | undefined;
  return async (...args: A): Promise<R> => {
    if (built === undefined) {
      try {
        built = build(process.env);
      } catch (err) {
        built = err instanceof Error ? err : new Error(String(err));
      }
    }
    if (built instanceof Error) throw built;
    return built(...args);
  };
}
