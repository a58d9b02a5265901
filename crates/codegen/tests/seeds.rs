//! Round trips of the seed bodies (`fixtures/seeds/`) through the generated crates.
//!
//! - real-valued bodies decode and encode back to equal JSON;
//! - template bodies (`"androidOnboarded": "Boolean"`) fail with an error naming the path;
//! - template enum values (`"partnerState": "String"`) are kept as unknown members.

use std::path::PathBuf;

use serde_json::Value;

fn seeds_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/seeds")
}

fn body(name: &str) -> Value {
    let text = std::fs::read_to_string(seeds_dir().join(name)).expect("seed body");
    serde_json::from_str(&text).expect("seed JSON")
}

/// Decodes `value` as `entity` with the crate generated from `schema`, and encodes it back.
fn round_trip(schema: &str, entity: &str, value: &Value) -> Result<Value, String> {
    macro_rules! via {
        ($t:ty, $rt:path) => {{
            use $rt as rt;
            let v: $t = rt::FromJson::from_json(value.clone(), &rt::Path::ROOT)
                .map_err(|e| e.to_string())?;
            Ok(rt::ToJson::to_json(&v))
        }};
    }
    match (schema, entity) {
        ("schemas/graph-v1.0.xml", "microsoft.graph.complianceManagementPartner") => {
            via!(
                graph_v1::models::microsoft_graph::ComplianceManagementPartner,
                graph_v1::runtime::json
            )
        }
        ("schemas/graph-v1.0.xml", "microsoft.graph.deviceManagementPartner") => {
            via!(
                graph_v1::models::microsoft_graph::DeviceManagementPartner,
                graph_v1::runtime::json
            )
        }
        ("schemas/graph-beta-intune.xml", "microsoft.graph.complianceManagementPartner") => {
            via!(
                graph_beta::models::microsoft_graph::ComplianceManagementPartner,
                graph_beta::runtime::json
            )
        }
        ("schemas/graph-beta-intune.xml", "microsoft.graph.deviceManagementPartner") => {
            via!(
                graph_beta::models::microsoft_graph::DeviceManagementPartner,
                graph_beta::runtime::json
            )
        }
        (
            "schemas/graph-beta-intune.xml",
            "microsoft.management.services.api.managedDeviceCompliance",
        ) => via!(
            graph_beta::models::microsoft_management_services_api::ManagedDeviceCompliance,
            graph_beta::runtime::json
        ),
        other => panic!("no generated type for {other:?}"),
    }
}

#[test]
fn every_seed_body_round_trips_or_fails_at_a_template_field() {
    let index: Value =
        serde_json::from_str(&std::fs::read_to_string(seeds_dir().join("seeds.json")).unwrap())
            .unwrap();
    let mut checked = 0;
    for seed in index.as_array().unwrap() {
        let entity = seed["entity_type"].as_str().unwrap();
        let kind = seed["template_kind"].as_str().unwrap();
        let fields: Vec<String> = seed["template_fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap().to_string())
            .collect();
        for schema in seed["schemas"].as_array().unwrap() {
            let schema = schema.as_str().unwrap();
            for key in ["request_body", "response_body"] {
                let Some(file) = seed[key].as_str() else {
                    continue;
                };
                let json = body(file);
                let result = round_trip(schema, entity, &json);
                let label = format!("seed {} {key} via {schema}", seed["seed"]);
                if kind == "full" {
                    let err = result.expect_err(&label);
                    assert!(
                        fields.iter().any(|f| err.starts_with(&format!("at {f}:"))),
                        "{label}: error {err:?} names none of {fields:?}"
                    );
                } else {
                    let back = result.unwrap_or_else(|e| panic!("{label}: {e}"));
                    assert_eq!(back, json, "{label}: not equal after the round trip");
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 14, "only {checked} bodies checked");
}

#[test]
fn template_enum_values_are_kept_as_unknown_members() {
    use graph_v1::models::microsoft_graph::{
        DeviceManagementPartner, DeviceManagementPartnerAppType, DeviceManagementPartnerTenantState,
    };
    let v: DeviceManagementPartner =
        graph_v1::runtime::json::from_str(&body("002-request.json").to_string()).unwrap();
    assert!(matches!(
        v.partner_state,
        Some(DeviceManagementPartnerTenantState::Unknown(_))
    ));
    assert!(matches!(
        v.partner_app_type,
        Some(DeviceManagementPartnerAppType::Unknown(_))
    ));
    assert_eq!(v.partner_state.as_ref().map(|s| s.as_str()), Some("String"));
    assert_eq!(
        v.partner_app_type.as_ref().map(|s| s.as_str()),
        Some("String")
    );
}

#[test]
fn template_body_error_names_the_field_path() {
    use graph_beta::models::microsoft_graph::ComplianceManagementPartner;
    let err = graph_beta::runtime::json::from_str::<ComplianceManagementPartner>(
        &body("000-request.json").to_string(),
    )
    .unwrap_err();
    assert!(
        err.to_string().starts_with("at $.androidOnboarded:"),
        "{err}"
    );
}

#[test]
fn polymorphic_targets_decode_by_odata_type() {
    use graph_v1::models::microsoft_graph::{
        AnyDeviceAndAppManagementAssignmentTarget as Target, ComplianceManagementPartner,
    };
    let v: ComplianceManagementPartner =
        graph_v1::runtime::json::from_str(&body("001-response.json").to_string()).unwrap();
    let assignments = v.mac_os_enrollment_assignments.as_ref().unwrap();
    match &assignments[0].target {
        Some(Target::ConfigurationManagerCollectionAssignmentTarget(t)) => {
            assert_eq!(t.collection_id.as_deref(), Some("Collection Id value"))
        }
        other => panic!("expected a configurationManagerCollectionAssignmentTarget, got {other:?}"),
    }
    assert_eq!(
        v.id.as_deref(),
        Some("d6d46d0d-6d0d-d6d4-0d6d-d4d60d6dd4d6")
    );
    assert_eq!(v.mac_os_onboarded, Some(true));
    assert_eq!(
        v.last_heartbeat_date_time
            .as_ref()
            .map(|d| d.to_string())
            .as_deref(),
        Some("2016-12-31T23:59:37.9174975-08:00")
    );
}
