const cds = require('@sap/cds')

module.exports = class PartnersService extends cds.ApplicationService {
  init() {
    const { complianceManagementPartners, deviceManagementPartners } = this.entities

    // Graph-style server-assigned string ids.
    this.before('CREATE', deviceManagementPartners, (req) => {
      if (req.data.id == null || req.data.id === '') req.data.id = cds.utils.uuid()
    })

    // A client-supplied key that already exists: 409 instead of SQLite's 500.
    this.before('CREATE', [complianceManagementPartners, deviceManagementPartners], async (req) => {
      const id = req.data.id
      if (id == null || id === '') return
      const found = await SELECT.one.from(req.target, ['id']).where({ id })
      if (found) req.reject(409, `Entity with id '${id}' already exists`)
    })

    this.on('terminate', deviceManagementPartners, async (req) => {
      const n = await UPDATE(req.subject).with({ partnerState: 'terminated' })
      if (!n) return req.reject(404, `deviceManagementPartner not found`)
      // no return value -> 204 No Content
    })

    return super.init()
  }
}
