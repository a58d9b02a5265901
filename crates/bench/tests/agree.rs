//! The page is what the benchmark claims (deterministic, Graph-shaped), the baseline has
//! the generated `User`'s fields, and both sides decode the page to the same data.

use std::collections::BTreeSet;

use bench::derive;
use bench::page::{DEFAULT_USERS, SEED, users_page, users_page_of_size};
use graph_users::models::microsoft_graph::{AnyUser, User};

fn page() -> Vec<u8> {
    users_page(DEFAULT_USERS, SEED)
}

/// The wire names of the generated `User`'s properties, from its source.
fn generated_wire_names() -> BTreeSet<String> {
    let source = include_str!("../../../generated/graph-users/src/models/microsoft_graph/user.rs");
    let body = &source[source.find("pub struct User {").unwrap()..];
    let body = &body[..body.find("\n}\n").unwrap()];
    body.split("Wire name `")
        .skip(1)
        .map(|s| s[..s.find('`').unwrap()].to_owned())
        .collect()
}

#[test]
fn the_page_is_deterministic_and_graph_shaped() {
    let bytes = page();
    assert_eq!(bytes, page(), "same seed, same bytes");
    assert_ne!(bytes, users_page(DEFAULT_USERS, SEED + 1));
    assert!(
        (2_500_000..3_500_000).contains(&bytes.len()),
        "about 3 MB: {}",
        bytes.len()
    );

    let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert!(
        value["@odata.context"]
            .as_str()
            .unwrap()
            .ends_with("$metadata#users")
    );
    assert!(
        value["@odata.nextLink"]
            .as_str()
            .unwrap()
            .contains("$skiptoken=")
    );
    let users = value["value"].as_array().unwrap();
    assert_eq!(users.len(), DEFAULT_USERS);
    let members: usize = users.iter().map(|u| u.as_object().unwrap().len()).sum();
    let mean = members as f64 / users.len() as f64;
    assert!(
        (37.0..=43.0).contains(&mean),
        "about 39 members per user: {mean}"
    );

    let text = std::str::from_utf8(&bytes).unwrap();
    for needle in [
        "\\\"",
        "\\u00e9",
        "é",
        "@odata.etag",
        "@odata.type\":\"#Int64\"",
        ":null",
    ] {
        assert!(text.contains(needle), "the page holds {needle}");
    }
    // 7 fraction digits, as Graph writes them.
    let seven = users[0]["signInActivity"]["lastSignInDateTime"]
        .as_str()
        .unwrap();
    assert_eq!(seven.len(), "2024-01-15T08:30:00.1234567Z".len(), "{seven}");
    assert!(
        users
            .iter()
            .any(|u| u["mailboxSettings"]["workingHours"]["daysOfWeek"].is_array())
    );
}

#[test]
fn a_page_of_a_given_size_is_at_least_that_size() {
    let bytes = users_page_of_size(1_000_000, SEED);
    assert!(
        (1_000_000..1_200_000).contains(&bytes.len()),
        "{}",
        bytes.len()
    );
}

#[test]
fn the_baseline_declares_every_property_of_the_generated_user() {
    let names = generated_wire_names();
    assert_eq!(
        names.len(),
        91,
        "User's structural and navigation properties"
    );
    for name in &names {
        let one = format!("{{\"{name}\":null}}");
        let user: derive::User = serde_json::from_slice(one.as_bytes()).unwrap();
        assert!(
            user.additional.is_empty(),
            "the baseline has no field for {name}"
        );
    }
    // And no field the generated type lacks: a full baseline user writes only those names.
    let bytes = page();
    let derived = bench::decode_derive(&bytes);
    let written: serde_json::Value =
        serde_json::from_slice(&bench::encode_derive(&derived.value)).unwrap();
    for user in written.as_array().unwrap() {
        for key in user.as_object().unwrap().keys() {
            assert!(
                names.contains(key) || key.contains('@') || key.starts_with("extension_"),
                "{key}"
            );
        }
    }
}

fn same_users(generated: &[User], derived: &[derive::User]) {
    assert_eq!(generated.len(), derived.len());
    for (g, d) in generated.iter().zip(derived) {
        assert_eq!(g.id, d.id);
        assert_eq!(g.display_name, d.display_name);
        assert_eq!(g.given_name, d.given_name);
        assert_eq!(g.mail, d.mail);
        assert_eq!(g.account_enabled, d.account_enabled);
        assert_eq!(g.business_phones, d.business_phones);
        assert_eq!(g.company_name, d.company_name);
        assert_eq!(
            g.created_date_time.map(|t| t.unix_nanos()),
            d.created_date_time
                .map(|t| i128::from(t.timestamp_nanos_opt().unwrap()))
        );
        let sign_in = |g: &User| g.sign_in_activity.as_ref()?.last_sign_in_date_time;
        assert_eq!(
            sign_in(g).map(|t| t.unix_nanos()),
            d.sign_in_activity
                .as_ref()
                .and_then(|s| s.last_sign_in_date_time)
                .map(|t| i128::from(t.timestamp_nanos_opt().unwrap()))
        );
        let skus = |g: &User| -> Vec<String> {
            g.assigned_licenses
                .iter()
                .flatten()
                .filter_map(|l| l.sku_id.map(|s| s.to_string()))
                .collect()
        };
        assert_eq!(
            skus(g),
            d.assigned_licenses
                .iter()
                .flatten()
                .filter_map(|l| l.sku_id.map(|s| s.to_string()))
                .collect::<Vec<_>>()
        );
        let extension = |g: &User| {
            g.on_premises_extension_attributes
                .as_ref()
                .and_then(|e| e.extension_attribute1.clone())
        };
        assert_eq!(
            extension(g),
            d.on_premises_extension_attributes
                .as_ref()
                .and_then(|e| e.extension_attribute1.clone())
        );
        let purpose = |g: &User| {
            g.mailbox_settings
                .as_ref()
                .and_then(|m| m.user_purpose.as_ref())
                .map(|p| p.as_str().to_owned())
        };
        assert_eq!(
            purpose(g),
            d.mailbox_settings
                .as_ref()
                .and_then(|m| m.user_purpose)
                .map(|p| serde_json::to_value(p)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned())
        );
        // Undeclared members (`@odata.etag`, the directory extension) kept by both.
        assert_eq!(
            g.additional.keys().collect::<Vec<_>>(),
            d.additional.keys().collect::<Vec<_>>()
        );
        assert_eq!(g.additional.len(), 4);
    }
}

#[test]
fn both_decode_the_page_to_the_same_data() {
    let bytes = page();
    let generated = bench::decode_generated(&bytes);
    let derived = bench::decode_derive(&bytes);
    assert_eq!(generated.next_link, derived.next_link);
    assert!(generated.next_link.is_some());
    same_users(&generated.items, &derived.value);
    assert!(generated.items.iter().any(|u| u.mailbox_settings.is_some()));
    assert!(
        generated
            .items
            .iter()
            .any(|u| u.display_name.as_deref().is_some_and(|n| n.contains('"')))
    );

    let any = bench::decode_generated_any(&bytes);
    assert_eq!(any.items.len(), generated.items.len());
    for (a, g) in any.items.iter().zip(&generated.items) {
        match a {
            AnyUser::User(u) => assert_eq!(u, g),
            other => panic!("not a plain user: {:?}", other.type_name()),
        }
    }
}

#[test]
fn what_each_side_writes_the_other_reads_back_the_same() {
    let bytes = page();
    let generated = bench::decode_generated(&bytes).items;
    let derived = bench::decode_derive(&bytes).value;

    let from_generated: Vec<derive::User> =
        serde_json::from_slice(&bench::encode_generated(&generated)).unwrap();
    same_users(&generated, &from_generated);

    let from_derive: Vec<User> =
        graph_users::runtime::json::from_slice(&bench::encode_derive(&derived)).unwrap();
    same_users(&from_derive, &derived);

    // The generated models write what they read.
    let again: Vec<User> =
        graph_users::runtime::json::from_slice(&bench::encode_generated(&generated)).unwrap();
    assert_eq!(again, generated);
}

#[test]
fn through_serde_the_generated_models_read_and_write_the_same() {
    let bytes = page();
    let direct = bench::decode_generated(&bytes);
    let through_serde = bench::decode_serde(&bytes);
    assert_eq!(through_serde.next_link, direct.next_link);
    assert_eq!(through_serde.value, direct.items);
    assert_eq!(
        bench::encode_serde(&direct.items),
        bench::encode_generated(&direct.items),
        "serde_json writes the bytes the encoder writes"
    );
}
