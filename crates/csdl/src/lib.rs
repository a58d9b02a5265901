//! Reader for OData v4 CSDL (4.0 and 4.01), in XML and in JSON.
//!
//! Two stages, each a named type:
//! - [`document::Document`]: the lossless, positioned image of one CSDL file (the
//!   JSON reader, [`json`], produces the same elements and attributes as the XML one);
//! - [`model::Model`]: the resolved semantic model of a file and its references.
//!
//! Entry points: [`load`] (a file and the local files it references), [`load_in_with`]
//! (several documents, a map of reference URIs to local files, [`Options::strict`]),
//! [`load_str`] (text in memory) and [`load_with`] / [`load_all_with`] (files read
//! through a callback, for tests and fuzzing). Each returns the model, with its warnings, or [`diag::Errors`]: every
//! error of the run, located and rendered rustc-style:
//!
//! ```text
//! error: unknown type `t.Nope`
//!  --> schemas/service.xml:7:28
//! ```
//!
//! The nine standard OASIS vocabularies ([`STANDARD_VOCABULARIES`]) are embedded
//! (`crates/csdl/vocabularies/`, OASIS-licensed data): a reference including one of their
//! namespaces, at whatever URI, is satisfied without a file, and their types resolve
//! (a document may derive from `Capabilities.NavigationPropertyRestriction`). Each is
//! parsed only when referenced; its schemas are marked [`model::Schema::builtin`] and
//! its own warnings and terms stay out of the model. Terms are namespace-qualified in
//! the model and [`vocab`] reads the Core and Capabilities terms later stages need.
//!
//! # Documents by namespace
//!
//! Every document given contributes its namespaces, and an `edmx:Reference` is
//! satisfied by whichever document read declares the namespaces it includes, whatever
//! its `Uri`. Otherwise the reference's file is looked for (below). A type from a
//! namespace no document read declares is an error at the `Uri` that promised it,
//! naming the type, the namespace and how to provide it (`--schema`, `--reference
//! URI=FILE`, `[references]` in `codegen.toml`).
//!
//! # Errors and warnings
//!
//! Errors are what no correct code can come from (an unknown type, a key naming no
//! property, a cycle of base types, malformed XML, OData v2/v3). Warnings are located
//! and carry a documented interpretation: a derived type re-declaring a key (the
//! inherited key is used), a key property of a complex or collection type (the type
//! gets no key: no key-addressed builders), an `Extends`, `ActionImport` or
//! `FunctionImport` naming nothing read (left out), a navigation property binding that
//! cannot be followed (kept, unresolved), a name with a `-`, a missing reference.
//! Under [`Options::strict`] every warning is an error.
//!
//! # CSDL JSON
//!
//! Every document read (the user's and the referenced ones) is CSDL JSON (OData CSDL
//! JSON 4.01, as `$metadata?$format=json` answers) when its text starts with `{` after
//! white space and a byte order mark, CSDL XML when it starts with `<`, and otherwise
//! JSON when its name ends in `.json` ([`json::is_json`]). A JSON document is mapped onto
//! the elements CSDL XML spells (`"$Kind": "EntityType"` → `EntityType`, `"$Collection":
//! true` → `Type="Collection(…)"`, `"@Core.Description#Q"` → `Annotation`, …) with the
//! JSON defaults made explicit (`$Type` absent: `Edm.String`; `$Nullable` absent:
//! `false`), so the rest of the reader is shared and the same model in both notations
//! loads the same. Annotation values are typed by their term (its declaration in the
//! document or in an embedded standard vocabulary), so that `"@Core.Permissions":
//! "Read"` is the enumeration member it is in XML.
//!
//! JSON errors are located at the member name or value (`file:line:col`, the column
//! counting characters): malformed JSON, a member of the wrong kind of value (`"$Nullable":
//! "yes"`), an unknown `$Kind`, a required member missing (`$Type` of a navigation
//! property, entity set or singleton, `$UnderlyingType` of a type definition, `$Name` of a
//! parameter), and a duplicate member name in one object. The limits below apply too:
//! nesting of JSON values ([`document::MAX_DEPTH`]) and the length of one string or
//! number ([`document::MAX_VALUE_LEN`]).
//!
//! # Which files are opened
//!
//! The input is metadata written by someone else, so the reader opens only what the
//! user chose:
//! - the documents the user names ([`load`]'s path, [`load_in`]'s `schemas`: `--schema`
//!   or `schemas` in `codegen.toml`), wherever they are;
//! - the file [`Options::references`] maps a reference's `Uri` to, only if it lies
//!   (symbolic links followed) inside the folder of the first document named;
//! - a document an `edmx:Reference` names, only if its `Uri` is a relative path that
//!   stays inside the folder of the document naming it (subfolders are fine) and the
//!   file, symbolic links followed, lies inside that folder; a URL
//!   (`https://…/x.xml`) is looked for by its last segment beside the document.
//!   An absolute path, a `file:` URI, a `..` leaving the folder, a path with `\` and a
//!   symbolic link out of the folder are never opened (unless the path names one of
//!   the user's documents). A hard link inside the folder is a file of the folder: a
//!   link cannot be told from a deduplicated copy, and making one to a file needs the
//!   rights to it;
//! - every file opened ([`read_document`]) must be a regular file (not a device, FIFO,
//!   socket or folder; checked before opening and again on the open file) of at most
//!   [`MAX_DOCUMENT_SIZE`] (64 MiB; Graph v1.0 is 3.5 MB), in UTF-8. The same size cap
//!   applies to text given to [`load_str`] or returned by [`load_with`]'s callback.
//!
//! A reference not opened or not found is a warning at its `Uri` attribute (the document
//! still loads: documents by others reference files nobody has, for their annotations),
//! and an error at the same place when a type from one of its namespaces is used. The
//! diagnostics quote the `Uri` as written and nothing of the file.
//!
//! # Names
//!
//! Every declared name is checked ([`names`]): the `Name` of entity, complex and enum
//! types, enum members, type definitions, properties, navigation properties, actions,
//! functions, parameters, terms, entity containers, entity sets, singletons and
//! imports; schema `Namespace`s (dot-separated names) and every `Alias` (of a schema, an
//! `edmx:Include`, a key's `PropertyRef`, and of a `Core.AlternateKeys` key part, whose
//! key is left out when its alias is refused: see [`vocab::alternate_keys`]). A name is
//! OData's `SimpleIdentifier` (a letter or `_`, then letters, digits, `_` and combining
//! marks; at most 128 characters; a namespace at most 511).
//! - A `-` inside a name, or a `.` inside the name of a member (property, enum member,
//!   parameter, entity set, …), is accepted with a located warning and kept as written
//!   (Graph v1.0's `InnerError` has properties `request-id` and `client-request-id`).
//! - Everything else is a located error (`file:line:col` of the attribute): an empty or
//!   over-long name, a leading digit (any script's), control and format characters
//!   (line breaks, tabs, bidi controls U+202A–U+202E and U+2066–U+2069, zero-width
//!   characters, the BOM), whitespace, and every other punctuation or symbol
//!   (`` ` `` `<` `>` `"` `'` `\` `{` `}` `[` `]` `(` `)` `*` `#` `!` `$` `&` `@` `/` `:`
//!   `;` `|` `~` `+` `=` `%`, superscripts, …); a `.` in a schema-level name.
//!
//! # Limits
//!
//! | what | limit | beyond it |
//! |---|---|---|
//! | document size | [`MAX_DOCUMENT_SIZE`] = 64 MiB | error, file not read |
//! | documents per load | [`MAX_DOCUMENTS`] = 256 | error at the `Uri`, file not read |
//! | text per load, all documents together | [`MAX_TOTAL_SIZE`] = 256 MiB | error at the `Uri`, nothing more read |
//! | element nesting (ignored elements included); JSON value nesting | [`document::MAX_DEPTH`] = 200 | error at the element or value |
//! | attribute value, expression text; JSON string or number | [`document::MAX_VALUE_LEN`] = 1 MiB | error at the attribute, element or value |
//! | name | [`names::MAX_NAME_LEN`] = 128 characters | error at the attribute |
//! | namespace | [`names::MAX_NAMESPACE_LEN`] = 511 characters | error at the attribute |
//!
//! Diagnostics never carry control or invisible characters from the input (they are
//! shown as `\u{…}`) and are at most 1,000 characters long.

pub mod diag;
pub mod document;
pub mod json;
pub mod model;
pub mod names;
mod resolve;
pub mod vocab;

pub use resolve::{
    MAX_DOCUMENT_SIZE, MAX_DOCUMENTS, MAX_TOTAL_SIZE, Options, ReadError, ReadErrorKind,
    STANDARD_VOCABULARIES, load, load_all_with, load_in, load_in_with, load_str, load_with,
    read_document,
};
