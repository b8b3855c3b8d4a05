/**
 * How the language server's process is started: one place for every launcher (the VS Code client's
 * ServerOptions, the benches' and protocol tests' spawn in `test/protocol/lspClient.ts`), so that
 * what is measured is what ships. The README's launch line for other editors names the same value.
 *
 * `GLIBC_TUNABLES` (read by glibc when the process starts; ignored by other C libraries and systems):
 * the syntax copy makes seven typed arrays per keystroke (21 bytes a node, 6 MB at 20k lines), which
 * node allocates with `calloc`. By default glibc gives memory above the top of its heap back to the
 * system once 2x the last freed mmap-sized block is free there, so the next copy's arrays land on
 * pages mapped afresh, and on a VM whose kernel reports free pages to the host each first write to
 * such a 4 KB page costs 7-25 us. A 32 MB mmap threshold (glibc's own dynamic ceiling) and a 64 MB
 * trim threshold keep those blocks in the heap to be reused. See "Memory churn per keystroke" in
 * docs/performance.md for the measurements.
 */
export const SERVER_MALLOC_TUNABLES = 'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=67108864';

/** What the server's environment adds to its launcher's: nothing the user already set. */
export function serverEnvAdditions(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return env.GLIBC_TUNABLES === undefined ? { GLIBC_TUNABLES: SERVER_MALLOC_TUNABLES } : {};
}
