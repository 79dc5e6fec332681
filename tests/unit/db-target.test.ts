import { describe, it, expect } from 'vitest'
import { postgresTarget } from '../../db/client.js'

describe('DATABASE_URL to postgres.js options', () => {
  it('when the URL names a host, then it is used as it is', () => {
    expect(postgresTarget('postgres://u@db.example:5432/app')).toEqual({ url: 'postgres://u@db.example:5432/app' })
  })

  it('when the URL asks for a Unix socket with ?host=/path, then the socket directory becomes the host and other parameters stay', () => {
    expect(postgresTarget('postgres://u@localhost/app?host=/var/run/postgresql')).toEqual({ url: 'postgres://u@localhost/app', host: '/var/run/postgresql' })
    expect(postgresTarget('postgres://u@localhost/app?host=%2Ftmp&sslmode=disable')).toEqual({ url: 'postgres://u@localhost/app?sslmode=disable', host: '/tmp' })
    expect(postgresTarget('postgres://u@localhost/app?sslmode=disable&host=/tmp')).toEqual({ url: 'postgres://u@localhost/app?sslmode=disable', host: '/tmp' })
  })
})
