// Data model shaped like Microsoft Graph's Intune partner resources
// (complianceManagementPartner, deviceManagementPartner).
namespace graph;

using { managed } from '@sap/cds/common';

// @assert.range: CAP rejects values outside the enum with 400.
@assert.range
type deviceManagementPartnerTenantState : String(20) enum {
  unknown; unavailable; enabled; terminated; rejected; unresponsive;
}

@assert.range
type deviceManagementPartnerAppType : String(20) enum {
  unknown; singleTenantApp; multiTenantApp;
}

// Simplified stand-in for graph.deviceAndAppManagementAssignmentTarget.
type deviceAndAppManagementAssignmentTarget {
  groupId      : String(100);
  collectionId : String(100);
}

type complianceManagementPartnerAssignment {
  target : deviceAndAppManagementAssignmentTarget;
}

// Empty at start: tests create their own rows. UUID key (Edm.Guid), generated
// by CAP on create when the client omits it.
entity complianceManagementPartners : managed {
  key id                        : UUID;
      displayName               : String(200);
      androidOnboarded          : Boolean default false;
      iosOnboarded              : Boolean default false;
      macOsOnboarded            : Boolean default false;
      lastHeartbeatDateTime     : Timestamp;
      partnerState              : deviceManagementPartnerTenantState default 'unknown';
      androidEnrollmentAssignments : many complianceManagementPartnerAssignment;
      iosEnrollmentAssignments     : many complianceManagementPartnerAssignment;
      macOsEnrollmentAssignments   : many complianceManagementPartnerAssignment;
}

// Seeded with two rows (db/data/graph-deviceManagementPartners.csv).
// String key (Edm.String) like Graph; the service fills in a UUID string when
// the client omits it.
entity deviceManagementPartners : managed {
  key id                        : String(36);
      displayName               : String(200);
      isConfigured              : Boolean default false;
      lastHeartbeatDateTime     : Timestamp;
      partnerAppType            : deviceManagementPartnerAppType default 'unknown';
      partnerState              : deviceManagementPartnerTenantState default 'unknown';
      singleTenantAppId         : String(100);
      whenPartnerDevicesWillBeMarkedAsNonCompliantDateTime : Timestamp;
      whenPartnerDevicesWillBeRemovedDateTime              : Timestamp;
      // Navigation for $expand (unmanaged: no column of its own).
      platformCounts : Association to many partnerPlatformCounts on platformCounts.partnerId = id;
}

// Extra key shapes for the client: an Int32 key and a compound key.
// Seeded (db/data/*.csv); no ETag, no paging limit.
entity partnerRegions {
  key code        : Integer;
      name        : String(100);
      partnerCount : Integer;
      // A media element (Edm.Stream with Core.MediaType): PUT/GET …/partnerRegions(1)/logo.
      logo        : LargeBinary @Core.MediaType: 'image/png';
}

entity partnerPlatformCounts {
  key partnerId     : String(36);
  key platform      : String(20);
      enrolledCount : Integer;
      partner       : Association to one deviceManagementPartners on partner.id = partnerId;
}
