import type { Checklist } from './types.js'
import { gas } from './gas.js'
import { refinedOil } from './refined-oil.js'
import { scrapVehicle } from './scrap-vehicle.js'
import { mall } from './mall.js'
import { exhibition } from './exhibition.js'
import { specialEquipment } from './special-equipment.js'
import { building } from './building.js'
import { electrical } from './electrical.js'

export type { Checklist, ChecklistItem } from './types.js'

/** Self-check checklists (自查清单), written from the action plan and common practice. */
export const checklists: Checklist[] = [gas, refinedOil, scrapVehicle, mall, exhibition, specialEquipment, building, electrical]

/** The checklist a word names ('燃气', '加油站' …), or null. */
export function checklistByWord(word: string): Checklist | null {
  const w = word.trim()
  return checklists.find((c) => c.key === w || c.words.includes(w)) ?? null
}

/** The checklist that fits an industry when none is named. */
export function checklistForIndustry(industry: string): Checklist | null {
  return checklists.find((c) => (c.industries as string[]).includes(industry)) ?? null
}
