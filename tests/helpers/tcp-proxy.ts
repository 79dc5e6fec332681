import net from 'node:net'

export interface TcpProxy {
  /** the loopback port the proxy listens on */
  readonly port: number
  /** whether connections pass */
  readonly up: boolean
  /** connections passed through since start */
  readonly accepted: number
  /** connections refused while cut */
  readonly refused: number
  /** open client connections now */
  readonly open: number
  /** destroys every open connection and refuses (resets) new ones until restore() */
  cut(): void
  /** lets new connections through again */
  restore(): void
  close(): Promise<void>
}

/**
 * A loopback TCP proxy in front of a server (PostgreSQL), which a test can cut like a network outage:
 * open connections break, new ones are reset at once, and nothing else about the server changes.
 */
export async function startTcpProxy(target: { host: string; port: number }, listenPort = 0): Promise<TcpProxy> {
  let up = true
  let accepted = 0
  let refused = 0
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>()

  const drop = (s: net.Socket) => {
    // an RST, as when the network or the server goes away; fall back to a plain destroy
    if (typeof s.resetAndDestroy === 'function' && !s.destroyed && s.readyState !== 'opening') s.resetAndDestroy()
    else s.destroy()
  }

  const server = net.createServer((client) => {
    client.on('error', () => {})
    if (!up) {
      refused++
      drop(client)
      return
    }
    accepted++
    const upstream = net.connect({ host: target.host, port: target.port })
    upstream.on('error', () => {})
    const pair = { client, upstream }
    pairs.add(pair)
    const end = () => {
      pairs.delete(pair)
      client.destroy()
      upstream.destroy()
    }
    client.on('close', end)
    upstream.on('close', end)
    client.pipe(upstream)
    upstream.pipe(client)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(listenPort, '127.0.0.1', () => resolve())
  })
  const port = (server.address() as net.AddressInfo).port

  return {
    port,
    get up() {
      return up
    },
    get accepted() {
      return accepted
    },
    get refused() {
      return refused
    },
    get open() {
      return pairs.size
    },
    cut() {
      up = false
      for (const { client, upstream } of [...pairs]) {
        drop(client)
        drop(upstream)
      }
      pairs.clear()
    },
    restore() {
      up = true
    },
    async close() {
      up = false
      for (const { client, upstream } of [...pairs]) {
        client.destroy()
        upstream.destroy()
      }
      pairs.clear()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
