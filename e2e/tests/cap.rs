//! End to end against a real OData v4 server: the SAP CAP service in `e2e/cap` (in-memory
//! SQLite, server-driven paging of 2, ETags on `complianceManagementPartners`), started
//! once for this file by [`e2e::CapServer`] on 127.0.0.1. Node.js is required; without it
//! the test fails (it never skips).
//!
//! 1. The served `$metadata` is `schemas/cap-partners.xml`, and generating from the
//!    fetched CSDL with the `cap-partners` entry of `codegen.toml` gives exactly the files
//!    committed under `generated/cap-partners`: the client used below is the server's.
//! 2. The generated client creates (201, and 204 with `return=minimal`), gets, lists with
//!    `$filter`/`$select`/`$orderby`/`$top`/`$count` and across pages (relative
//!    `@odata.nextLink`), updates with `If-Match` (428 without it), deletes, calls the
//!    bound action `terminate`, and gets typed errors for bad requests.
//! 3. A media element (`@Core.MediaType`) is uploaded as a stream and read back.
//! 4. `$batch` (JSON batch, which CAP serves): mixed requests with typed results and
//!    errors, `dependsOn`, an atomicity group failing as a whole, a split batch; and
//!    the same as an OData 4.0 multipart `$batch` with a change set.
//! 5. Typed `$expand` of an association with nested `$select`, `$filter`, `$orderby`,
//!    `$top` and `$count`, the reverse association, and `$count` of a navigation path.
//!    (CAP 9.9 serves no `$ref`: `GET`/`PUT …/partner/$ref` answer 404 "Invalid resource
//!    path", and on the collection 400 "has 2 keys. Only 1 was provided"; `$ref` is
//!    proven on the loopback server in `tests/surface.rs`.)
//!
//! Everything runs in one test so that the steps share one server and run in order.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use cap_partners::client::partners_service::ComplianceManagementPartnersField as Field;
use cap_partners::models::partners_service::{
    ComplianceManagementPartners, ComplianceManagementPartnersCreate,
    ComplianceManagementPartnersUpdate, DeviceManagementPartners,
    GraphComplianceManagementPartnerAssignment, GraphDeviceAndAppManagementAssignmentTarget,
};
use cap_partners::runtime::edm::DateTimeOffset;
use cap_partners::runtime::{BatchFormat, Patch, Resource, Upload};
use cap_partners::{Client, EntityContainer, Error, RequestOptions};
use futures_util::StreamExt;

fn files_under(dir: &Path, base: &Path, out: &mut BTreeSet<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files_under(&p, base, out);
        } else {
            out.insert(p.strip_prefix(base).unwrap().to_path_buf());
        }
    }
}

/// The generated crate equals what the generator makes of the server's own CSDL.
fn assert_generated_from(metadata: &str) {
    let root = e2e::repo_root();
    let config_text = std::fs::read_to_string(root.join("codegen.toml")).unwrap();
    let configs =
        codegen::ConfigFile::parse(&config_text, Path::new("codegen.toml")).expect("codegen.toml");
    let config = configs
        .crates
        .iter()
        .find(|c| c.name == "cap-partners")
        .expect("a cap-partners crate in codegen.toml");
    let main = config.schemas[0].clone();
    let text = metadata.to_owned();
    let wanted = main.clone();
    let model = csdl::load_with(&main, &move |p: &Path| (p == wanted).then(|| text.clone()))
        .expect("the served CSDL reads");
    let files = codegen::generate(config, &model).expect("generates");
    let out = root.join(&config.out);
    for (rel, text) in &files {
        let on_disk = std::fs::read_to_string(out.join(rel))
            .unwrap_or_else(|_| panic!("{} is not committed", rel.display()));
        assert!(
            on_disk == *text,
            "{} differs from what the served $metadata generates",
            rel.display()
        );
    }
    let mut disk = BTreeSet::new();
    files_under(&out, &out, &mut disk);
    let generated: BTreeSet<PathBuf> = files.keys().cloned().collect();
    let extra: Vec<_> = disk
        .difference(&generated)
        // The xtask's own files: the change report and the manifest of what it wrote.
        .filter(|p| p.as_os_str() != "CHANGES.md" && p.as_os_str() != "GENERATED.txt")
        .collect();
    assert!(
        extra.is_empty(),
        "files the generator does not make: {extra:?}"
    );
}

fn new_partner(name: &str, state: &str, ios: bool) -> ComplianceManagementPartnersCreate {
    let mut target = GraphDeviceAndAppManagementAssignmentTarget::default();
    target.collection_id = Some("Collection Id value".into());
    let mut assignment = GraphComplianceManagementPartnerAssignment::default();
    assignment.target = Some(target);
    let mut body = ComplianceManagementPartnersCreate::default();
    body.display_name = Some(name.into());
    body.partner_state = Some(state.into());
    body.ios_onboarded = Some(ios);
    body.android_onboarded = Some(true);
    body.last_heartbeat_date_time = Some(
        "2016-12-31T23:59:37.9174975-08:00"
            .parse::<DateTimeOffset>()
            .unwrap(),
    );
    body.mac_os_enrollment_assignments = Some(vec![assignment]);
    body
}

fn service_error(e: &Error) -> (u16, String, String) {
    match e {
        Error::Service { status, error } => (*status, error.code.clone(), error.message.clone()),
        other => panic!("expected Error::Service, got {other:?}"),
    }
}

#[tokio::test]
async fn cap_server_end_to_end() {
    let server = e2e::CapServer::start();
    let root = server.service_root.trim_end_matches('/').to_owned();
    let client = Client::builder(root.clone())
        .bearer_token("cap-token")
        .build()
        .unwrap();

    // ---- 1. $metadata is the committed schema, and the committed crate is its output.
    let resp = client
        .get_bytes(
            &Resource::from_encoded("$metadata"),
            &RequestOptions::new().header("Accept", "application/xml"),
        )
        .await
        .expect("$metadata");
    let served = String::from_utf8(resp.body).unwrap().replace("\r\n", "\n");
    let committed = std::fs::read_to_string(e2e::repo_root().join("schemas/cap-partners.xml"))
        .unwrap()
        .replace("\r\n", "\n");
    assert_eq!(
        served, committed,
        "served $metadata != schemas/cap-partners.xml"
    );
    assert_generated_from(&served);

    let service = EntityContainer::new(client);
    let partners = service.compliance_management_partners();

    // ---- 2. create: 201 with the entity (ETag, computed members), 204 with return=minimal.
    let a: ComplianceManagementPartners = partners
        .create(&new_partner("Partner A", "enabled", true))
        .await
        .unwrap()
        .expect("201 with the entity");
    let a_id = a.id.expect("a generated id");
    assert_eq!(a.display_name.as_deref(), Some("Partner A"));
    assert_eq!(a.created_by.as_deref(), Some("privileged"));
    // CAP keeps milliseconds in UTC.
    assert_eq!(
        a.last_heartbeat_date_time.map(|d| d.to_string()).as_deref(),
        Some("2017-01-01T07:59:37.917Z")
    );
    let a_assign = a.mac_os_enrollment_assignments.clone().unwrap();
    assert_eq!(
        a_assign[0]
            .target
            .as_ref()
            .unwrap()
            .collection_id
            .as_deref(),
        Some("Collection Id value")
    );
    assert!(
        a.etag().is_some_and(|e| e.starts_with("W/\"")),
        "{:?}",
        a.etag()
    );
    let minimal = partners
        .clone()
        .return_minimal()
        .create(&new_partner("Partner B", "unavailable", true))
        .await
        .unwrap();
    assert!(minimal.is_none(), "204 under return=minimal");
    for (name, state, ios) in [
        ("Partner C", "enabled", true),
        ("Partner D", "enabled", false),
        ("Partner E", "enabled", true),
    ] {
        partners
            .create(&new_partner(name, state, ios))
            .await
            .unwrap()
            .unwrap();
    }

    // ---- 3. get one, with and without $select.
    let item = partners.by_id(&a_id);
    let got = item.get().await.unwrap();
    assert_eq!(got.id, Some(a_id));
    assert_eq!(got.partner_state.as_deref(), Some("enabled"));
    let narrow = item.get().select([Field::DisplayName]).await.unwrap();
    assert_eq!(narrow.display_name.as_deref(), Some("Partner A"));
    assert_eq!(narrow.partner_state, None, "not selected");

    // ---- 4. list: $filter/$select/$orderby/$top/$count, paged by the server (2 a page).
    let query = || {
        partners
            .list()
            .filter("partnerState eq 'enabled' and iosOnboarded eq true")
            .select([Field::DisplayName, Field::PartnerState])
            .orderby_desc(Field::DisplayName)
            .top(3)
            .count(true)
    };
    let first = query().await.unwrap();
    assert_eq!(first.count, Some(3));
    assert_eq!(first.items.len(), 2, "server page size");
    let next = first.next_link.as_deref().expect("a nextLink");
    assert!(
        !next.starts_with("http"),
        "CAP's nextLink is relative: {next}"
    );
    let names: Vec<String> = query()
        .stream()
        .map(|r| r.unwrap().display_name.unwrap())
        .collect()
        .await;
    assert_eq!(names, ["Partner E", "Partner C", "Partner A"]);
    // Five rows, three pages, following the relative nextLink verbatim.
    let mut pager = partners.list().select([Field::DisplayName]).stream();
    let mut all = Vec::new();
    while let Some(page) = pager.next_page().await {
        all.extend(page.unwrap().items);
    }
    assert_eq!(pager.pages_read(), 3);
    let mut all_names: Vec<String> = all.into_iter().filter_map(|p| p.display_name).collect();
    all_names.sort();
    assert_eq!(
        all_names,
        [
            "Partner A",
            "Partner B",
            "Partner C",
            "Partner D",
            "Partner E"
        ]
    );

    // ---- 5. update: 428 without If-Match, 200 with the ETag from @odata.etag, 204 minimal.
    let mut patch = ComplianceManagementPartnersUpdate::default();
    patch.display_name = Patch::Set("Partner A2".into());
    let err = item.update(&patch).await.unwrap_err();
    let (status, code, message) = service_error(&err);
    assert_eq!((status, code.as_str()), (428, "428"));
    assert_eq!(message, "Precondition Required");
    let etag = got.etag().expect("an ETag").to_owned();
    let updated = item
        .clone()
        .if_match(&etag)
        .update(&patch)
        .await
        .unwrap()
        .expect("200 with the entity");
    assert_eq!(updated.display_name.as_deref(), Some("Partner A2"));
    let new_etag = updated.etag().expect("a new ETag").to_owned();
    let stale = item
        .clone()
        .if_match(&etag)
        .update(&patch)
        .await
        .unwrap_err();
    assert_eq!(service_error(&stale).0, 412);
    patch.display_name = Patch::Null;
    let none = item
        .clone()
        .if_match("*")
        .return_minimal()
        .update(&patch)
        .await
        .unwrap();
    assert!(none.is_none(), "204 under return=minimal");
    assert_eq!(item.get().await.unwrap().display_name, None, "set to null");

    // ---- 6. delete: 428 without If-Match, then with the current ETag; then 404.
    assert_eq!(service_error(&item.delete().await.unwrap_err()).0, 428);
    let current = item.get().await.unwrap().etag().unwrap().to_owned();
    assert_ne!(current, new_etag);
    item.clone().if_match(&current).delete().await.unwrap();
    let gone = item.get().await.unwrap_err();
    assert!(gone.is_not_found(), "{gone:?}");

    // ---- 7. the bound action, on a string key; other key types.
    let dmp = service.device_management_partners().by_id("dmp-0001");
    dmp.terminate().await.unwrap();
    let after: DeviceManagementPartners = dmp.get().await.unwrap();
    assert_eq!(after.partner_state.as_deref(), Some("terminated"));
    let region = service.partner_regions().by_id(1).get().await.unwrap();
    assert_eq!(region.name.as_deref(), Some("Europe"));
    let count = service
        .partner_platform_counts()
        .by_key("dmp-0001", "ios")
        .get()
        .await
        .unwrap();
    assert_eq!(count.platform.as_deref(), Some("ios"));
    let missing = service
        .device_management_partners()
        .by_id("it's a/b?")
        .get()
        .await
        .unwrap_err();
    assert!(missing.is_not_found(), "{missing:?}");

    // ---- 8. typed errors for bad requests.
    let err = partners.list().filter("nope eq 1").await.unwrap_err();
    let (status, code, message) = service_error(&err);
    assert_eq!((status, code.as_str()), (400, "400"));
    assert!(message.contains("\"nope\" does not exist"), "{message}");
    let err = partners
        .create(&new_partner("Bad", "bogus", false))
        .await
        .unwrap_err();
    let (status, code, _) = service_error(&err);
    assert_eq!((status, code.as_str()), (400, "ASSERT_ENUM"));
    if let Error::Service { error, .. } = &err {
        assert_eq!(error.target.as_deref(), Some("partnerState"));
    }

    // ---- 9. a media element (`logo: LargeBinary @Core.MediaType: 'image/png'`): written
    // as a stream with the schema's media type, read back as a stream.
    let logo = service.partner_regions().by_id(1).logo();
    let png: Vec<u8> = b"\x89PNG\r\n\x1a\n"
        .iter()
        .copied()
        .chain((0..100_000u32).map(|i| (i % 253) as u8))
        .collect();
    let source: &'static [u8] = Box::leak(png.clone().into_boxed_slice());
    logo.upload(Upload::reader(source, Some(png.len() as u64)))
        .await
        .unwrap();
    let mut download = logo.download().await.unwrap();
    assert_eq!(download.content_type(), Some("image/png"));
    let mut back = Vec::new();
    while let Some(chunk) = download.next_chunk().await.unwrap() {
        back.extend_from_slice(&chunk);
    }
    assert_eq!(back, png);
    assert_eq!(logo.bytes().await.unwrap(), png);

    // ---- 10. $batch (JSON batch): typed requests together, typed results and errors.
    let before = partners.count().await.unwrap();
    let mut batch = service.client().batch();
    let created = batch.add(partners.create(&new_partner("Batch A", "enabled", true)));
    let dmp_get = batch.add(service.device_management_partners().by_id("dmp-0001").get());
    let counted = batch.add(partners.count());
    let enabled = batch.add(
        partners
            .list()
            .filter("displayName eq 'Batch A'")
            .select([Field::DisplayName]),
    );
    let missing = batch.add(
        partners
            .by_id(&"00000000-0000-0000-0000-000000000000".parse().unwrap())
            .get(),
    );
    let bad = batch.add(partners.list().filter("nope eq 1"));
    let mut response = batch.send().await;
    assert_eq!(response.batches_sent(), 1);
    let created = response
        .take(created)
        .unwrap()
        .expect("201 with the entity");
    assert_eq!(created.display_name.as_deref(), Some("Batch A"));
    assert!(created.etag().is_some());
    let dmp = response.take(dmp_get).unwrap();
    assert_eq!(dmp.partner_state.as_deref(), Some("terminated"));
    // Requests of one batch see each other's changes only through dependsOn; this count
    // ran after the create (CAP runs a batch's changes in order).
    let counted = response.take(counted).unwrap();
    assert!(
        counted == before || counted == before + 1,
        "{counted} vs {before}"
    );
    let _ = response.take(enabled).unwrap();
    assert!(response.take(missing).unwrap_err().is_not_found());
    let (status, _, message) = service_error(&response.take(bad).unwrap_err());
    assert_eq!(status, 400);
    assert!(message.contains("\"nope\" does not exist"), "{message}");

    // dependsOn, and an update with If-Match inside a batch.
    let created_item = partners.by_id(created.id.as_ref().unwrap());
    let mut patch = ComplianceManagementPartnersUpdate::default();
    patch.display_name = Patch::Set("Batch A2".into());
    let mut batch = service.client().batch();
    let update = batch.add(
        created_item
            .clone()
            .if_match(created.etag().unwrap())
            .update(&patch),
    );
    let reread = batch.add_after(&[update.id()], created_item.get());
    let mut response = batch.send().await;
    let updated = response.take(update).unwrap().expect("200 with the entity");
    assert_eq!(updated.display_name.as_deref(), Some("Batch A2"));
    assert_eq!(
        response.take(reread).unwrap().display_name.as_deref(),
        Some("Batch A2")
    );

    // An atomicity group: one bad create fails the whole group, nothing is written.
    let before = partners.count().await.unwrap();
    let mut batch = service.client().batch();
    let group = batch.atomic_group();
    let good = batch.add_in(
        group,
        &[],
        partners.create(&new_partner("Atomic ok", "enabled", true)),
    );
    let bogus = batch.add_in(
        group,
        &[],
        partners.create(&new_partner("Atomic bad", "bogus", true)),
    );
    let mut response = batch.send().await;
    let good = response.take(good);
    let bogus = response.take(bogus);
    let after = partners.count().await.unwrap();
    assert_eq!(after, before, "nothing written");
    // CAP answers 201 for the rolled-back create; the client reports the group's failure.
    let (status, code, _) = service_error(&good.unwrap_err());
    assert_eq!((status, code.as_str()), (400, "ASSERT_ENUM"));
    assert_eq!(bogus.unwrap_err().status(), Some(400));

    // Split: 5 requests at 2 a batch go in three.
    let mut batch = service.client().batch().limit(2);
    let regions: Vec<_> = (0..5)
        .map(|_| batch.add(service.partner_regions().by_id(1).get()))
        .collect();
    let mut response = batch.send().await;
    assert_eq!(response.batches_sent(), 3);
    for h in regions {
        assert_eq!(response.take(h).unwrap().name.as_deref(), Some("Europe"));
    }

    // ---- 11. the same typed API as an OData 4.0 multipart $batch (change sets).
    let before = partners.count().await.unwrap();
    let mut batch = service.client().batch().format(BatchFormat::Multipart);
    let region = batch.add(service.partner_regions().by_id(1).get());
    let made = batch.add(partners.create(&new_partner("Multipart A", "enabled", true)));
    let missing = batch.add(
        partners
            .by_id(&"00000000-0000-0000-0000-000000000000".parse().unwrap())
            .get(),
    );
    let bad = batch.add(partners.list().filter("nope eq 1"));
    let counted = batch.add(partners.count());
    let group = batch.atomic_group();
    let good = batch.add_in(
        group,
        &[],
        partners.create(&new_partner("Set ok", "enabled", true)),
    );
    let bogus = batch.add_in(
        group,
        &[],
        partners.create(&new_partner("Set bad", "bogus", true)),
    );
    let mut response = batch.send().await;
    assert_eq!(
        response.take(region).unwrap().name.as_deref(),
        Some("Europe")
    );
    let made = response.take(made).unwrap().expect("201 with the entity");
    assert_eq!(made.display_name.as_deref(), Some("Multipart A"));
    assert!(response.take(missing).unwrap_err().is_not_found());
    let (status, _, message) = service_error(&response.take(bad).unwrap_err());
    assert_eq!(status, 400);
    assert!(message.contains("\"nope\" does not exist"), "{message}");
    assert_eq!(response.take(counted).unwrap(), before + 1);
    assert_eq!(response.take(good).unwrap_err().status(), Some(400));
    assert_eq!(response.take(bogus).unwrap_err().status(), Some(400));
    assert_eq!(
        partners.count().await.unwrap(),
        before + 1,
        "the change set wrote nothing"
    );

    // ---- 12. typed $expand with nested options, and $count of a navigation path.
    use cap_partners::client::partners_service::{
        DeviceManagementPartnersField as Dmp, DeviceManagementPartnersNav,
        PartnerPlatformCountsField as Counts, PartnerPlatformCountsNav,
    };
    let dmp = service
        .device_management_partners()
        .by_id("dmp-0001")
        .get()
        .select([Dmp::Id])
        .expand(
            DeviceManagementPartnersNav::platform_counts()
                .select([Counts::Platform, Counts::EnrolledCount])
                .filter(Counts::ENROLLED_COUNT.ge(5))
                .orderby_desc(Counts::Platform)
                .top(5)
                .count(true),
        )
        .await
        .unwrap();
    let counts: Vec<(String, i32)> = dmp
        .platform_counts
        .iter()
        .flatten()
        .map(|c| (c.platform.clone().unwrap(), c.enrolled_count.unwrap()))
        .collect();
    assert_eq!(counts, [("ios".into(), 7), ("android".into(), 12)]);
    assert_eq!(
        dmp.additional.get("platformCounts@odata.count"),
        Some(&serde_json::json!(2))
    );
    let page = service
        .partner_platform_counts()
        .list()
        .expand(PartnerPlatformCountsNav::partner().select([Dmp::DisplayName]))
        .orderby(Counts::Platform)
        .top(1)
        .await
        .unwrap();
    let partner = page.items[0].partner.as_ref().unwrap();
    assert_eq!(partner.display_name.as_deref(), Some("Contoso MDM"));
    let n = service
        .device_management_partners()
        .by_id("dmp-0001")
        .platform_counts()
        .count()
        .await
        .unwrap();
    assert_eq!(n, 2);
    drop(server);
}
