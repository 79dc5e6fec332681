import { createRequire } from 'node:module'
import type ExcelJSModule from 'exceljs'
import type * as EchartsModule from 'echarts'

// exceljs and ECharts take seconds to load and are needed only when a workbook or a chart is made: loaded on
// first use, so the app (and every test file that builds it) starts without them.
const require = createRequire(import.meta.url)
let excel: typeof ExcelJSModule | undefined
let charts: typeof EchartsModule | undefined

export const exceljs = (): typeof ExcelJSModule => (excel ??= require('exceljs') as typeof ExcelJSModule)
export const echarts = (): typeof EchartsModule => (charts ??= require('echarts') as typeof EchartsModule)
