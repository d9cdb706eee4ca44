import { seededRandom } from './rng.js';
import { MONDAY_FAULT_KINDS, MONDAY_TRANSIENT_FAULTS, type MondayFaultKind, type MondayFaultOptions } from './types.js';

const DEFAULT_SLOW_MS = 30_000;

/**
 * Seeded fault decisions: every request eligible for a fault draws two numbers, faulted or not,
 * so request i's fate depends only on the seed, i and the settings in force.
 */
export class MondayFaults {
  private readonly random: () => number;
  private settings: Required<Omit<MondayFaultOptions, 'only'>> & Pick<MondayFaultOptions, 'only'> | undefined;

  constructor(seed: number, faults: MondayFaultOptions | undefined) {
    this.random = seededRandom(seed ^ 0x0f_a017);
    this.set(faults);
  }

  set(faults: MondayFaultOptions | undefined): void {
    if (!faults) {
      this.settings = undefined;
      return;
    }
    if (!(faults.rate >= 0 && faults.rate <= 1)) throw new RangeError(`faults.rate must be within 0..1, got ${faults.rate}`);
    const kinds = faults.kinds ?? [...MONDAY_TRANSIENT_FAULTS];
    if (kinds.length === 0) throw new RangeError('faults.kinds must not be empty');
    for (const kind of kinds) if (!MONDAY_FAULT_KINDS.includes(kind)) throw new RangeError(`unknown fault kind: ${String(kind)}`);
    this.settings = { rate: faults.rate, kinds: [...kinds], only: faults.only, slowMs: faults.slowMs ?? DEFAULT_SLOW_MS, retryAfterSeconds: faults.retryAfterSeconds ?? 1 };
  }

  decide(isMutation: boolean): { kind: MondayFaultKind; slowMs: number; retryAfterSeconds: number } | undefined {
    const roll = this.random();
    const choice = this.random();
    const s = this.settings;
    if (!s || roll >= s.rate) return undefined;
    if ((s.only === 'mutation' && !isMutation) || (s.only === 'query' && isMutation)) return undefined;
    const kind = s.kinds[Math.floor(choice * s.kinds.length)] ?? 'server_error';
    return { kind, slowMs: s.slowMs, retryAfterSeconds: s.retryAfterSeconds };
  }
}
