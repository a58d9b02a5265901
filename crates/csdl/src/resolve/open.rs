//! Which files a load opens, and how: the entry points, safe reading, reference candidates.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::*;
use crate::diag::{Errors, Pos, Severity};

/// Reads and resolves the CSDL file at `path` and the documents it references
/// (see [`load_in`] for which references are opened).
pub fn load(path: &Path) -> Result<Model, Errors> {
    load_in(Path::new(""), &[path.to_path_buf()])
}

/// What a load needs beyond its documents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Reference URI → the local file standing for it (`--reference URI=FILE`,
    /// `[references]` in `codegen.toml`). The path is relative to the load's base, like
    /// the schemas, and must lie inside the folder of the first schema (or be one of
    /// the schemas).
    pub references: Vec<(String, PathBuf)>,
    /// Every warning is an error (`--strict`, `strict = true`).
    pub strict: bool,
}

/// Reads and resolves `schemas` and the documents they reference; the paths are
/// relative to `base` and shown as given in diagnostics. See [`load_in_with`].
pub fn load_in(base: &Path, schemas: &[PathBuf]) -> Result<Model, Errors> {
    load_in_with(base, schemas, &Options::default())
}

/// Reads and resolves every document of `schemas` (the user's explicit choice) and the
/// documents they reference; the paths are relative to `base` and shown as given in
/// diagnostics.
///
/// Every document given contributes its namespaces, and a reference is satisfied by
/// whichever document read declares the namespaces it includes, whatever its `Uri`.
/// Otherwise the reference's file is looked for: the file `options.references` maps
/// its `Uri` to (inside the folder of `schemas[0]`), else a local file named by the
/// `Uri` that resolves (symbolic links followed) inside the folder of the document
/// naming it. Every file opened must be a regular file of at most
/// [`MAX_DOCUMENT_SIZE`] bytes ([`read_document`]).
pub fn load_in_with(base: &Path, schemas: &[PathBuf], options: &Options) -> Result<Model, Errors> {
    let explicit: HashSet<PathBuf> = schemas.iter().map(|p| normalize(p)).collect();
    let on_disk = |p: &Path| -> PathBuf {
        let full = base.join(p);
        if full.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            full
        }
    };
    load_impl(
        schemas,
        &explicit,
        options,
        &|p: &Path, within: Option<&Path>| {
            let full = on_disk(p);
            if let Some(dir) = within {
                let inside = match (full.canonicalize(), on_disk(dir).canonicalize()) {
                    (Ok(f), Ok(d)) => f.starts_with(&d),
                    (Err(e), _) if e.kind() == std::io::ErrorKind::NotFound => {
                        return Err(Unread::Missing(format!("`{}` not found", p.display())));
                    }
                    _ => false,
                };
                if !inside {
                    return Err(Unread::Refused(format!(
                        "`{}` lies outside the folder `{}` (symbolic links followed)",
                        p.display(),
                        on_disk(dir).display()
                    )));
                }
            }
            read_document(&full).map_err(|e| match e.kind {
                ReadErrorKind::NotFound => Unread::Missing(e.message),
                _ => Unread::Refused(e.message),
            })
        },
    )
}

/// Why [`read_document`] failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadErrorKind {
    /// No such file.
    NotFound,
    /// A device, FIFO, socket or folder: only regular files are read.
    NotRegular,
    /// Larger than [`MAX_DOCUMENT_SIZE`].
    TooLarge,
    /// Not UTF-8.
    NotUtf8,
    /// Another I/O error (permissions, …).
    Io,
}

/// A file [`read_document`] did not read; the message names the path and echoes
/// nothing of the content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// Why.
    pub kind: ReadErrorKind,
    /// The message: names the path, echoes nothing of the content.
    pub message: String,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ReadError {}

/// Reads a CSDL document safely: only a regular file (symbolic links followed) of at
/// most [`MAX_DOCUMENT_SIZE`] bytes, in UTF-8. The type is checked before opening (a
/// FIFO would block the open, a device never ends) and again on the open file; the
/// read stops at the cap whatever the file claims.
pub fn read_document(path: &Path) -> Result<String, ReadError> {
    use std::io::Read;
    let fail = |kind, message: String| ReadError { kind, message };
    let io = |e: std::io::Error| {
        let kind = if e.kind() == std::io::ErrorKind::NotFound {
            ReadErrorKind::NotFound
        } else {
            ReadErrorKind::Io
        };
        fail(kind, format!("cannot read `{}`: {e}", path.display()))
    };
    let check = |meta: &std::fs::Metadata| {
        if !meta.is_file() {
            return Err(fail(
                ReadErrorKind::NotRegular,
                format!(
                    "`{}` is not a regular file (a folder, device, FIFO or socket); only regular files are read",
                    path.display()
                ),
            ));
        }
        if meta.len() > MAX_DOCUMENT_SIZE {
            return Err(too_large(path, meta.len()));
        }
        Ok(())
    };
    check(&std::fs::metadata(path).map_err(io)?)?;
    let file = std::fs::File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    check(&meta)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_DOCUMENT_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_DOCUMENT_SIZE {
        return Err(too_large(path, bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| {
        fail(
            ReadErrorKind::NotUtf8,
            format!(
                "`{}` is not UTF-8 (invalid byte at offset {})",
                path.display(),
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

pub(super) fn too_large(path: &Path, len: u64) -> ReadError {
    ReadError {
        kind: ReadErrorKind::TooLarge,
        message: too_large_message(path, len),
    }
}

pub(super) fn too_large_message(path: &Path, len: u64) -> String {
    format!(
        "`{}` is {len} bytes; documents larger than {} MiB are not read",
        path.display(),
        MAX_DOCUMENT_SIZE >> 20
    )
}

/// Reads and resolves CSDL text; `label` names it in diagnostics. References are
/// looked up nowhere (only the standard vocabularies are understood).
pub fn load_str(label: &str, text: &str) -> Result<Model, Errors> {
    let label_path = PathBuf::from(label);
    load_impl(
        std::slice::from_ref(&label_path),
        &HashSet::new(),
        &Options::default(),
        &|p: &Path, _| {
            if p == label_path {
                Ok(text.to_owned())
            } else {
                Err(Unread::Missing(format!("cannot read `{}`", p.display())))
            }
        },
    )
}

/// Reads and resolves the CSDL file at `path`, reading it and every referenced file
/// through `read` (which returns `None` for a file that does not exist). The same
/// rules as [`load_in`] apply to the paths asked for (none absolute, none outside the
/// folder of the naming document) and to the size of the texts returned; symbolic
/// links are `read`'s business (use [`read_document`] and check them, or [`load_in`]).
pub fn load_with(path: &Path, read: &dyn Fn(&Path) -> Option<String>) -> Result<Model, Errors> {
    load_all_with(&[path.to_path_buf()], &Options::default(), read)
}

/// Like [`load_with`] for several documents and [`Options`] (see [`load_in_with`]); the
/// paths of `schemas` are asked for as given, and not confined.
pub fn load_all_with(
    schemas: &[PathBuf],
    options: &Options,
    read: &dyn Fn(&Path) -> Option<String>,
) -> Result<Model, Errors> {
    let explicit: HashSet<PathBuf> = schemas.iter().map(|p| normalize(p)).collect();
    load_impl(schemas, &explicit, options, &|p: &Path, _| {
        read(p).ok_or_else(|| Unread::Missing(format!("cannot read `{}`", p.display())))
    })
}

/// Why a document was not read.
pub(super) enum Unread {
    /// It does not exist: another candidate may be tried.
    Missing(String),
    /// It exists but is not opened (outside the folder, not a regular file, too large).
    Refused(String),
}

/// Reads a document: `within` is the folder it must lie in (a reference), `None` for
/// a document the user named.
pub(super) type ReadFn<'a> = dyn Fn(&Path, Option<&Path>) -> Result<String, Unread> + 'a;

pub(super) type Raw = (Severity, String, Pos);

pub(super) fn is_standard(ns: &str) -> bool {
    STANDARD_VOCABULARIES.contains(&ns)
}

/// Lexically normalises a path (`a/./b/../c` → `a/c`, `a/../../c` → `../c`,
/// `/../c` → `/c`): a `..` removes the name before it, never another `..`.
pub(super) fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                // `/..` is `/`.
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            c => out.push(c.as_os_str()),
        }
    }
    out
}

/// The files a reference `uri` may denote, in the order tried, or why it is refused.
/// A URL (`https://…/x.xml`) is looked for by its last segment beside `base`; a
/// relative path must stay inside the folder of `base` unless it names one of the
/// `explicit` documents. Absolute paths and `file:` URIs are refused.
pub(super) fn reference_candidates(
    base: &Path,
    uri: &str,
    explicit: &HashSet<PathBuf>,
) -> Result<Vec<(PathBuf, bool)>, String> {
    let dir = base.parent().unwrap_or(Path::new(""));
    let uri = uri.split(['#', '?']).next().unwrap_or("");
    let scheme = uri
        .split_once(':')
        .map(|(s, _)| s)
        .filter(|s| !s.contains(['/', '\\']));
    if scheme.is_some_and(|s| s.eq_ignore_ascii_case("file")) {
        return Err("a `file:` URI is never opened".into());
    }
    if uri.starts_with(['/', '\\']) || scheme.is_some_and(|s| s.len() == 1) {
        return Err("an absolute path is never opened".into());
    }
    if uri.contains('\\') {
        return Err("a path with `\\` is never opened".into());
    }
    let mut out: Vec<(PathBuf, bool)> = Vec::new();
    if scheme.is_none() && !uri.is_empty() {
        let p = normalize(&dir.join(uri));
        if explicit.contains(&p) {
            out.push((p, true));
        } else if normalize(Path::new(uri))
            .components()
            .next()
            .is_some_and(|c| c == Component::ParentDir)
        {
            return Err(
                "a path leaving the folder of the document naming it is never opened".into(),
            );
        } else {
            out.push((p, false));
        }
    }
    if let Some(last) = uri
        .rsplit(['/', ':'])
        .next()
        .filter(|s| !s.is_empty() && *s != "..")
    {
        let p = normalize(&dir.join(last));
        if !out.iter().any(|(c, _)| *c == p) {
            let is_explicit = explicit.contains(&p);
            out.push((p, is_explicit));
        }
    }
    Ok(out)
}

/// Reads through `read` and applies the size cap to whatever it returns.
pub(super) fn fetch(read: &ReadFn<'_>, p: &Path, within: Option<&Path>) -> Result<String, Unread> {
    let text = read(p, within)?;
    if text.len() as u64 > MAX_DOCUMENT_SIZE {
        return Err(Unread::Refused(too_large_message(p, text.len() as u64)));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::normalize;
    use std::path::Path;

    #[test]
    fn normalize_keeps_every_parent_step() {
        for (p, want) in [
            ("a/./b/../c", "a/c"),
            ("../x", "../x"),
            ("../../x", "../../x"),
            ("a/../../x", "../x"),
            ("a/../../../x", "../../x"),
            ("./../../x", "../../x"),
            ("dir/../../x.xml", "../x.xml"),
            ("/../x", "/x"),
            ("/a/../../x", "/x"),
            ("a/b/../../c", "c"),
            ("", ""),
        ] {
            assert_eq!(normalize(Path::new(p)), Path::new(want), "{p}");
        }
    }
}
