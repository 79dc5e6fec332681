export * from './directory.js'
export * from './hazards.js'
export * from './audit.js'
export * from './stats.js'
