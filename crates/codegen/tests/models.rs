//! Behaviour of the generated model types (through the committed graph-v1 crate).

use graph_v1::models::Entity;
use graph_v1::models::microsoft_graph::{
    AnyDeviceAndAppManagementAssignmentTarget as Target, ComplianceManagementPartner,
    ComplianceManagementPartnerAssignment, ComplianceManagementPartnerCreate,
    ComplianceManagementPartnerUpdate, DeviceManagementPartnerTenantState,
    ExclusionGroupAssignmentTarget, GroupAssignmentTarget,
};
use graph_v1::runtime::json::{FromJson, Path, ToJson, from_str};
use graph_v1::runtime::patch::Patch;
use serde_json::json;

fn decode<T: FromJson>(v: serde_json::Value) -> T {
    T::from_json(v, &Path::ROOT).unwrap()
}

#[test]
fn omitted_and_null_properties_read_as_none() {
    // `androidOnboarded` is Nullable="false", yet absent under $select: it must still decode.
    let v: ComplianceManagementPartner = decode(json!({"id": "x", "displayName": null}));
    assert_eq!(v.id.as_deref(), Some("x"));
    assert_eq!(v.display_name, None);
    assert_eq!(v.android_onboarded, None);
    assert_eq!(v.key(), Some("x".to_string()));
    assert_eq!(
        ComplianceManagementPartner::TYPE_NAME,
        "microsoft.graph.complianceManagementPartner"
    );
}

#[test]
fn undeclared_members_and_annotations_are_kept() {
    let input = json!({
        "@odata.etag": "W/\"1\"",
        "id": "x",
        "displayName@odata.type": "#String",
        "displayName": "n",
        "brandNewProperty": {"a": [1, 2]}
    });
    let v: ComplianceManagementPartner = decode(input.clone());
    assert_eq!(v.additional.get("@odata.etag"), Some(&json!("W/\"1\"")));
    assert_eq!(v.additional.len(), 3);
    assert_eq!(v.to_json(), input);
}

#[test]
fn polymorphic_values_accept_every_type_name_form() {
    for ty in [
        "#microsoft.graph.groupAssignmentTarget",
        "microsoft.graph.groupAssignmentTarget",
        "#graph.groupAssignmentTarget",
        "graph.groupAssignmentTarget",
    ] {
        let t: Target = decode(json!({"@odata.type": ty, "groupId": "g"}));
        match t {
            Target::GroupAssignmentTarget(g) => assert_eq!(g.group_id.as_deref(), Some("g")),
            other => panic!("{ty}: {other:?}"),
        }
    }
    // Two levels deep: exclusionGroupAssignmentTarget : groupAssignmentTarget.
    let t: Target = decode(
        json!({"@odata.type": "#microsoft.graph.exclusionGroupAssignmentTarget", "groupId": "g"}),
    );
    assert!(
        matches!(t, Target::ExclusionGroupAssignmentTarget(_)),
        "{t:?}"
    );
    assert_eq!(
        t.type_name(),
        Some("microsoft.graph.exclusionGroupAssignmentTarget")
    );
}

#[test]
fn unknown_subtypes_and_untyped_values_are_kept_whole() {
    let raw = json!({"@odata.type": "#microsoft.graph.brandNewAssignmentTarget", "x": 1});
    let t: Target = decode(raw.clone());
    assert_eq!(t, Target::Unknown(raw.clone()));
    assert_eq!(
        t.type_name(),
        Some("microsoft.graph.brandNewAssignmentTarget")
    );
    assert_eq!(t.to_json(), raw);
    // The abstract base without @odata.type (the "empty base class" case): kept, not lost.
    let bare: Target = decode(json!({}));
    assert_eq!(bare, Target::Unknown(json!({})));
    // Not an object: an error with the path.
    let err = Target::from_json(json!(3), &Path::ROOT).unwrap_err();
    assert!(err.to_string().starts_with("at $:"), "{err}");
}

#[test]
fn odata_type_is_written_for_subtypes_in_base_typed_slots() {
    let mut group = ExclusionGroupAssignmentTarget::default();
    group.group_id = Some("g".into());
    let mut a = ComplianceManagementPartnerAssignment::default();
    a.target = Some(Target::ExclusionGroupAssignmentTarget(group));
    assert_eq!(
        a.to_json(),
        json!({"target": {"@odata.type": "#microsoft.graph.exclusionGroupAssignmentTarget", "groupId": "g"}})
    );
    // A value read with its own @odata.type form keeps it.
    let read: ComplianceManagementPartnerAssignment =
        decode(json!({"target": {"@odata.type": "graph.groupAssignmentTarget", "groupId": "g"}}));
    assert_eq!(
        read.to_json(),
        json!({"target": {"@odata.type": "graph.groupAssignmentTarget", "groupId": "g"}})
    );
    // The struct alone (not in a base-typed slot) writes no @odata.type.
    let mut g = GroupAssignmentTarget::default();
    g.group_id = Some("g".into());
    assert_eq!(g.to_json(), json!({"groupId": "g"}));
}

#[test]
fn enums_are_open_and_round_trip() {
    let s: DeviceManagementPartnerTenantState = decode(json!("unresponsive"));
    assert_eq!(s, DeviceManagementPartnerTenantState::Unresponsive);
    // The CSDL member `unknown` is `UnknownValue`; `Unknown(..)` keeps what the crate does not know.
    assert_eq!(
        DeviceManagementPartnerTenantState::from("unknown"),
        DeviceManagementPartnerTenantState::UnknownValue
    );
    let new: DeviceManagementPartnerTenantState = decode(json!("quantumEntangled"));
    assert!(matches!(
        new,
        DeviceManagementPartnerTenantState::Unknown(_)
    ));
    assert_eq!(new.as_str(), "quantumEntangled");
    assert_eq!(
        new,
        DeviceManagementPartnerTenantState::from("quantumEntangled")
    );
    assert_ne!(
        new,
        DeviceManagementPartnerTenantState::from("quantumentangled")
    );
    assert_eq!(new.to_json(), json!("quantumEntangled"));
    assert_eq!(new.to_string(), "quantumEntangled");
    // serde goes through the same wire form, unknown member included.
    let text = serde_json::to_string(&new).unwrap();
    assert_eq!(text, "\"quantumEntangled\"");
    let back: DeviceManagementPartnerTenantState = serde_json::from_str(&text).unwrap();
    assert_eq!(back, new);
    // In a flags set and as a property, read → write gives the same string.
    let flags: graph_v1::runtime::enums::Flags<DeviceManagementPartnerTenantState> =
        decode(json!("unresponsive,quantumEntangled"));
    assert_eq!(flags.to_json(), json!("unresponsive,quantumEntangled"));
    assert!(flags.contains(&DeviceManagementPartnerTenantState::from(
        "quantumEntangled"
    )));
}

/// An enum without members (Graph has some) reads every value as an unknown member and
/// writes it back.
#[test]
fn a_member_less_enum_keeps_every_value() {
    use obstacle_course::models::obstacle_course::NoMembersYet;
    let v: NoMembersYet = obstacle_course::runtime::json::FromJson::from_json(
        json!("first"),
        &obstacle_course::runtime::json::Path::ROOT,
    )
    .unwrap();
    assert!(matches!(v, NoMembersYet::Unknown(_)));
    assert_eq!(v.as_str(), "first");
    assert_eq!(
        obstacle_course::runtime::json::ToJson::to_json(&v),
        json!("first")
    );
    assert_eq!(NoMembersYet::from("first"), v);
}

#[test]
fn create_shape_sends_only_what_is_set_and_the_type() {
    let mut body = ComplianceManagementPartnerCreate::default();
    body.display_name = Some("Partner".into());
    body.mac_os_onboarded = Some(true);
    body.partner_state = Some(DeviceManagementPartnerTenantState::Enabled);
    assert_eq!(
        body.to_json(),
        json!({
            "@odata.type": "#microsoft.graph.complianceManagementPartner",
            "displayName": "Partner",
            "macOsOnboarded": true,
            "partnerState": "enabled"
        })
    );
}

#[test]
fn write_shapes_debug_as_the_json_they_send() {
    let mut body = ComplianceManagementPartnerCreate::default();
    body.display_name = Some("Partner".into());
    assert_eq!(
        format!("{body:?}"),
        r##"ComplianceManagementPartnerCreate {"@odata.type":"#microsoft.graph.complianceManagementPartner","displayName":"Partner"}"##
    );
}

#[test]
fn read_shapes_debug_as_the_json_they_write_with_what_is_kept() {
    let p = ComplianceManagementPartner::from_json(
        json!({"id": "1", "displayName": null, "@odata.etag": "W/\"1\""}),
        &Path::ROOT,
    )
    .unwrap();
    // Absent and null properties are left out; kept annotations are shown.
    assert_eq!(
        format!("{p:?}"),
        r#"ComplianceManagementPartner {"@odata.etag":"W/\"1\"","id":"1"}"#
    );
}

#[test]
fn update_shape_tells_unchanged_null_and_set_apart() {
    let mut body = ComplianceManagementPartnerUpdate::default();
    assert_eq!(
        body.to_json(),
        json!({"@odata.type": "#microsoft.graph.complianceManagementPartner"})
    );
    // displayName is nullable: Patch. iosOnboarded is not: Option (cannot be null).
    body.display_name = Patch::Null;
    body.ios_onboarded = Some(false);
    assert_eq!(
        body.to_json(),
        json!({"@odata.type": "#microsoft.graph.complianceManagementPartner", "displayName": null, "iosOnboarded": false})
    );
    body.display_name = Patch::Set("again".to_string());
    assert_eq!(
        body.to_json(),
        json!({"@odata.type": "#microsoft.graph.complianceManagementPartner", "displayName": "again", "iosOnboarded": false})
    );
}

#[test]
fn serde_bridge_uses_the_same_wire_format() {
    let v: ComplianceManagementPartner =
        serde_json::from_str(r#"{"id":"x","partnerState":"enabled"}"#).unwrap();
    assert_eq!(
        v.partner_state,
        Some(DeviceManagementPartnerTenantState::Enabled)
    );
    assert_eq!(
        serde_json::to_value(&v).unwrap(),
        json!({"id": "x", "partnerState": "enabled"})
    );
    let err = from_str::<ComplianceManagementPartner>(r#"{"iosOnboarded": "yes"}"#).unwrap_err();
    assert!(err.to_string().starts_with("at $.iosOnboarded:"), "{err}");
}
