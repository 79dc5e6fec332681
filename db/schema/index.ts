export * from './directory.js'
export * from './hazards.js'
