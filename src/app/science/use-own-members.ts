// This browser's own Lorenz-96 members, from the page's own results (own-results.ts): each
// result keeps the unit's input (base64 JSON) and the kernel's output (JSON bytes), which is
// the member's trajectory summary. Waiting and confirmed members come back; rejected ones and
// results whose output was too large to keep do not.
import { useEffect, useState } from 'preact/hooks';
import { base64ToBytes } from '../../protocol/encoding.js';
import type { OwnResult, OwnResultsSource } from '../own-results.js';
import { toMember, type OwnMember } from './ensemble-data.js';

const decoder = new TextDecoder();
/** Each result is parsed once: a subscription hands the whole list on every change. */
const parsed = new WeakMap<Uint8Array, ReturnType<typeof toMember> | null>();

function parseOwn(result: OwnResult): OwnMember | undefined {
  if (!result.output || (result.status !== 'waiting' && result.status !== 'confirmed')) return undefined;
  let member = parsed.get(result.output);
  if (member === undefined) {
    try {
      member =
        toMember(
          JSON.parse(decoder.decode(base64ToBytes(result.input))) as unknown,
          JSON.parse(decoder.decode(result.output)) as unknown,
        ) ?? null;
    } catch {
      member = null;
    }
    parsed.set(result.output, member);
  }
  return member ? { ...member, status: result.status } : undefined;
}

/** The project's own members, oldest first; empty without a source (the dashboard). */
export function useOwnMembers(project: string, own: OwnResultsSource | undefined): OwnMember[] {
  const [members, setMembers] = useState<OwnMember[]>([]);
  useEffect(() => {
    setMembers([]);
    if (!own) return undefined;
    return own.subscribe(project, (results) =>
      setMembers(results.map(parseOwn).filter((m): m is OwnMember => m !== undefined)),
    );
  }, [project, own]);
  return members;
}
