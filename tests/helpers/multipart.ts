/** A multipart body with one file field `file`, and its headers (plus the caller's, e.g. an admin token). */
export function fileUpload(name: string, bytes: Buffer, headers: Record<string, string> = {}) {
  const boundary = '----test' + Math.random().toString(16).slice(2)
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${encodeURIComponent(name)}"\r\nContent-Type: application/octet-stream\r\n\r\n`)
  return { payload: Buffer.concat([head, bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]), headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` } }
}
