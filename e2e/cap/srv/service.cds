using { graph } from '../db/schema';

// Served at /odata/v4/partners
service PartnersService @(path: '/odata/v4/partners') {

  // Server-driven paging: at most 2 rows per page, @odata.nextLink for the rest.
  @cds.query.limit: { default: 2, max: 2 }
  entity complianceManagementPartners as projection on graph.complianceManagementPartners;

  entity deviceManagementPartners as projection on graph.deviceManagementPartners actions {
    // Sets partnerState to 'terminated'; returns nothing (204).
    action terminate();
  };

  entity partnerRegions as projection on graph.partnerRegions;
  entity partnerPlatformCounts as projection on graph.partnerPlatformCounts;
}

// Optimistic concurrency: ETag from the managed modifiedAt field, on
// complianceManagementPartners only. CAP then answers 428 to PATCH/PUT/DELETE
// (and to bound actions) without If-Match. deviceManagementPartners has no
// ETag, so its PATCH/DELETE and the terminate action need no If-Match.
annotate PartnersService.complianceManagementPartners with {
  modifiedAt @odata.etag;
};
