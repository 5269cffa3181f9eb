import { unitId, type IndexStore, type UnitKey, type UnitStatus } from '../store/IndexStore.ts';

/** A unit's last status: a point read where the store offers one, else found in the full list. */
export async function unitStatusOf(unit: UnitKey, store: IndexStore): Promise<UnitStatus | undefined> {
  if (store.readUnitStatus !== undefined) return store.readUnitStatus(unit);
  const id = unitId(unit);
  return (await store.listUnitStatus()).find((s) => s.unit === id);
}
