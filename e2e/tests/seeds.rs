//! The generated clients on the wire, against a loopback HTTP server: every request of
//! `fixtures/seeds/seeds.json` is made through the generated request builders with a
//! value built through the generated types, and the server checks method, path,
//! `Authorization`, `Content-Type` and the JSON body against the seed; the seed's
//! response comes back typed. Plus: PATCH answered with 204, a 429 with `Retry-After`,
//! an OData error body, and a key holding `'`, `/` and `?`.
//!
//! Template seeds (`"androidOnboarded": "Boolean"`, `"lastHeartbeatDateTime": "String
//! (timestamp)"`) cannot be typed: such a value does not exist in the property's type. For
//! those seeds the request is built from every field that *can* be typed (placeholder
//! strings, and enum placeholders as unknown members) and compared with the seed body
//! minus the untypeable `template_fields`; the seed's response then fails to decode, with
//! an error naming the first template field.

use std::sync::Arc;
use std::time::Duration;

use e2e::http::{Recorded, Reply, Server, empty, recording_sleeper, reply};
use serde_json::{Value, json};

const TOKEN: &str = "seed-token";

fn seeds_dir() -> std::path::PathBuf {
    e2e::repo_root().join("fixtures/seeds")
}

fn body(name: &str) -> Value {
    let text = std::fs::read_to_string(seeds_dir().join(name)).expect("seed body");
    serde_json::from_str(&text).expect("seed JSON")
}

fn seed(id: &str) -> Value {
    let index: Value =
        serde_json::from_str(&std::fs::read_to_string(seeds_dir().join("seeds.json")).unwrap())
            .unwrap();
    index
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["seed"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("seed {id} not in seeds.json"))
}

/// A server answering every request with the seed's response (status and body).
async fn seed_server(seed: &Value) -> Server {
    let status = seed["response_status"].as_u64().unwrap() as u16;
    let response = body(seed["response_body"].as_str().unwrap());
    Server::start(Arc::new(move |_, _, _| reply(status, response.clone()))).await
}

/// The seed body without its untypeable template fields (`$.a` paths at the top level).
fn typed_part(seed: &Value, mut value: Value, keep: &[&str]) -> Value {
    for f in seed["template_fields"].as_array().unwrap() {
        let name = f.as_str().unwrap().trim_start_matches("$.");
        if !keep.contains(&name) {
            value.as_object_mut().unwrap().remove(name);
        }
    }
    value
}

/// Method, path, headers and JSON body of the one recorded request.
fn assert_request(req: &Recorded, seed: &Value, prefix: &str, path: &str, expected: &Value) {
    assert_eq!(req.method, seed["method"].as_str().unwrap(), "method");
    assert_eq!(req.target, format!("{prefix}{path}"), "path");
    assert_eq!(
        req.header("Authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(req.header("Content-Type"), Some("application/json"));
    assert_eq!(&req.json(), expected, "request body");
}

fn v1(server: &Server) -> graph_v1::GraphService {
    let client = graph_v1::Client::builder(format!("{}/v1.0", server.base))
        .bearer_token(TOKEN)
        .build()
        .unwrap();
    graph_v1::GraphService::new(client)
}

fn beta(server: &Server) -> graph_beta::GraphService {
    let client = graph_beta::Client::builder(format!("{}/beta", server.base))
        .bearer_token(TOKEN)
        .build()
        .unwrap();
    graph_beta::GraphService::new(client)
}

/// The assignment list of seeds 001/003 through the v1 types: the nested `@odata.type`
/// without `#` is carried in `additional` (the assignment type is not polymorphic), the
/// target's is the derived type's own tag as the seed writes it.
fn v1_assignments() -> Vec<graph_v1::models::microsoft_graph::ComplianceManagementPartnerAssignment>
{
    use graph_v1::models::microsoft_graph::{
        AnyDeviceAndAppManagementAssignmentTarget, ComplianceManagementPartnerAssignment,
        ConfigurationManagerCollectionAssignmentTarget,
    };
    let mut target = ConfigurationManagerCollectionAssignmentTarget::default();
    target.collection_id = Some("Collection Id value".into());
    target.additional.insert(
        "@odata.type".into(),
        json!("microsoft.graph.configurationManagerCollectionAssignmentTarget"),
    );
    let mut a = ComplianceManagementPartnerAssignment::default();
    a.target = Some(
        AnyDeviceAndAppManagementAssignmentTarget::ConfigurationManagerCollectionAssignmentTarget(
            target,
        ),
    );
    a.additional.insert(
        "@odata.type".into(),
        json!("microsoft.graph.complianceManagementPartnerAssignment"),
    );
    vec![a]
}

fn check_v1_partner_response(p: &graph_v1::models::microsoft_graph::ComplianceManagementPartner) {
    use graph_v1::models::microsoft_graph::{
        AnyDeviceAndAppManagementAssignmentTarget as Target, DeviceManagementPartnerTenantState,
    };
    assert_eq!(
        p.id.as_deref(),
        Some("d6d46d0d-6d0d-d6d4-0d6d-d4d60d6dd4d6")
    );
    assert_eq!(p.display_name.as_deref(), Some("Display Name value"));
    assert_eq!(
        p.partner_state,
        Some(DeviceManagementPartnerTenantState::Unavailable)
    );
    assert_eq!(p.mac_os_onboarded, Some(true));
    assert_eq!(
        p.last_heartbeat_date_time.as_ref().map(|d| d.to_string()),
        Some("2016-12-31T23:59:37.9174975-08:00".to_string())
    );
    let a = &p.ios_enrollment_assignments.as_ref().unwrap()[0];
    // The accessors read a variant without a `match`.
    let target = a.target.as_ref().unwrap();
    assert_eq!(
        target
            .as_configuration_manager_collection_assignment_target()
            .and_then(|t| t.collection_id.as_deref()),
        Some("Collection Id value")
    );
    assert!(target.as_group_assignment_target().is_none());
    assert!(target.clone().into_group_assignment_target().is_none());
    match &a.target {
        Some(Target::ConfigurationManagerCollectionAssignmentTarget(t)) => {
            assert_eq!(t.collection_id.as_deref(), Some("Collection Id value"))
        }
        other => panic!("unexpected target {other:?}"),
    }
}

#[tokio::test]
async fn seed_000_create_compliance_management_partner_template() {
    // v1.0 URL with the beta shape (windows* properties): only graph-beta types it.
    use graph_beta::models::microsoft_graph::{
        ComplianceManagementPartnerAssignment, ComplianceManagementPartnerCreate,
        DeviceManagementPartnerTenantState,
    };
    let seed = seed("000");
    let server = seed_server(&seed).await;
    let assignment = || {
        let mut a = ComplianceManagementPartnerAssignment::default();
        a.additional.insert(
            "@odata.type".into(),
            json!("microsoft.graph.complianceManagementPartnerAssignment"),
        );
        vec![a]
    };
    // Typed: displayName ("String" is a valid string), partnerState ("String" as an
    // unknown member) and the four assignment lists. Not typeable: the Boolean and
    // timestamp placeholders.
    let mut body = ComplianceManagementPartnerCreate::default();
    body.android_enrollment_assignments = Some(assignment());
    body.display_name = Some("String".into());
    body.ios_enrollment_assignments = Some(assignment());
    body.mac_os_enrollment_assignments = Some(assignment());
    body.partner_state = Some(DeviceManagementPartnerTenantState::from("String"));
    body.windows_enrollment_assignments = Some(assignment());
    let client = graph_beta::Client::builder(format!("{}/v1.0", server.base))
        .bearer_token(TOKEN)
        .build()
        .unwrap();
    let service = graph_beta::GraphService::new(client);
    let result = service
        .device_management()
        .compliance_management_partners()
        .create(&body)
        .await;
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    let expected = typed_part(&seed, body_of(&seed, "request_body"), &["partnerState"]);
    assert_request(
        &reqs[0],
        &seed,
        "/v1.0",
        seed["path"].as_str().unwrap(),
        &expected,
    );
    // The response is the same template: "Boolean" is no Edm.Boolean.
    match result {
        Err(graph_beta::Error::Decode { status, error }) => {
            assert_eq!(status, 201);
            assert!(
                error.to_string().starts_with("at $.androidOnboarded:"),
                "{error}"
            );
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

fn body_of(seed: &Value, key: &str) -> Value {
    body(seed[key].as_str().unwrap())
}

#[tokio::test]
async fn seed_001_create_compliance_management_partner() {
    use graph_v1::models::microsoft_graph::{
        ComplianceManagementPartnerCreate, DeviceManagementPartnerTenantState,
    };
    let seed = seed("001");
    let server = seed_server(&seed).await;
    let mut body = ComplianceManagementPartnerCreate::default();
    body.last_heartbeat_date_time = Some(
        "2016-12-31T23:59:37.9174975-08:00"
            .parse::<graph_v1::runtime::edm::DateTimeOffset>()
            .unwrap(),
    );
    body.partner_state = Some(DeviceManagementPartnerTenantState::Unavailable);
    body.display_name = Some("Display Name value".into());
    body.mac_os_onboarded = Some(true);
    body.android_onboarded = Some(true);
    body.ios_onboarded = Some(true);
    body.mac_os_enrollment_assignments = Some(v1_assignments());
    body.android_enrollment_assignments = Some(v1_assignments());
    body.ios_enrollment_assignments = Some(v1_assignments());
    let created = v1(&server)
        .device_management()
        .compliance_management_partners()
        .create(&body)
        .await
        .unwrap()
        .expect("201 with the entity");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    assert_request(
        &reqs[0],
        &seed,
        "/v1.0",
        seed["path"].as_str().unwrap(),
        &body_of(&seed, "request_body"),
    );
    check_v1_partner_response(&created);
}

#[tokio::test]
async fn seed_002_create_device_management_partner() {
    use graph_beta::models::microsoft_graph::{
        DeviceManagementPartnerAppType, DeviceManagementPartnerCreate,
        DeviceManagementPartnerTenantState,
    };
    use graph_beta::runtime::edm::DateTimeOffset;
    let seed = seed("002");
    let server = seed_server(&seed).await;
    // Partial template: the two enum placeholders are sent as unknown members.
    let mut body = DeviceManagementPartnerCreate::default();
    body.last_heartbeat_date_time = Some(
        "2017-01-01T00:03:33.2924976+03:00"
            .parse::<DateTimeOffset>()
            .unwrap(),
    );
    body.partner_state = Some(DeviceManagementPartnerTenantState::from("String"));
    body.partner_app_type = Some(DeviceManagementPartnerAppType::from("String"));
    body.single_tenant_app_id = Some("Single Tenant App Id value".into());
    body.display_name = Some("Display Name value".into());
    body.is_configured = Some(true);
    body.when_partner_devices_will_be_removed_date_time = Some(
        "2017-01-01T00:03:09.2463513+03:00"
            .parse::<DateTimeOffset>()
            .unwrap(),
    );
    body.when_partner_devices_will_be_marked_as_non_compliant_date_time = Some(
        "2016-12-31T23:58:57.0898884+03:00"
            .parse::<DateTimeOffset>()
            .unwrap(),
    );
    // The page's service root is `localtest`: the client's root is whatever it is given.
    let client = graph_beta::Client::builder(format!("{}/localtest", server.base))
        .bearer_token(TOKEN)
        .build()
        .unwrap();
    let created = graph_beta::GraphService::new(client)
        .device_management()
        .device_management_partners()
        .create(&body)
        .await
        .unwrap()
        .expect("201 with the entity");
    let reqs = server.requests();
    assert_request(
        &reqs[0],
        &seed,
        "/localtest",
        seed["path"].as_str().unwrap(),
        &body_of(&seed, "request_body"),
    );
    assert_eq!(
        created.id.as_deref(),
        Some("da463021-3021-da46-2130-46da213046da")
    );
    assert_eq!(created.is_configured, Some(true));
    assert!(matches!(
        created.partner_app_type,
        Some(DeviceManagementPartnerAppType::Unknown(_))
    ));
    assert_eq!(
        created.partner_app_type.as_ref().map(|t| t.as_str()),
        Some("String")
    );
    assert_eq!(
        created
            .when_partner_devices_will_be_removed_date_time
            .map(|d| d.to_string()),
        Some("2017-01-01T00:03:09.2463513+03:00".to_string())
    );
}

#[tokio::test]
async fn seed_003_update_compliance_management_partner() {
    use graph_v1::models::microsoft_graph::{
        ComplianceManagementPartnerUpdate, DeviceManagementPartnerTenantState,
    };
    use graph_v1::runtime::Patch;
    let seed = seed("003");
    let server = seed_server(&seed).await;
    let mut body = ComplianceManagementPartnerUpdate::default();
    body.last_heartbeat_date_time = Some("2016-12-31T23:59:37.9174975-08:00".parse().unwrap());
    body.partner_state = Some(DeviceManagementPartnerTenantState::Unavailable);
    body.display_name = Patch::Set("Display Name value".into());
    body.mac_os_onboarded = Some(true);
    body.android_onboarded = Some(true);
    body.ios_onboarded = Some(true);
    body.mac_os_enrollment_assignments = Some(v1_assignments());
    body.android_enrollment_assignments = Some(v1_assignments());
    body.ios_enrollment_assignments = Some(v1_assignments());
    // The page prints the key as the placeholder `{complianceManagementPartnerId}`; sent as
    // a key, its braces are percent-encoded (a key value never changes the path).
    let updated = v1(&server)
        .device_management()
        .compliance_management_partners()
        .by_id("{complianceManagementPartnerId}")
        .update(&body)
        .await
        .unwrap()
        .expect("200 with the entity");
    let reqs = server.requests();
    assert_request(
        &reqs[0],
        &seed,
        "/v1.0",
        "/deviceManagement/complianceManagementPartners/%7BcomplianceManagementPartnerId%7D",
        &body_of(&seed, "request_body"),
    );
    check_v1_partner_response(&updated);
}

#[tokio::test]
async fn seed_004_create_managed_device_compliance_template() {
    use graph_beta::models::microsoft_management_services_api::ManagedDeviceComplianceCreate;
    let seed = seed("004");
    let server = seed_server(&seed).await;
    // Every string placeholder is a valid Edm.String; the three timestamps are not typeable.
    let mut body = ManagedDeviceComplianceCreate::default();
    body.organization_id = Some("String".into());
    body.organization_display_name = Some("String".into());
    body.managed_device_id = Some("String".into());
    body.managed_device_name = Some("String".into());
    body.compliance_status = Some("String".into());
    body.os_description = Some("String".into());
    body.os_version = Some("String".into());
    body.owner_type = Some("String".into());
    body.model = Some("String".into());
    body.manufacturer = Some("String".into());
    body.device_type = Some("String".into());
    let result = beta(&server)
        .managed_device_compliances()
        .create(&body)
        .await;
    let reqs = server.requests();
    let expected = typed_part(&seed, body_of(&seed, "request_body"), &[]);
    assert_request(
        &reqs[0],
        &seed,
        "/beta",
        seed["path"].as_str().unwrap(),
        &expected,
    );
    match result {
        Err(graph_beta::Error::Decode { status, error }) => {
            assert_eq!(status, 201);
            // The first member of the response (in document order) that does not decode.
            assert!(
                error
                    .to_string()
                    .starts_with("at $.inGracePeriodUntilDateTime: invalid Edm.DateTimeOffset"),
                "{error}"
            );
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn patch_answered_with_204_is_none() {
    use graph_v1::models::microsoft_graph::ComplianceManagementPartnerUpdate;
    let server = Server::start(Arc::new(|_, _, _| empty(204))).await;
    let mut body = ComplianceManagementPartnerUpdate::default();
    body.ios_onboarded = Some(false);
    let r = v1(&server)
        .device_management()
        .compliance_management_partners()
        .by_id("p1")
        .if_match("W/\"1\"")
        .return_minimal()
        .update(&body)
        .await
        .unwrap();
    assert_eq!(r, None);
    let req = &server.requests()[0];
    assert_eq!(req.method, "PATCH");
    assert_eq!(
        req.target,
        "/v1.0/deviceManagement/complianceManagementPartners/p1"
    );
    assert_eq!(req.header("If-Match"), Some("W/\"1\""));
    assert_eq!(req.header("Prefer"), Some("return=minimal"));
    assert_eq!(
        req.json(),
        json!({"@odata.type": "#microsoft.graph.complianceManagementPartner", "iosOnboarded": false})
    );
}

#[tokio::test]
async fn throttled_429_with_retry_after_then_success() {
    let server = Server::start(Arc::new(|i, _, _| {
        if i == 0 {
            Reply {
                status: 429,
                headers: vec![
                    ("Retry-After", "7".to_owned()),
                    ("Content-Type", "application/json".to_owned()),
                ],
                body: json!({"error": {"code": "TooManyRequests", "message": "slow down"}})
                    .to_string(),
            }
        } else {
            reply(
                200,
                json!({"id": "p1", "displayName": "A", "partnerState": "enabled"}),
            )
        }
    }))
    .await;
    let (sleeper, log) = recording_sleeper();
    let client = graph_v1::Client::builder(format!("{}/v1.0", server.base))
        .bearer_token(TOKEN)
        .sleeper(sleeper)
        .build()
        .unwrap();
    let p = graph_v1::GraphService::new(client)
        .device_management()
        .compliance_management_partners()
        .by_id("p1")
        .get()
        .await
        .unwrap();
    assert_eq!(p.display_name.as_deref(), Some("A"));
    assert_eq!(*log.lock().unwrap(), vec![Duration::from_secs(7)]);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].target, reqs[1].target);
}

#[tokio::test]
async fn odata_error_body_is_a_typed_service_error() {
    let server = Server::start(Arc::new(|_, _, _| {
        reply(
            404,
            json!({"error": {
                "code": "ResourceNotFound",
                "message": "The partner does not exist.",
                "innererror": {"request-id": "7d4b1c2e-0000-4000-8000-000000000001", "date": "2026-12-01T20:00:00"}
            }}),
        )
    }))
    .await;
    let err = v1(&server)
        .device_management()
        .device_management_partners()
        .by_id("missing")
        .terminate()
        .await
        .unwrap_err();
    let req = &server.requests()[0];
    assert_eq!(req.method, "POST");
    assert_eq!(
        req.target,
        "/v1.0/deviceManagement/deviceManagementPartners/missing/microsoft.graph.terminate"
    );
    assert_eq!(req.json(), json!({}));
    match &err {
        graph_v1::Error::Service { status, error } => {
            assert_eq!(*status, 404);
            assert_eq!(error.code, "ResourceNotFound");
            assert_eq!(error.message, "The partner does not exist.");
            let inner = error.inner_error.as_ref().expect("innererror");
            assert_eq!(
                inner.request_id.as_deref(),
                Some("7d4b1c2e-0000-4000-8000-000000000001")
            );
        }
        other => panic!("expected Error::Service, got {other:?}"),
    }
    assert_eq!(
        err.request_id(),
        Some("7d4b1c2e-0000-4000-8000-000000000001")
    );
}

#[tokio::test]
async fn key_with_quote_slash_and_question_mark_stays_one_segment() {
    let server = Server::start(Arc::new(|_, _, _| reply(200, json!({"id": "x"})))).await;
    let key = "it's a/b?c=1#f";
    // Graph: key as a path segment, raw value percent-encoded.
    v1(&server)
        .device_management()
        .device_management_partners()
        .by_id(key)
        .get()
        .await
        .unwrap();
    // CAP crate: key in parentheses, `'` doubled.
    let client = cap_partners::Client::builder(format!("{}/odata/v4/partners", server.base))
        .bearer_token(TOKEN)
        .build()
        .unwrap();
    cap_partners::EntityContainer::new(client)
        .device_management_partners()
        .by_id(key)
        .get()
        .await
        .unwrap();
    let reqs = server.requests();
    assert_eq!(
        reqs[0].target,
        "/v1.0/deviceManagement/deviceManagementPartners/it%27s%20a%2Fb%3Fc%3D1%23f"
    );
    assert_eq!(
        reqs[1].target,
        "/odata/v4/partners/deviceManagementPartners('it''s%20a%2Fb%3Fc%3D1%23f')"
    );
}
