//! Change tracking (delta): a typed stream of the changes to a collection, ending with
//! the [`DeltaLink`] to resume from next time.
//!
//! A delta request (Microsoft Graph's `users/microsoft.graph.delta()`, or a collection
//! read with `Prefer: odata.track-changes`) answers with pages of changes: the first sync
//! lists every entity, later ones (from the stored delta link) only what changed since.
//! [`DeltaStream`] reads them one page at a time and yields [`Change`]s:
//!
//! - an added or changed entity, decoded as the read shape ([`Change::Upsert`]);
//! - a removed entity ([`Change::Removed`]): Graph's and OData 4.01's
//!   `"@removed": {"reason": "changed" | "deleted"}` (4.0: `@odata.removed`), and the
//!   OData 4.0 deleted entity (`@odata.context` ending `/$deletedEntity`, with `id` and
//!   `reason`);
//! - an added or deleted link (`@odata.context` ending `/$link` or `/$deletedLink`,
//!   with `source`, `relationship` and `target`).
//!
//! Next links are followed like a [`Pager`](super::paging::Pager)'s (relative ones
//! resolved against the page that carried them, every URL under the client's origin
//! rule, at most [`max_pages`](super::client::ClientBuilder::max_pages) pages, a
//! repeating link refused); the last page must carry `@odata.deltaLink`: a sync that
//! ends without one fails rather than ending silently. A link the service no longer
//! knows is [`Error::ResyncRequired`].
//!
//! Memory holds one page of changes at a time, whatever the number of pages.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::marker::PhantomData;
use std::pin::Pin;
use std::str::FromStr;
use std::task::{Context, Poll};

use futures_core::Stream;

use super::auth::BoxFuture;
use super::client::{Client, RequestOptions, error_from_response, log_path};
use super::codec::Look;
use super::error::Error;
use super::json::{self, DecodeError, Decoder, FromJson, Map, Path, Value};
use super::origin::{Origin, OriginError};
use super::paging::Page;
use super::request::{Builder, Field, FnArg};
use super::transport::{Method, Response};
use super::url::{Query, Resource, resolve};

/// The link a finished delta sync ends with (`@odata.deltaLink`), made absolute: store
/// it and resume from it with [`Client::resume_delta`] or [`DeltaRequest::resume`].
///
/// It is opaque: its query holds the service's state token, which is as good as read
/// access to the changes, so keep it like a credential. `Display` (and serde, with the
/// `serde` feature) write the whole URL, for storing; `FromStr` reads it back (an
/// absolute `http(s)` URL the client accepts, see [`Origin::parse`]). `Debug` shows its
/// origin and path only, and the client never logs its query.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct DeltaLink(String);

impl DeltaLink {
    /// The whole URL, query included.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DeltaLink {
    /// The whole URL, for storing.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for DeltaLink {
    /// `DeltaLink(https://host/path?…)`: never the query.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let origin = Origin::parse(&self.0).map(|o| o.to_string());
        write!(
            f,
            "DeltaLink({}{}?…)",
            origin.as_deref().unwrap_or(""),
            log_path(&self.0)
        )
    }
}

impl FromStr for DeltaLink {
    type Err = OriginError;

    /// A stored link: an absolute `http(s)` URL that [`Origin::parse`] accepts.
    fn from_str(s: &str) -> Result<DeltaLink, OriginError> {
        Origin::parse(s)?;
        Ok(DeltaLink(s.to_owned()))
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for DeltaLink {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for DeltaLink {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <String as serde::Deserialize>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// One change of a delta response.
#[derive(Clone, Debug, PartialEq)]
pub enum Change<T> {
    /// An entity added or changed since the last sync (on the first sync: every
    /// entity), as the service sent it: Graph sends the changed properties (all of them
    /// on the first sync), so properties it left out are `None` without having changed.
    /// Nested changes such as Graph's `members@delta` are read with [`Change::nested`].
    Upsert(T),
    /// An entity removed from the collection.
    Removed(Removed),
    /// A link added between two entities (`…/$link`).
    Linked(LinkChange),
    /// A link deleted (`…/$deletedLink`).
    Unlinked(LinkChange),
}

/// A removed entity: its identity and why it left the collection.
#[derive(Clone, Debug, PartialEq)]
pub struct Removed {
    /// The entity's id as the service wrote it: `@id` (OData 4.01, an entity id URL),
    /// else the `id` member (Graph's key; OData 4.0's entity id). `None` when the
    /// service identified the entity by its key properties only (in `other`).
    pub id: Option<String>,
    /// Why, when the service said: Graph's `deleted` (gone for good) or `changed`
    /// (left the collection, e.g. a user soft-deleted or a member removed).
    pub reason: Option<RemovedReason>,
    /// The other members (key properties, `@odata.type`, …).
    pub other: Map<String, Value>,
}

/// Why an entity was removed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RemovedReason {
    /// `deleted`: the entity was deleted.
    Deleted,
    /// `changed`: the entity no longer belongs to the collection (Graph: soft-deleted,
    /// or out of the request's scope); it may come back.
    Changed,
    /// Another reason, as sent.
    Other(String),
}

/// An added or deleted link: `source`'s navigation property `relationship` now points
/// (or no longer points) to `target`. Both ids are as the service wrote them.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LinkChange {
    /// The id of the entity holding the navigation property.
    pub source: String,
    /// The navigation property's name.
    pub relationship: String,
    /// The id of the linked entity.
    pub target: String,
}

/// `@odata.context` (`@context` in OData 4.01).
fn context(map: &Map<String, Value>) -> Option<&str> {
    map.get("@odata.context")
        .or_else(|| map.get("@context"))
        .and_then(Value::as_str)
}

fn take_string(
    map: &mut Map<String, Value>,
    name: &str,
    path: &Path<'_>,
) -> Result<Option<String>, DecodeError> {
    match map.remove(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(DecodeError::expected(&path.key(name), "a string", &other)),
    }
}

impl LinkChange {
    fn from_map(mut map: Map<String, Value>, path: &Path<'_>) -> Result<LinkChange, DecodeError> {
        let mut required = |name: &str| {
            take_string(&mut map, name, path)?
                .ok_or_else(|| DecodeError::new(path, format!("a link change without `{name}`")))
        };
        Ok(LinkChange {
            source: required("source")?,
            relationship: required("relationship")?,
            target: required("target")?,
        })
    }
}

impl Removed {
    /// A removed entity from its members; `removed` is the `@removed` object, if any
    /// (an OData 4.0 deleted entity has `reason` beside `id` instead).
    fn from_map(
        mut map: Map<String, Value>,
        removed: Option<(&str, Value)>,
        path: &Path<'_>,
    ) -> Result<Removed, DecodeError> {
        map.remove("@odata.context");
        map.remove("@context");
        let reason = match removed {
            Some((name, Value::Object(mut r))) => take_string(&mut r, "reason", &path.key(name))?,
            Some((name, other)) => {
                return Err(DecodeError::expected(&path.key(name), "an object", &other));
            }
            None => take_string(&mut map, "reason", path)?,
        };
        let reason = reason.map(|r| match r.as_str() {
            "deleted" => RemovedReason::Deleted,
            "changed" => RemovedReason::Changed,
            _ => RemovedReason::Other(r),
        });
        let mut id = take_string(&mut map, "@id", path)?;
        if id.is_none() {
            id = take_string(&mut map, "@odata.id", path)?;
        }
        if id.is_none() && matches!(map.get("id"), Some(Value::String(_))) {
            id = take_string(&mut map, "id", path)?;
        }
        if id.is_none() && !map.keys().any(|k| !k.contains('@')) {
            return Err(DecodeError::new(
                path,
                "a removed entity without `@id`, `id` or key properties",
            ));
        }
        Ok(Removed {
            id,
            reason,
            other: map,
        })
    }
}

impl<T: FromJson> FromJson for Change<T> {
    /// An upserted entity (nearly every item) is decoded as it comes; the rare removed
    /// entities and link changes, recognised by looking ahead for their markers, are
    /// read as a tree first.
    fn decode(d: &mut Decoder<'_>, path: &Path<'_>) -> Result<Self, DecodeError> {
        let mut special = d.peek() != Some(b'{');
        d.look_ahead(path, &mut |key, d, p| match key {
            "@removed" | "@odata.removed" => {
                special = true;
                Ok(Look::Stop)
            }
            "@odata.context" | "@context" if d.peek() == Some(b'"') => {
                let context = d.string(p, "a string")?;
                if matches!(
                    context.rsplit('/').next(),
                    Some("$link" | "$deletedLink" | "$deletedEntity")
                ) {
                    special = true;
                    return Ok(Look::Stop);
                }
                Ok(Look::Read)
            }
            _ => Ok(Look::Skip),
        })?;
        if special {
            let value = d.value(path)?;
            return Self::from_json(value, path);
        }
        T::decode(d, path).map(Change::Upsert)
    }
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
        let Value::Object(mut map) = value else {
            return Err(DecodeError::expected(path, "a delta item (object)", &value));
        };
        let kind = context(&map).and_then(|c| c.rsplit('/').next());
        match kind {
            Some("$link") => return LinkChange::from_map(map, path).map(Change::Linked),
            Some("$deletedLink") => return LinkChange::from_map(map, path).map(Change::Unlinked),
            _ => {}
        }
        let deleted_entity = kind == Some("$deletedEntity");
        let removed = ["@removed", "@odata.removed"]
            .into_iter()
            .find_map(|name| map.remove(name).map(|v| (name, v)));
        if removed.is_some() || deleted_entity {
            return Removed::from_map(map, removed, path).map(Change::Removed);
        }
        T::from_json(Value::Object(map), path).map(Change::Upsert)
    }
}

impl<T: FromJson> Change<T> {
    /// The changes of a nested collection of an upserted entity, from its other
    /// members (a generated model's `additional`): `nav@delta` (Graph's `members@delta`
    /// on groups, OData 4.01) or `nav@odata.delta` (OData 4.0), decoded as `T`. `None`
    /// when the entity has none. Graph sends members as `directoryObject`s with an
    /// `@odata.type` and an `id`, and removed members with `@removed`.
    pub fn nested(
        members: &Map<String, Value>,
        nav: &str,
    ) -> Result<Option<Vec<Change<T>>>, DecodeError> {
        for name in [format!("{nav}@delta"), format!("{nav}@odata.delta")] {
            let Some(value) = members.get(&name) else {
                continue;
            };
            let path = Path::ROOT;
            let path = path.key(&name);
            let Value::Array(items) = value else {
                return Err(DecodeError::expected(&path, "an array", value));
            };
            return items
                .iter()
                .enumerate()
                .filter(|(_, v)| !v.is_null())
                .map(|(i, v)| Change::from_json(v.clone(), &path.index(i)))
                .collect::<Result<Vec<_>, _>>()
                .map(Some);
        }
        Ok(None)
    }
}

/// A delta request before it is sent: the first request's query options. `.stream()`
/// starts a sync (every entity, then a delta link); [`resume`](DeltaRequest::resume)
/// continues from a stored delta link.
pub struct DeltaRequest<T, F> {
    builder: Builder,
    resource: Resource,
    query: Query,
    latest: bool,
    _marker: PhantomData<fn() -> (T, F)>,
}

impl<T, F> fmt::Debug for DeltaRequest<T, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeltaRequest")
            .field("resource", &self.resource)
            .field("query", &self.query)
            .field("latest", &self.latest)
            .finish()
    }
}

impl Builder {
    /// A delta function bound to this collection (`…/ns.delta()`), as a typed delta
    /// request.
    pub fn delta<T: FromJson + Send + 'static, F: Field>(
        &self,
        name: &str,
        args: &[(&str, FnArg)],
    ) -> DeltaRequest<T, F> {
        DeltaRequest::new(self, self.function_resource(name, args))
    }

    /// This collection read with `Prefer: odata.track-changes` (standard OData change
    /// tracking, where `Capabilities.ChangeTracking` says the set supports it): the
    /// same typed delta request as a delta function's.
    pub fn track_changes<T: FromJson + Send + 'static, F: Field>(&self) -> DeltaRequest<T, F> {
        let builder = self
            .clone()
            .map_options(|o| o.prefer("odata.track-changes"));
        DeltaRequest::new(&builder, self.resource().clone())
    }
}

impl<T: FromJson + Send + 'static, F: Field> DeltaRequest<T, F> {
    /// A delta request of `resource` with the builder's client and options.
    pub fn new(builder: &Builder, resource: Resource) -> Self {
        DeltaRequest {
            builder: builder.clone(),
            resource,
            query: Query::new(),
            latest: false,
            _marker: PhantomData,
        }
    }

    /// `$select` these properties (Graph then tracks changes to these only).
    pub fn select(mut self, fields: impl IntoIterator<Item = F>) -> Self {
        self.query = self.query.select(fields.into_iter().map(Field::wire_name));
        self
    }

    /// `$select` given as text (`members`, for Graph's `members@delta` on groups).
    pub fn select_raw<S: Into<String>>(mut self, items: impl IntoIterator<Item = S>) -> Self {
        self.query = self.query.select(items);
        self
    }

    /// `$filter`, where the service allows one on delta requests (Graph: `id eq '…'`
    /// on users and groups, a few others); quote values with
    /// [`UrlLiteral::to_url_literal`](super::url::UrlLiteral::to_url_literal).
    pub fn filter(mut self, expr: impl Into<String>) -> Self {
        self.query = self.query.filter(expr);
        self
    }

    /// `$expand` navigation paths, where the service allows it.
    pub fn expand<S: Into<String>>(mut self, items: impl IntoIterator<Item = S>) -> Self {
        self.query = self.query.expand(items);
        self
    }

    /// A custom query option.
    pub fn custom(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query = self.query.custom(name, value);
        self
    }

    /// An extra request header, sent with every page (and on [`resume`](Self::resume)).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.builder = self.builder.map_options(|o| o.header(name, value));
        self
    }

    /// `Prefer: odata.maxpagesize=n`.
    pub fn max_page_size(mut self, n: u32) -> Self {
        self.builder = self.builder.map_options(|o| o.max_page_size(n));
        self
    }

    /// `$deltatoken=latest`: Graph's "sync from now": no entities, only a delta link
    /// for the changes from now on.
    pub fn latest(mut self) -> Self {
        self.latest = true;
        self
    }

    /// The query options so far.
    pub fn query(&self) -> &Query {
        &self.query
    }

    /// Start a sync: every change across pages, then [`DeltaStream::delta_link`].
    pub fn stream(self) -> DeltaStream<T> {
        let client = self.builder.client();
        let mut url = client.url(&self.resource, &self.query);
        if self.latest {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str("$deltatoken=latest");
        }
        DeltaStream::new(client.clone(), url, self.builder.options().clone())
    }

    /// Continue from a stored delta link: the changes since it, then a new delta link.
    /// The link carries the query of the first request; this request's headers are sent.
    pub fn resume(self, link: &DeltaLink) -> DeltaStream<T> {
        let opts = self.builder.options().clone();
        DeltaStream::new(self.builder.client().clone(), link.0.clone(), opts)
    }
}

impl Client {
    /// Continue a sync from a stored delta link: the changes since it, as `T` (the read
    /// shape of the collection), then a new delta link.
    pub fn resume_delta<T: FromJson + Send + 'static>(&self, link: &DeltaLink) -> DeltaStream<T> {
        DeltaStream::new(self.clone(), link.0.clone(), RequestOptions::new())
    }
}

/// A page, its URL, its status, and whether it came over a chain that carried
/// credentials throughout (its links may have the token).
type Fetch<T> = BoxFuture<'static, Result<(Page<Change<T>>, String, u16, bool), Error>>;

/// The changes of a delta sync as a `Stream<Item = Result<Change<T>, Error>>`, one page
/// request at a time; after the last change, [`delta_link`](DeltaStream::delta_link)
/// holds the link to store.
///
/// The stream ends with an error, never silently, when the sync cannot finish: the
/// last page has no `@odata.deltaLink` (or one that is not an `http(s)` URL), a next
/// link repeats, [`max_pages`](super::client::ClientBuilder::max_pages) pages were read
/// with a next link still to follow ([`Error::TooManyPages`]), or the service lost the
/// sync state ([`Error::ResyncRequired`]).
pub struct DeltaStream<T> {
    client: Client,
    opts: RequestOptions,
    next: Option<String>,
    seen: HashSet<u64>,
    max_pages: usize,
    pages: usize,
    buffer: VecDeque<Change<T>>,
    fetch: Option<Fetch<T>>,
    link: Option<DeltaLink>,
    done: bool,
    /// False once a page came from another origin: its links are that server's
    /// choice, so they are followed without credentials (as the pager does).
    trusted: bool,
}

// No field is structurally pinned.
impl<T> Unpin for DeltaStream<T> {}

impl<T> fmt::Debug for DeltaStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeltaStream")
            .field("pages", &self.pages)
            .field("next", &self.next.as_deref().map(log_path))
            .field("delta_link", &self.link)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

/// The hash the repeat check keeps per link.
fn link_hash(url: &str) -> u64 {
    let mut h = DefaultHasher::new();
    url.hash(&mut h);
    h.finish()
}

/// Whether an OData error code says the sync state is gone (Graph: `resyncRequired`,
/// `syncStateNotFound`, `syncStateInvalid`, `resyncChangesApplyDifferences`, …).
fn is_resync_code(code: &str) -> bool {
    let code = code.to_ascii_lowercase();
    code.starts_with("resync") || code.starts_with("syncstate")
}

/// The error of a failed delta page: [`Error::ResyncRequired`] for a 410 Gone or a
/// resync error code (with the `Location` restart link resolved against `url`), else
/// the usual error.
fn delta_error(resp: &Response, url: &str) -> Error {
    let error = error_from_response(resp);
    let resync = resp.status == 410 || error.odata_error().is_some_and(|e| is_resync_code(&e.code));
    if !resync {
        return error;
    }
    let restart = resp
        .header("location")
        .and_then(|l| resolve(url, l.trim()).parse::<DeltaLink>().ok());
    let error = match error {
        Error::Service { error, .. } => Some(error),
        _ => None,
    };
    Error::ResyncRequired {
        status: resp.status,
        error,
        restart,
    }
}

fn decode_error(status: u16, path: &Path<'_>, message: &str) -> Error {
    Error::Decode {
        status,
        error: DecodeError::new(path, message),
    }
}

impl<T: FromJson + Send + 'static> DeltaStream<T> {
    fn new(client: Client, url: String, opts: RequestOptions) -> DeltaStream<T> {
        let mut seen = HashSet::new();
        seen.insert(link_hash(&url));
        DeltaStream {
            max_pages: client.max_pages(),
            client,
            opts: RequestOptions {
                // Links carry their own query; never append ours.
                query: Query::new(),
                ..opts
            },
            next: Some(url),
            seen,
            pages: 0,
            buffer: VecDeque::new(),
            fetch: None,
            link: None,
            done: false,
            trusted: true,
        }
    }

    /// The delta link to store, once the last page has been read.
    pub fn delta_link(&self) -> Option<&DeltaLink> {
        self.link.as_ref()
    }

    /// The delta link, once the last page has been read.
    pub fn into_delta_link(self) -> Option<DeltaLink> {
        self.link
    }

    /// How many pages have been read.
    pub fn pages_read(&self) -> usize {
        self.pages
    }

    /// The changes of the next page (`None` after the last one): for applying a page
    /// at a time. Do not mix with the `Stream` impl: changes already buffered there are
    /// skipped.
    pub async fn next_page(&mut self) -> Option<Result<Vec<Change<T>>, Error>> {
        self.buffer.clear();
        std::future::poll_fn(|cx| self.poll_page(cx)).await
    }

    fn start_fetch(&mut self) -> Option<Fetch<T>> {
        let url = self.next.take()?;
        let client = self.client.clone();
        let opts = self.opts.clone();
        let trusted = self.trusted;
        Some(Box::pin(async move {
            let map = |resp: &Response| delta_error(resp, &url);
            let (resp, trusted) = client
                .execute_from(Method::Get, url.clone(), None, &opts, trusted, &map)
                .await?;
            let page =
                json::from_slice::<Page<Change<T>>>(&resp.body).map_err(|error| Error::Decode {
                    status: resp.status,
                    error,
                })?;
            Ok((page, url, resp.status, trusted))
        }))
    }

    /// Fail the stream with `error` at the next poll (after this page's changes).
    fn fail_next(&mut self, error: Error) {
        self.fetch = Some(Box::pin(std::future::ready(Err(error))));
    }

    fn poll_page(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Vec<Change<T>>, Error>>> {
        if self.done {
            return Poll::Ready(None);
        }
        if self.fetch.is_none() {
            match self.start_fetch() {
                Some(f) => self.fetch = Some(f),
                None => {
                    self.done = true;
                    return Poll::Ready(None);
                }
            }
        }
        let Some(fetch) = self.fetch.as_mut() else {
            return Poll::Ready(None);
        };
        let result = match fetch.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(r) => r,
        };
        self.fetch = None;
        let (page, url, status) = match result {
            Ok((page, url, status, trusted)) => {
                self.trusted = trusted;
                (page, url, status)
            }
            Err(e) => {
                self.done = true;
                return Poll::Ready(Some(Err(e)));
            }
        };
        self.pages += 1;
        let root = Path::ROOT;
        match (page.next_link, page.delta_link) {
            (Some(_), _) if self.pages >= self.max_pages => {
                self.fail_next(Error::TooManyPages {
                    limit: self.max_pages,
                });
            }
            (Some(link), _) => {
                let abs = resolve(&url, &link);
                if self.seen.insert(link_hash(&abs)) {
                    self.next = Some(abs);
                } else {
                    self.fail_next(decode_error(
                        status,
                        &root.key("@odata.nextLink"),
                        "the next link repeats an earlier one: the sync cannot reach its delta link",
                    ));
                }
            }
            (None, Some(link)) => match resolve(&url, &link).parse::<DeltaLink>() {
                Ok(link) => {
                    self.link = Some(link);
                    self.done = true;
                }
                Err(e) => self.fail_next(decode_error(
                    status,
                    &root.key("@odata.deltaLink"),
                    &format!("the delta link is {e}"),
                )),
            },
            (None, None) => self.fail_next(decode_error(
                status,
                &root,
                "the last page of the delta response has neither @odata.nextLink nor \
                 @odata.deltaLink: the sync cannot be resumed",
            )),
        }
        Poll::Ready(Some(Ok(page.items)))
    }
}

impl<T: FromJson + Send + 'static> Stream for DeltaStream<T> {
    type Item = Result<Change<T>, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(change) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(change)));
            }
            match this.poll_page(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(changes))) => this.buffer.extend(changes),
            }
        }
    }
}
