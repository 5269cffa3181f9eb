import type { ChildProcess } from 'node:child_process';

/** The next IPC message of `type` from a child process; rejects if the child exits first (`who` names it). */
export function nextMessage<T extends { type: string }>(child: ChildProcess, type: T['type'], who: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onMessage = (message: unknown) => {
      if ((message as { type?: unknown } | null)?.type !== type) return;
      cleanup();
      resolve(message as T);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`${who} exited (code ${String(code)}) before sending ${type}`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}
