//! A model split over several documents (`tests/multi/`): every document given
//! contributes its namespaces, a reference is satisfied by whichever document declares
//! the namespaces it includes (its `Uri` is an `http://` address matching no file), a
//! reference URI may be mapped to a local file, and a type from a namespace nobody
//! provides is a located error that says how to provide it.

use std::path::{Path, PathBuf};

use csdl::Options;
use csdl::model::{Model, Target};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/multi")
}

const FLEET: &str = "fleet.xml";
const GPS: &str = "gps-types.xml";
const CORE: &str = "common/core.xml";
const GPS_URI: &str = "http://fleet.example.com/odata/gps/$metadata";
const CORE_URI: &str = "http://common.example.org/v2/Common.Core.xml";

/// Loads through a callback over `tests/multi`, recording what is read.
fn load(given: &[&str], options: &Options) -> (Result<Model, csdl::diag::Errors>, Vec<PathBuf>) {
    let reads = std::cell::RefCell::new(Vec::new());
    let schemas: Vec<PathBuf> = given.iter().map(PathBuf::from).collect();
    let r = csdl::load_all_with(&schemas, options, &|p: &Path| {
        reads.borrow_mut().push(p.to_path_buf());
        std::fs::read_to_string(dir().join(p)).ok()
    });
    (r, reads.into_inner())
}

fn mapped() -> Options {
    Options {
        references: vec![
            (GPS_URI.to_string(), PathBuf::from(GPS)),
            (CORE_URI.to_string(), PathBuf::from(CORE)),
        ],
        strict: false,
    }
}

/// The whole model resolved: cross-document base type, property types from two other
/// documents, a container extending one in another document, its binding followed.
fn assert_fleet(m: &Model) {
    assert!(m.warnings.is_empty(), "{:?}", m.warnings);
    let mut ns: Vec<&str> = m.schemas.iter().map(|s| s.namespace.as_str()).collect();
    ns.sort();
    assert_eq!(ns, ["Common.Core", "Common.Units", "Fleet", "GPS"]);
    let vehicle = m.find_type("Fleet.Vehicle").unwrap();
    let asset = m.find_type("Common.Core.Asset").unwrap();
    let s = m.ty(vehicle).structured().unwrap();
    assert_eq!(s.base, Some(asset));
    assert_eq!(s.key[0].path, "Id", "the key is inherited across documents");
    let ty = |name: &str| {
        s.properties
            .iter()
            .find(|p| p.name == name)
            .unwrap()
            .ty
            .target
    };
    assert_eq!(
        ty("Position"),
        Target::Named(m.find_type("GPS.VehicleGPSType").unwrap())
    );
    assert_eq!(
        ty("Speed"),
        Target::Named(m.find_type("Common.Units.Speed").unwrap())
    );
    let gps = m.find_type("GPS.VehicleGPSType").unwrap();
    let heading = &m.ty(gps).structured().unwrap().properties[0];
    assert_eq!(
        heading.ty.target,
        Target::Named(m.find_type("Common.Units.Degrees").unwrap())
    );
    let fleet = m
        .containers
        .iter()
        .find(|c| c.name == "FleetService")
        .unwrap();
    let sets: Vec<&str> = fleet.entity_sets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(sets, ["Vehicles", "Parties"], "`Extends` across documents");
    assert!(fleet.entity_sets[0].navigation_bindings[0].resolved);
}

#[test]
fn every_given_document_contributes_its_namespaces() {
    let (r, reads) = load(&[FLEET, GPS, CORE], &Options::default());
    let m = r.unwrap_or_else(|e| panic!("{e}"));
    assert_fleet(&m);
    assert_eq!(m.sources.files.len(), 3);
    // Nothing is looked for by the `http://` URIs: the documents given declare their namespaces.
    assert_eq!(reads, [FLEET, GPS, CORE].map(PathBuf::from));
}

#[test]
fn the_order_of_the_given_documents_does_not_matter() {
    let (r, _) = load(&[CORE, GPS, FLEET], &Options::default());
    assert_fleet(&r.unwrap_or_else(|e| panic!("{e}")));
}

#[test]
fn reference_uris_map_to_local_files() {
    let (r, reads) = load(&[FLEET], &mapped());
    let m = r.unwrap_or_else(|e| panic!("{e}"));
    assert_fleet(&m);
    // `gps-types.xml` references `Common.Units` at yet another URI: satisfied by
    // `common/core.xml`, which declares it, so no file is looked for.
    assert_eq!(reads, [FLEET, GPS, CORE].map(PathBuf::from));
}

#[test]
fn a_type_from_a_namespace_nobody_provides_is_a_located_error_saying_how_to_provide_it() {
    let (r, _) = load(&[FLEET, CORE], &Options::default());
    let e = r.unwrap_err();
    assert_eq!(e.errors.len(), 1, "{e}");
    let err = e.errors[0].to_string();
    assert!(
        err.starts_with(
            "error: type `gps.VehicleGPSType` (at 16:35) is from namespace `GPS`, which no document read declares: the document `http://fleet.example.com/odata/gps/$metadata` that promised it is not read (no file was found (looked for `$metadata`))"
        ),
        "{err}"
    );
    assert!(err.contains("`--schema FILE`"), "{err}");
    assert!(err.contains("`--reference URI=FILE`"), "{err}");
    assert!(err.contains("`[references]`"), "{err}");
    assert!(err.ends_with(" --> fleet.xml:5:19"), "{err}");
    // The reference not found is also a warning at its `Uri`.
    assert_eq!(e.warnings.len(), 1, "{:?}", e.warnings);
    assert!(
        e.warnings[0].message.contains("$metadata` is not read"),
        "{}",
        e.warnings[0]
    );
}

#[test]
fn a_reference_nobody_provides_but_nothing_uses_is_a_warning() {
    let text = std::fs::read_to_string(dir().join(GPS)).unwrap();
    let m = csdl::load_str(GPS, &text.replace("u.Degrees", "Edm.Double")).unwrap();
    let w: Vec<String> = m.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].starts_with(
            "warning: referenced document `https://units.example.net/metadata.xml` is not read: no file was found"
        ),
        "{}",
        w[0]
    );
}

#[test]
fn a_mapped_file_that_does_not_exist_is_an_error_at_the_uri() {
    let mut o = mapped();
    o.references[0].1 = PathBuf::from("nope.xml");
    let (r, _) = load(&[FLEET], &o);
    let e = r.unwrap_err();
    let err = e.errors[0].to_string();
    assert_eq!(
        err,
        "error: `http://fleet.example.com/odata/gps/$metadata` is mapped to the local file `nope.xml`, which does not exist\n --> fleet.xml:5:19"
    );
}

#[test]
fn strict_turns_every_warning_into_an_error() {
    let text = std::fs::read_to_string(dir().join(GPS)).unwrap();
    let text = text.replace("u.Degrees", "Edm.Double");
    let strict = Options {
        strict: true,
        ..Options::default()
    };
    let e = csdl::load_all_with(&[PathBuf::from(GPS)], &strict, &|p| {
        (p == Path::new(GPS)).then(|| text.clone())
    })
    .unwrap_err();
    assert_eq!(e.errors.len(), 1, "{e}");
    assert!(
        e.errors[0].message.ends_with("(an error under `strict`)"),
        "{e}"
    );
    assert!(e.warnings.is_empty());
}
