//! Writing generated crates to disk, with the rules of [`owned`](crate::owned): only files
//! the generator wrote and nobody changed since are overwritten or removed, every write
//! is staged and renamed into place, and nothing is written when anything is refused.
//!
//! One implementation for every front end: [`Config::generate_into`](crate::Config::generate_into)
//! (the library), the `odata-codegen` command and `cargo xtask codegen`.

use std::path::{Path, PathBuf};

use crate::owned::{self, Plan};
use crate::{Config, Error, Files, Generation};

/// Loads the schemas of `config` (relative paths against `base`) through the CSDL
/// reader's safe opening: regular files of bounded size, references inside the naming
/// document's folder or among the configured schemas.
pub fn load(config: &Config, base: &Path) -> Result<csdl::model::Model, Error> {
    csdl::load_in_with(base, &config.schemas, &config.reader_options()).map_err(|e| {
        let main = config.schemas.first().cloned().unwrap_or_default();
        if !base.join(&main).exists() {
            return Error::new(format!("cannot read schema `{}`", main.display()), None);
        }
        Error {
            errors: e
                .errors
                .into_iter()
                .map(|d| crate::Diagnostic::at(d.message, Some(d.location)))
                .collect(),
        }
    })
}

/// `CHANGES.md` content when the public API (`API.txt`) changed against the crate in `dir`.
pub fn changes_md(dir: &Path, package: &str, files: &Files) -> Option<String> {
    let new = files.get(Path::new("API.txt"))?;
    // Never through a link, never a FIFO or device: what the plan would refuse anyway.
    let old = String::from_utf8(owned::plain_file(dir, Path::new("API.txt"))?).ok()?;
    crate::manifest::changes_md(package, &old, new)
}

/// Plans the crate folder `dir` for `files` of package `package`: what to write (with a
/// new `CHANGES.md` when the public API changed), remove, and refuse.
pub fn plan(dir: &Path, package: &str, files: &Files) -> Result<Plan, String> {
    let changes = changes_md(dir, package, files);
    owned::plan(dir, files, changes.as_deref())
}

/// What `--check` reports for a plan: `(kind, path)` for every file that is `stale`,
/// `missing`, `extra`, or that a run would refuse (`edited`, `foreign`, `link`).
pub fn stale(plan: &Plan) -> Vec<(&'static str, PathBuf)> {
    let mut out: Vec<(&'static str, PathBuf)> = plan
        .conflicts
        .iter()
        .map(|c| (c.kind, c.path.clone()))
        .collect();
    for p in &plan.write {
        if p == Path::new(owned::CHANGES) {
            continue;
        }
        let kind = if plan.existing.contains(p) {
            "stale"
        } else {
            "missing"
        };
        out.push((kind, p.clone()));
    }
    out.extend(plan.remove.iter().map(|p| ("extra", p.clone())));
    out
}

/// What [`apply`] did in one crate folder (paths relative to it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Files written (created or replaced).
    pub written: Vec<PathBuf>,
    /// Files removed (written by an earlier run, no longer generated).
    pub removed: Vec<PathBuf>,
}

/// Carries out the plans of several crate folders: every file is written first (a file
/// that exists is staged beside its target; a new file is created in place, never over
/// one that appeared meanwhile), then each existing target and each file no longer
/// generated is moved to a backup name and the staged files renamed into place; the
/// backups are removed last. A failure at any step puts the old files back and removes
/// what this run created, so the folders are as they were. Plans with conflicts must not
/// be passed (`Err` without writing anything).
pub fn apply(crates: &[(&Path, &Plan)]) -> Result<Vec<Applied>, String> {
    if let Some((dir, plan)) = crates.iter().find(|(_, p)| !p.conflicts.is_empty()) {
        let c = &plan.conflicts[0];
        return Err(format!(
            "`{}` {}; nothing was written",
            dir.join(&c.path).display(),
            c.reason()
        ));
    }
    let mut writes: Vec<Write> = Vec::new();
    for (i, (dir, plan)) in crates.iter().enumerate() {
        for rel in &plan.write {
            let target = dir.join(rel);
            let staged = plan.existing.contains(rel).then(|| beside(&target, "tmp"));
            writes.push(Write {
                index: i,
                dir,
                rel,
                target,
                staged,
                text: plan.texts[rel].as_str(),
            });
        }
    }
    // WRITERS threads share the work (creating a file costs the kernel far more than
    // writing it), each preparing a folder once for all its files in it.
    let results: Vec<std::io::Result<()>> = std::thread::scope(|s| {
        let part = writes.len().div_ceil(WRITERS).max(1);
        let handles: Vec<_> = writes
            .chunks(part)
            .map(|part| {
                s.spawn(move || {
                    let mut ready = std::collections::HashSet::new();
                    part.iter().map(|w| w.write(&mut ready)).collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    // Only what this run created is undone.
    let undo = |writes: &[Write<'_>]| {
        for (w, r) in writes.iter().zip(&results) {
            if r.is_ok() {
                let _ = std::fs::remove_file(w.staged.as_ref().unwrap_or(&w.target));
            }
        }
    };
    if let Some((w, e)) = writes
        .iter()
        .zip(&results)
        .find_map(|(w, r)| r.as_ref().err().map(|e| (w, e)))
    {
        undo(&writes);
        return Err(format!(
            "cannot write `{}`: {e}; nothing was changed",
            w.staged.as_ref().unwrap_or(&w.target).display()
        ));
    }
    // Then every change is made reversibly: an existing file is first moved to a backup
    // name beside it, and a file no longer generated is moved there instead of removed, so
    // that a failure part-way (a folder put in a file's place meanwhile, rights taken away)
    // puts every old file back. The backups are removed once all is in place.
    let mut moved: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut removed: Vec<(&Path, PathBuf)> = Vec::new();
    let put_back = |moved: &[(PathBuf, PathBuf)]| {
        for (original, backup) in moved.iter().rev() {
            let _ = std::fs::rename(backup, original);
        }
    };
    let mut applied = vec![Applied::default(); crates.len()];
    for w in &writes {
        if let Some(tmp) = &w.staged {
            let step =
                set_aside(&w.target, &mut moved).and_then(|()| std::fs::rename(tmp, &w.target));
            if let Err(e) = step {
                put_back(&moved);
                undo(&writes);
                return Err(format!(
                    "cannot replace `{}`: {e}; nothing was changed",
                    w.target.display()
                ));
            }
        }
        applied[w.index].written.push(w.rel.to_path_buf());
    }
    for (i, (dir, plan)) in crates.iter().enumerate() {
        for rel in &plan.remove {
            let p = dir.join(rel);
            let step = if owned::parents_are_plain(dir, rel) {
                set_aside(&p, &mut moved)
            } else {
                Err(std::io::Error::other("a folder on its path became a link"))
            };
            if let Err(e) = step {
                put_back(&moved);
                undo(&writes);
                return Err(format!(
                    "cannot remove `{}`: {e}; nothing was changed",
                    p.display()
                ));
            }
            removed.push((*dir, p));
            applied[i].removed.push(rel.clone());
        }
    }
    for (_, backup) in &moved {
        let _ = std::fs::remove_file(backup);
    }
    for (dir, file) in &removed {
        remove_empty_parents(dir, file);
    }
    Ok(applied)
}

/// What [`Config::generate_into`] did.
#[derive(Debug, Clone)]
pub struct Report {
    /// The generation: its warnings (name collisions resolved with a suffix), the closure
    /// report and counts. `generation.files` is what the folder now holds.
    pub generation: Generation,
    /// Files written, relative to the crate folder (the generator's manifest
    /// `GENERATED.txt` and `CHANGES.md` included when they changed).
    pub written: Vec<PathBuf>,
    /// Generated files already up to date on disk.
    pub unchanged: usize,
    /// Files removed: written by an earlier run, no longer generated.
    pub removed: Vec<PathBuf>,
    /// The change report (`CHANGES.md`, also written to the folder) when this run changed
    /// the public API of a crate generated before.
    pub api_changes: Option<String>,
}

impl Config {
    /// Reads the schemas, generates the crate and writes it into `dir`, with the safety
    /// rules of `cargo xtask codegen`: a file is overwritten or removed only when the
    /// generator wrote it (listed in the crate's `GENERATED.txt`) and nobody changed it
    /// since; any other file in the way is refused, naming it, and then nothing is
    /// written; writes are staged and renamed into place. Relative schema paths are read
    /// from the current directory, and land as written in the generated files' headers.
    ///
    /// ```no_run
    /// let report = codegen::Config::for_crate("my-service")
    ///     .schema("schemas/my-service.xml")
    ///     .roots(["My.Service.Customer", "Orders"])
    ///     .service_root("https://example.com/odata")
    ///     .generate_into("generated/my-service")?;
    /// println!("{} files written", report.written.len());
    /// # Ok::<(), codegen::Error>(())
    /// ```
    pub fn generate_into(&self, dir: impl AsRef<Path>) -> Result<Report, Error> {
        let dir = dir.as_ref();
        let model = load(self, Path::new("."))?;
        let generation = crate::generate_full(self, &model)?;
        let plan = plan(dir, &self.name, &generation.files).map_err(|e| Error::new(e, None))?;
        if !plan.conflicts.is_empty() {
            return Err(Error {
                errors: plan
                    .conflicts
                    .iter()
                    .map(|c| {
                        crate::Diagnostic::at(
                            format!("`{}` {}", dir.join(&c.path).display(), c.reason()),
                            None,
                        )
                    })
                    .chain([crate::Diagnostic::at("nothing was written", None)])
                    .collect(),
            });
        }
        let api_changes = plan
            .write
            .contains(Path::new(owned::CHANGES))
            .then(|| plan.texts[Path::new(owned::CHANGES)].clone());
        let applied = apply(&[(dir, &plan)]).map_err(|e| Error::new(e, None))?;
        let Applied { written, removed } = applied.into_iter().next().unwrap_or_default();
        let unchanged = generation
            .files
            .keys()
            .filter(|p| !plan.write.contains(*p))
            .count();
        Ok(Report {
            generation,
            written,
            unchanged,
            removed,
            api_changes,
        })
    }
}

/// Threads writing files.
const WRITERS: usize = 4;

/// One file to write: in place when `staged` is `None`, else to `staged` first.
struct Write<'a> {
    /// Which crate of the batch.
    index: usize,
    /// The crate folder, and the file's path inside it.
    dir: &'a Path,
    rel: &'a Path,
    target: PathBuf,
    staged: Option<PathBuf>,
    text: &'a str,
}

impl Write<'_> {
    /// Creates the file (new, never through a link: `create_new` neither follows a link
    /// nor replaces a file) after checking that no folder on the way is a link.
    ///
    /// `ready` holds the folders this writer already checked and created: the files of
    /// one folder check its path once.
    fn write(&self, ready: &mut std::collections::HashSet<PathBuf>) -> std::io::Result<()> {
        use std::io::Write as _;
        if let Some(dir) = self.target.parent()
            && !ready.contains(dir)
        {
            if !owned::parents_are_plain(self.dir, self.rel) {
                return Err(std::io::Error::other("a folder on its path is a link"));
            }
            std::fs::create_dir_all(dir)?;
            ready.insert(dir.to_path_buf());
        }
        let path = self.staged.as_ref().unwrap_or(&self.target);
        if self.staged.is_some() {
            clear_leftover(path)?;
        }
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)?;
        f.write_all(self.text.as_bytes())
    }
}

/// The name beside `target` for its staged new text (`tmp`) or its backup (`old`):
/// `.NAME.codegen-tmp`, `.NAME.codegen-old`.
fn beside(target: &Path, kind: &str) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.codegen-{kind}"))
}

/// Removes a file an interrupted run left at one of [`beside`]'s names (or a link in its
/// place); a folder there stays, and makes the next step fail.
fn clear_leftover(path: &Path) -> std::io::Result<()> {
    if std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_dir()) {
        std::fs::remove_file(path)?;
    }
    Ok(())
}

/// Moves `file` to its backup name beside it (see [`apply`]), noting the move in `moved`.
fn set_aside(file: &Path, moved: &mut Vec<(PathBuf, PathBuf)>) -> std::io::Result<()> {
    let backup = beside(file, "old");
    clear_leftover(&backup)?;
    std::fs::rename(file, &backup)?;
    moved.push((file.to_path_buf(), backup));
    Ok(())
}

fn remove_empty_parents(top: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == top || !d.starts_with(top) {
            break;
        }
        if std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}
