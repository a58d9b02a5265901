#!/usr/bin/env node
// OData v4 test server (SAP CAP, in-memory SQLite) for the client e2e tests.
//
//   PORT=0 node e2e/cap/server.js
//
// Binds to 127.0.0.1 only. PORT (default 4004; 0 = any free port).
// When ready, prints exactly one line on stdout:
//   listening on http://127.0.0.1:<port>
// All CAP logging goes to stderr. Stops on SIGTERM / SIGINT.
'use strict'

// Keep stdout for the single "listening on" line: send console output to stderr.
for (const m of ['log', 'info', 'debug', 'warn', 'trace']) {
  console[m] = (...args) => console.error(...args)
}

// CAP resolves its project (package.json "cds" config, db/, srv/) from cwd.
process.chdir(__dirname)

const http = require('http')
const cds = require('@sap/cds')
const express = require('express')

const HOST = '127.0.0.1'
const port = process.env.PORT !== undefined && process.env.PORT !== '' ? Number(process.env.PORT) : 4004

async function main() {
  const app = express()
  let server
  // cds.server() ends with app.listen(port) on every interface; bind loopback only.
  app.listen = (p) => {
    server = http.createServer(app)
    server.listen(p, HOST)
    return server
  }
  await cds.server({ app, port, in_memory: true, service: 'all', from: '*' })

  await new Promise((resolve, reject) => {
    if (server.listening) return resolve()
    server.once('listening', resolve)
    server.once('error', reject)
  })
  const url = `http://${HOST}:${server.address().port}`
  cds.server.url = url
  cds.emit('listening', { server, url })
  process.stdout.write(`listening on ${url}\n`)

  let stopping = false
  const stop = (sig) => {
    if (stopping) return
    stopping = true
    console.error(`received ${sig}, shutting down`)
    server.close(() => process.exit(0))
    if (server.closeAllConnections) server.closeAllConnections()
    setTimeout(() => process.exit(0), 2000).unref()
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
