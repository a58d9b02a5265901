//! Which files a load opens: a reference only to a regular file inside the folder of
//! the document naming it (or to a document the user named), never an absolute path,
//! a `file:` URI, a `..` escape, a symbolic link out of the folder, a device, a FIFO or
//! a file over `MAX_DOCUMENT_SIZE`; nothing of a refused file reaches a diagnostic.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// A string that would appear in a diagnostic if the outside file were read: it is the
/// name of the outside file's root element, which the reader quotes when it refuses it.
const SECRET: &str = "TOPSECRET_c0ffee";

fn doc(uri: &str, include: &str, body: &str) -> String {
    format!(
        "<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\">\n  <edmx:Reference Uri=\"{uri}\"><edmx:Include Namespace=\"{include}\" Alias=\"o\"/></edmx:Reference>\n  <edmx:DataServices>\n    <Schema Namespace=\"main\" xmlns=\"http://docs.oasis-open.org/odata/ns/edm\">\n{body}\n    </Schema>\n  </edmx:DataServices>\n</edmx:Edmx>\n"
    )
}

const USES: &str =
    r#"      <ComplexType Name="M"><Property Name="a" Type="o.Thing"/></ComplexType>"#;
const USES_NOTHING: &str =
    r#"      <ComplexType Name="M"><Property Name="a" Type="Edm.String"/></ComplexType>"#;

fn valid_other(ns: &str) -> String {
    format!(
        "<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\">\n  <edmx:DataServices>\n    <Schema Namespace=\"{ns}\" xmlns=\"http://docs.oasis-open.org/odata/ns/edm\">\n      <ComplexType Name=\"Thing\"/>\n    </Schema>\n  </edmx:DataServices>\n</edmx:Edmx>\n"
    )
}

/// A fresh folder `<tmp>/csdl-opening-<pid>-<name>` with `schemas/` and `outside/`.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("csdl-opening-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("schemas")).unwrap();
    std::fs::create_dir_all(dir.join("outside")).unwrap();
    std::fs::write(
        dir.join("outside/secret.xml"),
        format!("<{SECRET}>{SECRET}</{SECRET}>\n"),
    )
    .unwrap();
    dir
}

fn all_text(r: &Result<csdl::model::Model, csdl::diag::Errors>) -> String {
    let (errors, warnings) = match r {
        Ok(m) => (&[][..], &m.warnings[..]),
        Err(e) => (&e.errors[..], &e.warnings[..]),
    };
    errors
        .iter()
        .chain(warnings)
        .map(|d| format!("{d}\n"))
        .collect()
}

/// Loads `schemas/main.xml` of `dir` referencing `uri`, once using a type from it and
/// once not: an error at the `Uri` attribute (line 2, column 19) when the type is
/// needed, a warning otherwise; the secret never shown.
fn assert_refused(dir: &Path, uri: &str, reason: &str) {
    let main = dir.join("schemas/main.xml");
    std::fs::write(&main, doc(uri, "other", USES)).unwrap();
    let r = csdl::load(&main);
    let text = all_text(&r);
    assert!(!text.contains(SECRET), "{uri}: secret shown:\n{text}");
    let e = r.expect_err(uri);
    assert_eq!(e.errors.len(), 1, "{uri}:\n{text}");
    let err = &e.errors[0];
    assert_eq!(
        (err.location.line, err.location.col),
        (2, 19),
        "{uri}: {err}"
    );
    assert_eq!(err.location.path, main);
    assert!(err.message.contains("`o.Thing`"), "{err}");
    assert!(err.message.contains(reason), "{uri}: {err}");

    std::fs::write(&main, doc(uri, "other", USES_NOTHING)).unwrap();
    let r = csdl::load(&main);
    let text = all_text(&r);
    assert!(!text.contains(SECRET), "{uri}: secret shown:\n{text}");
    let m = r.unwrap_or_else(|e| panic!("{uri}: {e}"));
    assert_eq!(m.warnings.len(), 1, "{uri}:\n{text}");
    let w = &m.warnings[0];
    assert_eq!((w.location.line, w.location.col), (2, 19), "{uri}: {w}");
    assert!(w.message.contains("is not read"), "{w}");
    assert_eq!(m.sources.files.len(), 1, "{uri}: a second file was read");
}

#[test]
fn references_out_of_the_folder_are_refused_in_every_form() {
    let dir = scratch("escapes");
    let secret = dir.join("outside/secret.xml");
    let abs = secret.display().to_string();
    let cases: Vec<(String, &str)> = vec![
        ("../outside/secret.xml".into(), "leaving the folder"),
        ("sub/../../outside/secret.xml".into(), "leaving the folder"),
        ("./../outside/secret.xml".into(), "leaving the folder"),
        (abs.clone(), "absolute path"),
        (format!("file://{abs}"), "`file:` URI"),
        (format!("FILE://{abs}"), "`file:` URI"),
        ("file:../outside/secret.xml".into(), "`file:` URI"),
        (format!("file:{abs}"), "`file:` URI"),
        ("..\\outside\\secret.xml".into(), "`\\`"),
        ("/dev/zero".into(), "absolute path"),
        ("/etc/passwd".into(), "absolute path"),
        ("C:/Windows/win.ini".into(), "absolute path"),
    ];
    for (uri, reason) in &cases {
        assert_refused(&dir, uri, reason);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_out_of_the_folder_is_refused() {
    let dir = scratch("symlink");
    std::os::unix::fs::symlink(dir.join("outside/secret.xml"), dir.join("schemas/link.xml"))
        .unwrap();
    assert_refused(&dir, "link.xml", "outside the folder");
    // A link to a device is refused the same way, before the device is opened.
    std::os::unix::fs::symlink("/dev/zero", dir.join("schemas/zero.xml")).unwrap();
    assert_refused(&dir, "zero.xml", "outside the folder");
    // A link inside the folder is followed.
    std::fs::write(dir.join("schemas/real.xml"), valid_other("other")).unwrap();
    std::os::unix::fs::symlink(dir.join("schemas/real.xml"), dir.join("schemas/alias.xml"))
        .unwrap();
    std::fs::write(
        dir.join("schemas/main.xml"),
        doc("alias.xml", "other", USES),
    )
    .unwrap();
    let m = csdl::load(&dir.join("schemas/main.xml")).unwrap();
    assert!(m.warnings.is_empty(), "{:?}", m.warnings);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs `f` on another thread and fails if it does not return within a minute: a
/// guard against a read that blocks forever, not a speed assertion.
fn returns<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(60))
        .expect("the load blocked")
}

#[cfg(unix)]
#[test]
fn a_fifo_is_never_opened() {
    let dir = scratch("fifo");
    let fifo = dir.join("schemas/pipe.xml");
    match std::process::Command::new("mkfifo").arg(&fifo).status() {
        Ok(s) if s.success() => {}
        other => {
            eprintln!("SKIPPED: mkfifo is not available ({other:?})");
            return;
        }
    }
    assert_refused(&dir, "pipe.xml", "not a regular file");
    // As the main document: an error, at once.
    let f = fifo.clone();
    let r = returns(move || csdl::load(&f).map(|_| ()));
    let e = r.unwrap_err();
    assert!(e.errors[0].message.contains("not a regular file"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn a_device_as_main_document_fails_at_once() {
    let r = returns(|| csdl::load(Path::new("/dev/zero")).map(|_| ()));
    let e = r.unwrap_err();
    assert_eq!(e.errors.len(), 1);
    assert_eq!(
        e.errors[0].to_string(),
        "error: `/dev/zero` is not a regular file (a folder, device, FIFO or socket); only regular files are read\n --> /dev/zero:1:1"
    );
    let e = csdl::read_document(Path::new("/dev/null")).unwrap_err();
    assert_eq!(e.kind, csdl::ReadErrorKind::NotRegular);
    let e = csdl::read_document(Path::new("/")).unwrap_err();
    assert_eq!(e.kind, csdl::ReadErrorKind::NotRegular);
}

#[test]
fn an_oversized_file_is_not_read() {
    let dir = scratch("oversized");
    let big = dir.join("schemas/big.xml");
    // Sparse: no disk or memory is used for the length.
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(csdl::MAX_DOCUMENT_SIZE + 1).unwrap();
    drop(f);
    assert_refused(&dir, "big.xml", "larger than 64 MiB");
    let e = csdl::read_document(&big).unwrap_err();
    assert_eq!(e.kind, csdl::ReadErrorKind::TooLarge);
    let e = csdl::load(&big).unwrap_err();
    assert!(e.errors[0].message.contains("larger than 64 MiB"), "{e}");
    // A file at the cap is read.
    let f = std::fs::OpenOptions::new().write(true).open(&big).unwrap();
    f.set_len(csdl::MAX_DOCUMENT_SIZE).unwrap();
    drop(f);
    assert_eq!(
        csdl::read_document(&big).unwrap().len() as u64,
        csdl::MAX_DOCUMENT_SIZE
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn oversized_text_is_refused_whoever_reads_it() {
    let mut text = doc("x.xml", "other", USES_NOTHING);
    text.push_str(&" ".repeat(csdl::MAX_DOCUMENT_SIZE as usize));
    let e = csdl::load_str("big.xml", &text).unwrap_err();
    assert!(e.errors[0].message.contains("larger than 64 MiB"), "{e}");
    let e = csdl::load_with(Path::new("big.xml"), &|_| Some(text.clone())).unwrap_err();
    assert!(e.errors[0].message.contains("larger than 64 MiB"), "{e}");
}

#[test]
fn documents_named_by_the_user_may_lie_outside_the_folder() {
    let dir = scratch("explicit");
    std::fs::write(dir.join("outside/ok.xml"), valid_other("other")).unwrap();
    std::fs::write(
        dir.join("schemas/main.xml"),
        doc("../outside/ok.xml", "other", USES),
    )
    .unwrap();
    let schemas = [
        PathBuf::from("schemas/main.xml"),
        PathBuf::from("outside/ok.xml"),
    ];
    let m = csdl::load_in(&dir, &schemas).unwrap();
    assert!(m.warnings.is_empty(), "{:?}", m.warnings);
    let shown: Vec<_> = m.sources.files.iter().map(|f| f.path.clone()).collect();
    assert_eq!(shown, schemas, "paths are shown as given");
    // Without naming it, the same reference is refused.
    let e = csdl::load_in(&dir, &schemas[..1]).unwrap_err();
    assert!(e.errors[0].message.contains("leaving the folder"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn load_with_is_never_asked_for_a_path_out_of_the_folder() {
    let asked = std::sync::Mutex::new(Vec::new());
    for uri in [
        "../x.xml",
        "/abs/x.xml",
        "file:///abs/x.xml",
        "a/../../x.xml",
        // Two `..` in a row once normalised to nothing (`../../x` → `x`), so the path
        // passed the check and `dir/../../x.xml` was asked for as `../x.xml`.
        "../../x.xml",
        "a/../../../x.xml",
        "../../../../x.xml",
        "./../../x.xml",
        "https://example.com/v1/x.xml",
        "sub/x.xml",
    ] {
        let main = doc(uri, "other", USES_NOTHING);
        let _ = csdl::load_with(Path::new("dir/main.xml"), &|p: &Path| {
            asked.lock().unwrap().push(p.to_path_buf());
            (p == Path::new("dir/main.xml")).then(|| main.clone())
        });
    }
    let asked = asked.into_inner().unwrap();
    for p in &asked {
        assert!(p.starts_with("dir"), "asked for {}", p.display());
        assert!(
            !p.components().any(|c| c == std::path::Component::ParentDir),
            "asked for {}",
            p.display()
        );
    }
    assert!(asked.contains(&PathBuf::from("dir/x.xml")));
    assert!(asked.contains(&PathBuf::from("dir/sub/x.xml")));
}

#[test]
fn a_mapped_reference_file_must_lie_in_the_folder_of_the_first_schema() {
    let dir = scratch("mapped");
    let uri = "http://example.com/other/$metadata";
    std::fs::write(dir.join("schemas/main.xml"), doc(uri, "other", USES)).unwrap();
    std::fs::create_dir_all(dir.join("schemas/sub")).unwrap();
    std::fs::write(dir.join("schemas/sub/other.xml"), valid_other("other")).unwrap();
    let load = |file: &str| {
        let options = csdl::Options {
            references: vec![(uri.to_string(), PathBuf::from(file))],
            strict: false,
        };
        csdl::load_in_with(&dir, &[PathBuf::from("schemas/main.xml")], &options)
    };
    // Inside the folder (a subfolder is fine): read, its types resolve.
    let m = load("schemas/sub/other.xml").unwrap_or_else(|e| panic!("{e}"));
    assert!(m.find_type("other.Thing").is_some());
    assert!(m.warnings.is_empty(), "{:?}", m.warnings);
    // Outside it, whatever the spelling: refused, nothing of it shown.
    for file in ["outside/secret.xml", "schemas/../outside/secret.xml"] {
        let r = load(file);
        let text = all_text(&r);
        assert!(!text.contains(SECRET), "{file}: secret shown:\n{text}");
        let e = r.expect_err(file);
        assert!(
            e.errors[0].message.contains("outside the folder"),
            "{file}: {e}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A main document with `n` references `rI.xml` (namespace `nI`), using a type of each
/// when `uses`.
fn referencing(n: usize, uses: bool) -> String {
    let mut main = String::from(
        "<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\">\n",
    );
    for i in 0..n {
        main.push_str(&format!(
            "  <edmx:Reference Uri=\"r{i}.xml\"><edmx:Include Namespace=\"n{i}\"/></edmx:Reference>\n"
        ));
    }
    main.push_str("  <edmx:DataServices>\n    <Schema Namespace=\"main\" xmlns=\"http://docs.oasis-open.org/odata/ns/edm\">\n");
    for i in (0..n).filter(|_| uses) {
        main.push_str(&format!(
            "      <ComplexType Name=\"M{i}\"><Property Name=\"a\" Type=\"n{i}.Thing\"/></ComplexType>\n"
        ));
    }
    main.push_str("    </Schema>\n  </edmx:DataServices>\n</edmx:Edmx>\n");
    main
}

/// `load_with`'s reader for `main.xml` and its references `rI.xml`, each padded to
/// `sizes[I]` bytes (at least a valid document); every name asked for is noted in `asked`.
fn serve<'a>(
    main: &'a str,
    sizes: &'a [usize],
    asked: &'a std::sync::Mutex<Vec<String>>,
) -> impl Fn(&Path) -> Option<String> + 'a {
    move |p: &Path| {
        let name = p.file_name()?.to_str()?.to_owned();
        asked.lock().unwrap().push(name.clone());
        if name == "main.xml" {
            return Some(main.to_owned());
        }
        let i: usize = name.strip_prefix('r')?.strip_suffix(".xml")?.parse().ok()?;
        let mut text = valid_other(&format!("n{i}"));
        text.push_str(&" ".repeat(sizes[i].saturating_sub(text.len())));
        Some(text)
    }
}

#[test]
fn one_load_reads_at_most_max_total_size_in_all() {
    // A main document referencing six documents: four of 60 MiB fit (240 MiB), the fifth
    // (30 MiB more) passes the limit and is refused, the sixth is then not even read.
    const MIB: usize = 1 << 20;
    let main = referencing(6, true);
    let asked = std::sync::Mutex::new(Vec::new());
    let sizes = [60 * MIB, 60 * MIB, 60 * MIB, 60 * MIB, 30 * MIB, 1];
    let e = csdl::load_with(Path::new("main.xml"), &serve(&main, &sizes, &asked)).unwrap_err();
    assert_eq!(e.errors.len(), 2, "{e}");
    for (err, line) in e.errors.iter().zip([6, 7]) {
        assert_eq!((err.location.line, err.location.col), (line, 19), "{err}");
        assert!(err.message.contains("256 MiB together"), "{err}");
    }
    assert_eq!(
        *asked.lock().unwrap(),
        ["main.xml", "r0.xml", "r1.xml", "r2.xml", "r3.xml", "r4.xml"],
        "the sixth is not read"
    );
    // Within the limit, the same documents load.
    let sizes = [60 * MIB, 60 * MIB, 60 * MIB, 60 * MIB, 1, 1];
    csdl::load_with(Path::new("main.xml"), &serve(&main, &sizes, &asked)).unwrap();
}

#[test]
fn one_load_reads_at_most_max_documents() {
    // The main document and 259 references: 255 are read, the last four refused at
    // their `Uri`, unread.
    let n = csdl::MAX_DOCUMENTS + 3;
    let main = referencing(n, false);
    let asked = std::sync::Mutex::new(Vec::new());
    let sizes = vec![0; n];
    let e = csdl::load_with(Path::new("main.xml"), &serve(&main, &sizes, &asked)).unwrap_err();
    assert_eq!(e.errors.len(), 4, "{e}");
    for (err, line) in e.errors.iter().zip(257..) {
        assert_eq!((err.location.line, err.location.col), (line, 19), "{err}");
        assert!(err.message.contains("at most 256 are read"), "{err}");
    }
    assert_eq!(
        asked.lock().unwrap().len(),
        csdl::MAX_DOCUMENTS,
        "nothing read past the limit"
    );
}
