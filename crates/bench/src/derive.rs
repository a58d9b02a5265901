//! The baseline: the models a Rust programmer writes by hand (or typify emits) for the
//! same Graph types, with serde derives.
//!
//! The same fields as the generated `User` (all 91 of `generated/graph-users`'s
//! `models/microsoft_graph/user.rs`, navigation properties included) and its complex
//! types; `rename_all = "camelCase"` gives the wire names; every field an `Option`, left
//! out when `None` (`default, skip_serializing_if`, as typify emits); `#[serde(flatten)]`
//! `additional` map for members the struct does not declare (`@odata.etag`, directory
//! extensions).
//!
//! Type choices, the usual crates: `Edm.DateTimeOffset` → `chrono::DateTime<FixedOffset>`,
//! `Edm.TimeOfDay` → `chrono::NaiveTime`, `Edm.Guid` → `uuid::Uuid`, enum types → Rust
//! enums with `rename_all = "camelCase"` and an `#[serde(other)] Unknown` for members newer
//! than the code (read only: it writes back as `"unknown"`). A polymorphic slot is its base
//! type's struct (`timeZone`: `TimeZoneBase`; `serviceProvisioningErrors`: one struct with
//! the members of the abstract base and its only subtype), a subtype's extra members
//! landing in `additional`: no `@odata.type` dispatch, as typically hand-written.
// The field documentation is the generated crate's (same names, same wire names).
#![allow(missing_docs)]

use chrono::{DateTime, FixedOffset, NaiveTime};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

/// A collection page: `{"@odata.nextLink": …, "value": [ … ]}`; other members
/// (`@odata.context`) are ignored.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct UsersPage {
    pub value: Vec<User>,
    #[serde(
        rename = "@odata.nextLink",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub next_link: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_date_time: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about_me: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_group: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_licenses: Option<Vec<AssignedLicense>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_plans: Option<Vec<AssignedPlan>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_info: Option<AuthorizationInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthday: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_phones: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_provided_for_minor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_date_time: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_security_attributes: Option<CustomSecurityAttributeValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_enrollment_limit: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee_hire_date: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee_leave_date_time: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee_org_data: Option<EmployeeOrgData>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_user_state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_user_state_change_date_time: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fax_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hire_date: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identities: Option<Vec<ObjectIdentity>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_parent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub im_addresses: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interests: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_management_restricted: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_resource_account: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_password_change_date_time: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_age_group_classification: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_assignment_states: Option<Vec<LicenseAssignmentState>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mailbox_settings: Option<MailboxSettings>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail_nickname: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile_phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub my_site: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office_location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_premises_distinguished_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_premises_domain_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_premises_extension_attributes: Option<OnPremisesExtensionAttributes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_premises_immutable_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_premises_last_sync_date_time: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_premises_provisioning_errors: Option<Vec<OnPremisesProvisioningError>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_premises_sam_account_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_premises_security_identifier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_premises_sync_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_premises_user_principal_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_mails: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_policies: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_profile: Option<PasswordProfile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub past_projects: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_data_location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub print: Option<UserPrint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioned_plans: Option<Vec<ProvisionedPlan>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy_addresses: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsibilities: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schools: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_identifier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_provisioning_errors: Option<Vec<ServiceProvisioningError>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_in_address_list: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_in_activity: Option<SignInActivity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_in_sessions_valid_from_date_time: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skills: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surname: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_principal_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_objects: Option<Vec<DirectoryObject>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direct_reports: Option<Vec<DirectoryObject>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager: Option<DirectoryObject>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_of: Option<Vec<DirectoryObject>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owned_devices: Option<Vec<DirectoryObject>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owned_objects: Option<Vec<DirectoryObject>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered_devices: Option<Vec<DirectoryObject>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sponsor_of: Option<Vec<DirectoryObject>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sponsors: Option<Vec<DirectoryObject>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transitive_member_of: Option<Vec<DirectoryObject>>,
    #[serde(flatten)]
    pub additional: Map<String, Value>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AssignedLicense {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled_plans: Option<Vec<Uuid>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku_id: Option<Uuid>,
    #[serde(flatten)]
    pub additional: Map<String, Value>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AssignedPlan {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_date_time: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capability_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_plan_id: Option<Uuid>,
    #[serde(flatten)]
    pub additional: Map<String, Value>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizationInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_user_ids: Option<Vec<String>>,
    #[serde(flatten)]
    pub additional: Map<String, Value>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AutomaticRepliesSetting {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_audience: Option<ExternalAudienceScope>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_reply_message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal_reply_message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled_end_date_time: Option<DateTimeTimeZone>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled_start_date_time: Option<DateTimeTimeZone>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<AutomaticRepliesStatus>,
    #[serde(flatten)]
    pub additional: Map<String, Value>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomSecurityAttributeValue {
    #[serde(flatten)]
    pub additional: Map<String, Value>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DateTimeTimeZone {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    #[serde(flatten)]
    pub additional: Map<String, Value>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryObject {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_date_time: Option<DateTime<FixedOffset>>,
    #[serde(flatten)]
    pub additional: Map<String, Value>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EmployeeOrgData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_center: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub division: Option<String>,
    #[serde(flatten)]
    pub additional: Map<String, Value>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LicenseAssignmentState {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_by_group: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled_plans: Option<Vec<Uuid>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated_date_time: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(flatten)]
    pub additional: Map<String, Value>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LocaleInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    #[serde(flatten)]
    pub additional: Map<String, Value>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MailboxSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive_folder: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automatic_replies_setting: Option<AutomaticRepliesSetting>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_format: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delegate_meeting_message_delivery_options: Option<DelegateMeetingMessageDeliveryOptions>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<LocaleInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_format: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_purpose: Option<UserPurpose>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_hours: Option<WorkingHours>,
    #[serde(flatten)]
    pub additional: Map<String, Value>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectIdentity {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer_assigned_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_in_type: Option<String>,
    #[serde(flatten)]
    pub additional: Map<String, Value>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OnPremisesExtensionAttributes {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attribute1: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attribute10: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attribute11: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attribute12: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attribute13: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attribute14: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attribute15: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attribute2: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attribute3: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attribute4: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attribute5: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attribute6: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attribute7: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attribute8: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attribute9: Option<String>,
    #[serde(flatten)]
    pub additional: Map<String, Value>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OnPremisesProvisioningError {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurred_date_time: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub property_causing_error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(flatten)]
    pub additional: Map<String, Value>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordProfile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force_change_password_next_sign_in: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force_change_password_next_sign_in_with_mfa: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(flatten)]
    pub additional: Map<String, Value>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProvisionedPlan {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capability_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(flatten)]
    pub additional: Map<String, Value>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInActivity {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_non_interactive_sign_in_date_time: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_non_interactive_sign_in_request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_sign_in_date_time: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_sign_in_request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_successful_sign_in_date_time: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_successful_sign_in_request_id: Option<String>,
    #[serde(flatten)]
    pub additional: Map<String, Value>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TimeZoneBase {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(flatten)]
    pub additional: Map<String, Value>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserPrint {
    #[serde(flatten)]
    pub additional: Map<String, Value>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkingHours {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_of_week: Option<Vec<DayOfWeek>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<NaiveTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<NaiveTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<TimeZoneBase>,
    #[serde(flatten)]
    pub additional: Map<String, Value>,
}
/// `microsoft.graph.serviceProvisioningError` (abstract) and its subtype
/// `serviceProvisioningXmlError`'s `errorDetail`, in one struct.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceProvisioningError {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_date_time: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_resolved: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_instance: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_detail: Option<String>,
    #[serde(flatten)]
    pub additional: Map<String, Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum AutomaticRepliesStatus {
    Disabled,
    AlwaysEnabled,
    Scheduled,
    #[serde(other)]
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum DayOfWeek {
    Sunday,
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    #[serde(other)]
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum DelegateMeetingMessageDeliveryOptions {
    SendToDelegateAndInformationToPrincipal,
    SendToDelegateAndPrincipal,
    SendToDelegateOnly,
    #[serde(other)]
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ExternalAudienceScope {
    None,
    ContactsOnly,
    All,
    #[serde(other)]
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum UserPurpose {
    User,
    Linked,
    Shared,
    Room,
    Equipment,
    Others,
    UnknownFutureValue,
    #[serde(other)]
    Unknown,
}
