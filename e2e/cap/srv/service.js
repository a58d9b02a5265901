const cds = require('@sap/cds')

module.exports = class PartnersService extends cds.ApplicationService {
  init() {
    const { deviceManagementPartners } = this.entities

    // Graph-style server-assigned string ids.
    this.before('CREATE', deviceManagementPartners, (req) => {
      if (req.data.id == null || req.data.id === '') req.data.id = cds.utils.uuid()
    })

    this.on('terminate', deviceManagementPartners, async (req) => {
      const n = await UPDATE(req.subject).with({ partnerState: 'terminated' })
      if (!n) return req.reject(404, `deviceManagementPartner not found`)
      // no return value -> 204 No Content
    })

    return super.init()
  }
}
