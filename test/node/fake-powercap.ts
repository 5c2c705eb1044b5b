import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One zone of a fake powercap tree. */
export interface FakeZone {
  readonly id: string;
  readonly name: string;
  readonly energyUj?: number;
  readonly maxUj?: number;
}

/**
 * A powercap tree in a temporary folder, laid out as Linux does: one folder per zone (subzones too)
 * directly under the root, each with `name`, `energy_uj` and `max_energy_range_uj`.
 */
export class FakePowercap {
  readonly root: string;

  constructor(zones: readonly FakeZone[]) {
    this.root = join(mkdtempSync(join(tmpdir(), 'greenslo-powercap-')), 'powercap');
    mkdirSync(this.root);
    for (const zone of zones) {
      mkdirSync(join(this.root, zone.id));
      writeFileSync(join(this.root, zone.id, 'name'), `${zone.name}\n`);
      writeFileSync(
        join(this.root, zone.id, 'max_energy_range_uj'),
        `${zone.maxUj ?? 262_143_328_850}\n`,
      );
      this.set(zone.id, zone.energyUj ?? 0);
    }
  }

  /** Sets a zone's counter, in microjoules. */
  set(id: string, energyUj: number): void {
    writeFileSync(join(this.root, id, 'energy_uj'), `${energyUj}\n`);
  }

  /** Removes one of a zone's files. */
  remove(id: string, file: string): void {
    unlinkSync(join(this.root, id, file));
  }

  /** Deletes the whole temporary folder. */
  dispose(): void {
    rmSync(join(this.root, '..'), { recursive: true, force: true });
  }
}
