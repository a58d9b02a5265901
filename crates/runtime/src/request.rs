//! The requests of the generated request builders: the state every builder holds
//! ([`Builder`]: client, resource path, request options) and the generic requests it
//! makes (`GET` of one entity or a collection with query options, create, update,
//! delete, bound and unbound actions and functions).
//!
//! A generated crate's builders (`src/client/`) are thin: each method builds a path and
//! calls one function here, as `crate::runtime::request` (imported as `support`), so the
//! request code is compiled once per crate rather than once per entity type.

use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;

use super::client::decode_optional;
use super::enums::{OpenEnum, enum_url_literal};
pub use super::expand::{Expand, IntoExpand, Many, One};
use super::{
    Client, DecodeError, Decoder, Encoder, Error, FromJson, Map, Method, Page, Pager, Param, Path,
    Query, RawLiteral, RequestOptions, Resource, Response, ToJson, UrlLiteral, Value, ValueOf,
};

/// A boxed, `Send` future of a request's result (what `.await` on a request runs).
pub type RequestFuture<T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'static>>;

/// A structural property of an entity type, named by its wire name, for typed
/// `$select` and `$orderby`.
pub trait Field: Copy {
    /// The property's wire (CSDL) name.
    fn wire_name(self) -> &'static str;
}

/// The state of a request builder: the client, the resource path and the request options
/// (headers such as `If-Match` and `Prefer`) that its requests send.
#[derive(Clone, Debug)]
pub struct Builder {
    client: Client,
    resource: Resource,
    options: RequestOptions,
}

/// A function argument: an inline URL literal or a JSON value passed as a parameter alias.
#[derive(Clone, Debug, PartialEq)]
pub enum FnArg {
    /// Inline literal text (already in URL literal form, not yet percent-encoded).
    Literal(String),
    /// JSON value, passed as `@name` alias (complex, collection and other values).
    Json(Value),
}

/// An inline literal argument (primitive values).
pub fn lit<T: UrlLiteral + ?Sized>(value: &T) -> FnArg {
    FnArg::Literal(value.to_url_literal())
}

/// An enumeration literal argument: `ns.Type'member'`.
pub fn enum_lit<E: OpenEnum>(qualified_type: &str, value: &E) -> FnArg {
    FnArg::Literal(enum_url_literal(qualified_type, value.as_str()))
}

/// A JSON argument passed as a parameter alias.
pub fn json<T: ToJson + ?Sized>(value: &T) -> FnArg {
    FnArg::Json(super::json::tree(value))
}

impl Builder {
    /// A builder at `name` (an entity set, singleton or operation import) of the service.
    pub fn root(client: &Client, name: &str) -> Builder {
        Builder {
            client: client.clone(),
            resource: Resource::new(name),
            options: RequestOptions::new(),
        }
    }

    /// A builder at an encoded resource path relative to the service root.
    pub fn at(client: &Client, resource: Resource) -> Builder {
        Builder {
            client: client.clone(),
            resource,
            options: RequestOptions::new(),
        }
    }

    /// The client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The resource path.
    pub fn resource(&self) -> &Resource {
        &self.resource
    }

    /// The request options sent with every request of this builder.
    pub fn options(&self) -> &RequestOptions {
        &self.options
    }

    /// The same builder with `f` applied to its options.
    pub fn map_options(mut self, f: impl FnOnce(RequestOptions) -> RequestOptions) -> Builder {
        self.options = f(self.options);
        self
    }

    /// The same builder with one more request header.
    pub fn with_header(self, name: &str, value: &str) -> Builder {
        self.map_options(|o| o.header(name, value))
    }

    /// The same builder sending `If-Match: etag`.
    pub fn with_if_match(self, etag: &str) -> Builder {
        self.map_options(|o| o.if_match(etag))
    }

    /// The same builder sending `Prefer: return=minimal`.
    pub fn with_return_minimal(self) -> Builder {
        self.map_options(RequestOptions::return_minimal)
    }

    /// `…/segment` (a navigation property), with fresh options.
    pub fn nav(&self, segment: &str) -> Builder {
        Builder {
            client: self.client.clone(),
            resource: self.resource.clone().segment(segment),
            options: RequestOptions::new(),
        }
    }

    /// One entity of this collection by a single-part key: `…/{key}` when `as_segment`
    /// (Microsoft Graph), otherwise `…('key')`.
    pub fn key<K: UrlLiteral + ?Sized>(&self, key: &K, as_segment: bool) -> Builder {
        let resource = if as_segment {
            self.resource.clone().key_segment(key)
        } else {
            self.resource.clone().key(key)
        };
        Builder {
            client: self.client.clone(),
            resource,
            options: RequestOptions::new(),
        }
    }

    /// One entity of this collection by a compound key: `…(a=1,b='x')`.
    pub fn compound_key(&self, parts: &[(&str, &dyn UrlLiteral)]) -> Builder {
        Builder {
            client: self.client.clone(),
            resource: self.resource.clone().compound_key(parts),
            options: RequestOptions::new(),
        }
    }

    /// One entity of this collection by a compound key as path segments, in key order
    /// (`…/1/x`: the key-as-segment convention, URL conventions 4.3.6). When a part's value
    /// is empty, `.` or `..` (not a usable segment), the whole key is written in
    /// parentheses instead (`…(a=1,b='.')`).
    pub fn compound_key_segments(&self, parts: &[(&str, &dyn UrlLiteral)]) -> Builder {
        let usable = parts.iter().all(|(_, v)| {
            let raw = v.to_segment_value();
            !(raw.is_empty() || raw == "." || raw == "..")
        });
        if !usable {
            return self.compound_key(parts);
        }
        let resource = parts
            .iter()
            .fold(self.resource.clone(), |r, (_, v)| r.key_segment(*v));
        Builder {
            client: self.client.clone(),
            resource,
            options: RequestOptions::new(),
        }
    }

    /// A builder at an entity set (or singleton) of the service, on the same client: the
    /// start of another path, e.g. the canonical URL of an entity a reference points to.
    pub fn at_root(&self, name: &str) -> Builder {
        Builder::root(&self.client, name)
    }

    /// The absolute URL of this resource (no query options): what `@odata.id` holds.
    pub fn url(&self) -> String {
        self.client.url(&self.resource, &Query::new())
    }

    /// `…/ns.Type`: this collection or entity cast to a derived type, with fresh options.
    pub fn cast(&self, qualified_type: &str) -> Builder {
        self.nav(qualified_type)
    }

    /// `GET …/$count`: the number of entities of this collection (with the request's
    /// `$filter` and `$search`), read from the `text/plain` body.
    pub fn count(&self) -> CountRequest {
        CountRequest {
            builder: self.nav("$count"),
            query: Query::new(),
        }
    }

    /// `POST …/$ref` with `{"@odata.id": url}`: adds a reference to `entity` to this
    /// collection-valued navigation property.
    pub fn add_ref(&self, entity: &Builder) -> RequestFuture<()> {
        self.send_ref(Method::Post, entity)
    }

    /// `PUT …/$ref` with `{"@odata.id": url}`: sets this single-valued navigation
    /// property to `entity`.
    pub fn set_ref(&self, entity: &Builder) -> RequestFuture<()> {
        self.send_ref(Method::Put, entity)
    }

    /// `DELETE …/$ref`: removes the reference (for an item of a collection-valued
    /// navigation property, `…/nav/{key}/$ref`), not the entity.
    pub fn remove_ref(&self) -> RequestFuture<()> {
        let (client, url, options) = self.ref_request();
        Box::pin(async move {
            client.execute(Method::Delete, url, None, &options).await?;
            Ok(())
        })
    }

    /// `GET …/$ref` of a single-valued navigation property: the entity it references,
    /// or `None` when the service answers 204 (no entity).
    pub fn get_ref(&self) -> RequestFuture<Option<Reference>> {
        let (this, resource) = (self.clone(), self.resource.clone().segment("$ref"));
        Box::pin(async move { this.client.get_optional(&resource, &this.options).await })
    }

    /// `GET …/$ref` of a collection-valued navigation property: the references, paged.
    pub fn refs(&self) -> ListRequest<Reference, NoField> {
        ListRequest::new(&self.nav("$ref"))
    }

    fn ref_request(&self) -> (Client, String, RequestOptions) {
        let resource = self.resource.clone().segment("$ref");
        let url = self.client.url(&resource, &Query::new());
        (self.client.clone(), url, self.options.clone())
    }

    fn send_ref(&self, method: Method, entity: &Builder) -> RequestFuture<()> {
        let body = Reference { id: entity.url() };
        let body = super::json::to_vec(&body);
        let (client, url, options) = self.ref_request();
        Box::pin(async move {
            client.execute(method, url, Some(body), &options).await?;
            Ok(())
        })
    }

    /// `POST` an entity to this collection: 201 gives `Some`, 204 (`return=minimal`) `None`.
    ///
    /// The body is encoded now; the request is sent when the future is polled.
    pub fn create<T: FromJson + Send + 'static>(
        &self,
        body: &dyn ToJson,
    ) -> RequestFuture<Option<T>> {
        decoded(
            self.send(Method::Post, Some(super::json::to_vec(body))),
            decode_optional::<T>,
        )
    }

    /// `PATCH` this entity: 200 gives `Some`, 204 `None`.
    ///
    /// The body is encoded now; the request is sent when the future is polled.
    pub fn update<T: FromJson + Send + 'static>(
        &self,
        body: &dyn ToJson,
    ) -> RequestFuture<Option<T>> {
        decoded(
            self.send(Method::Patch, Some(super::json::to_vec(body))),
            decode_optional::<T>,
        )
    }

    /// `PUT` this entity (replace): 200 gives `Some`, 204 `None`.
    ///
    /// The body is encoded now; the request is sent when the future is polled.
    pub fn replace<T: FromJson + Send + 'static>(
        &self,
        body: &dyn ToJson,
    ) -> RequestFuture<Option<T>> {
        decoded(
            self.send(Method::Put, Some(super::json::to_vec(body))),
            decode_optional::<T>,
        )
    }

    /// `DELETE` this entity.
    pub fn delete(&self) -> RequestFuture<()> {
        let this = self.clone();
        Box::pin(async move { this.client.delete(&this.resource, &this.options).await })
    }

    /// Invoke a bound action (or an action import at the root) with a JSON object of
    /// parameters; the result, if any, decoded as `T`.
    ///
    /// The parameters are encoded now; the request is sent when the future is polled.
    /// (Generated operations return this future rather than being `async fn`s: one
    /// state machine per result type instead of one per operation.)
    pub fn action<T: FromJson + Send + 'static>(
        &self,
        name: Option<&str>,
        params: &dyn ToJson,
    ) -> RequestFuture<Option<T>> {
        decoded(self.post_action(name, params), decode_optional::<T>)
    }

    /// Invoke an action without a result (a body, if any, must still be JSON).
    pub fn action_unit(&self, name: Option<&str>, params: &dyn ToJson) -> RequestFuture<()> {
        unit(self.action::<Value>(name, params))
    }

    /// Invoke an action whose result is a primitive or a collection (`{"value": …}`).
    pub fn action_value<T: FromJson + Send + 'static>(
        &self,
        name: Option<&str>,
        params: &dyn ToJson,
    ) -> RequestFuture<Option<T>> {
        decoded(self.post_action(name, params), decode_value::<T>)
    }

    /// `POST` the encoded parameters to the action's URL, when polled.
    fn post_action(&self, name: Option<&str>, params: &dyn ToJson) -> RequestFuture<Response> {
        self.moved_to(self.operation_resource(name))
            .send(Method::Post, Some(super::json::to_vec(params)))
    }

    /// This request state at another resource.
    fn moved_to(&self, resource: Resource) -> Builder {
        Builder {
            resource,
            ..self.clone()
        }
    }

    /// Send `method` with `body` to this resource when polled: the one request future of
    /// the typed helpers, not generic, so that a result type only adds [`decoded`]'s
    /// small poll function.
    pub(super) fn send(&self, method: Method, body: Option<Vec<u8>>) -> RequestFuture<Response> {
        let this = self.clone();
        Box::pin(async move {
            let url = this.client.url(&this.resource, &this.options.query);
            this.client.execute(method, url, body, &this.options).await
        })
    }

    /// Invoke an action returning a collection of entities, as a stream across pages.
    pub fn action_pager<T: FromJson + Send + 'static>(
        &self,
        name: Option<&str>,
        params: &dyn ToJson,
    ) -> Pager<T> {
        let resource = self.operation_resource(name);
        self.client.action_pager(&resource, params, &self.options)
    }

    /// Invoke a function (`GET …/ns.f(a=1,b=@b)?@b=…`); the result decoded as `T`.
    ///
    /// The URL is built now; the request is sent when the future is polled.
    pub fn function<T: FromJson + Send + 'static>(
        &self,
        name: &str,
        args: &[(&str, FnArg)],
    ) -> RequestFuture<Option<T>> {
        decoded(self.get_function(name, args), decode_optional::<T>)
    }

    /// Invoke a function and ignore its result (a body, if any, must still be JSON).
    pub fn function_unit(&self, name: &str, args: &[(&str, FnArg)]) -> RequestFuture<()> {
        unit(self.function::<Value>(name, args))
    }

    /// Invoke a function whose result is a primitive or a collection (`{"value": …}`).
    pub fn function_value<T: FromJson + Send + 'static>(
        &self,
        name: &str,
        args: &[(&str, FnArg)],
    ) -> RequestFuture<Option<T>> {
        decoded(self.get_function(name, args), decode_value::<T>)
    }

    /// `GET` the function's URL (its arguments in it), when polled.
    fn get_function(&self, name: &str, args: &[(&str, FnArg)]) -> RequestFuture<Response> {
        self.moved_to(self.function_resource(name, args))
            .send(Method::Get, None)
    }

    /// Invoke a function returning a collection of entities, as a stream across pages.
    pub fn function_pager<T: FromJson + Send + 'static>(
        &self,
        name: &str,
        args: &[(&str, FnArg)],
    ) -> Pager<T> {
        let resource = self.function_resource(name, args);
        self.client.pager(&resource, &self.options)
    }

    pub(super) fn operation_resource(&self, name: Option<&str>) -> Resource {
        match name {
            Some(name) => self.resource.clone().segment(name),
            None => self.resource.clone(),
        }
    }

    pub(super) fn function_resource(&self, name: &str, args: &[(&str, FnArg)]) -> Resource {
        let literals: Vec<RawLiteral> = args
            .iter()
            .map(|(_, a)| match a {
                FnArg::Literal(text) => RawLiteral(text.clone()),
                FnArg::Json(_) => RawLiteral(String::new()),
            })
            .collect();
        let params: Vec<(&str, Param<'_>)> = args
            .iter()
            .zip(&literals)
            .map(|((n, a), l)| match a {
                FnArg::Literal(_) => (*n, Param::Literal(l)),
                FnArg::Json(v) => (*n, Param::Json(v)),
            })
            .collect();
        self.resource.clone().function_params(name, &params)
    }
}

/// The response of `sent`, decoded by `decode` (a 204 or an empty body gives `None`).
fn decoded<T: Send + 'static>(
    sent: RequestFuture<Response>,
    decode: fn(&Response) -> Result<Option<T>, Error>,
) -> RequestFuture<Option<T>> {
    Box::pin(Decoded { sent, decode })
}

/// The future of [`decoded`]: a hand-written poll, so that each result type adds one
/// small function rather than a state machine around the whole request.
struct Decoded<T> {
    sent: RequestFuture<Response>,
    decode: fn(&Response) -> Result<Option<T>, Error>,
}

impl<T> Future for Decoded<T> {
    type Output = Result<Option<T>, Error>;

    fn poll(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        match self.sent.as_mut().poll(cx) {
            std::task::Poll::Pending => std::task::Poll::Pending,
            std::task::Poll::Ready(sent) => std::task::Poll::Ready(match sent {
                Ok(r) => (self.decode)(&r),
                Err(e) => Err(e),
            }),
        }
    }
}

/// `sent` with its (checked) result dropped.
fn unit(sent: RequestFuture<Option<Value>>) -> RequestFuture<()> {
    Box::pin(async move { sent.await.map(|_| ()) })
}

/// A primitive or collection result (`{"value": …}`) of an operation.
fn decode_value<T: FromJson>(resp: &Response) -> Result<Option<T>, Error> {
    Ok(decode_optional::<ValueOf<T>>(resp)?.map(ValueOf::into_inner))
}

/// An empty parameter object, for actions without parameters.
pub fn no_params() -> Map<String, Value> {
    Map::new()
}

/// A `GET` of one entity with `$select` and `$expand`. `.await` it, or call
/// [`GetRequest::send`].
pub struct GetRequest<T, F> {
    builder: Builder,
    query: Query,
    _marker: PhantomData<fn() -> (T, F)>,
}

impl<T, F> std::fmt::Debug for GetRequest<T, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GetRequest")
            .field("resource", self.builder.resource())
            .field("query", &self.query)
            .finish()
    }
}

impl<T: FromJson + Send + 'static, F: Field> GetRequest<T, F> {
    /// A `GET` of the builder's resource.
    pub fn new(builder: &Builder) -> Self {
        GetRequest {
            builder: builder.clone(),
            query: Query::new(),
            _marker: PhantomData,
        }
    }

    /// `$select` these properties.
    pub fn select(mut self, fields: impl IntoIterator<Item = F>) -> Self {
        self.query = self.query.select(fields.into_iter().map(Field::wire_name));
        self
    }

    /// `$select` property paths given as text (`Ns.Derived/prop`, `*`).
    pub fn select_raw<S: Into<String>>(mut self, items: impl IntoIterator<Item = S>) -> Self {
        self.query = self.query.select(items);
        self
    }

    /// `$expand` a navigation property: a variant of the type's `…Nav` enum, or an
    /// item from its functions with nested options typed for the target
    /// (`UserNav::manager().select([DirectoryObjectField::Id])`). Call again for more.
    pub fn expand(mut self, item: impl IntoExpand<F>) -> Self {
        self.query = self.query.expand([item.into_expand()]);
        self
    }

    /// `$expand` items given as text (`*`, `manager($levels=max)`, a path through a
    /// cast), for what the typed form cannot say.
    pub fn expand_raw<S: Into<String>>(mut self, items: impl IntoIterator<Item = S>) -> Self {
        self.query = self.query.expand(items);
        self
    }

    /// A custom query option.
    pub fn custom(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query = self.query.custom(name, value);
        self
    }

    /// An extra request header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.builder = self.builder.map_options(|o| o.header(name, value));
        self
    }

    /// The query options so far.
    pub fn query(&self) -> &Query {
        &self.query
    }

    /// Sends the request: 200 with the entity.
    pub async fn send(self) -> Result<T, Error> {
        let opts = self.builder.options().clone().query(self.query);
        self.builder
            .client()
            .get(self.builder.resource(), &opts)
            .await
    }
}

impl<T: FromJson + Send + 'static, F: Field + 'static> IntoFuture for GetRequest<T, F> {
    type Output = Result<T, Error>;
    type IntoFuture = RequestFuture<T>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// A `GET` of a collection with query options. `.await` it (or [`ListRequest::page`])
/// for the first page, or [`ListRequest::stream`] for every item across pages.
pub struct ListRequest<T, F> {
    builder: Builder,
    query: Query,
    _marker: PhantomData<fn() -> (T, F)>,
}

impl<T, F> std::fmt::Debug for ListRequest<T, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ListRequest")
            .field("resource", self.builder.resource())
            .field("query", &self.query)
            .finish()
    }
}

impl<T: FromJson + Send + 'static, F: Field> ListRequest<T, F> {
    /// A `GET` of the builder's collection.
    pub fn new(builder: &Builder) -> Self {
        ListRequest {
            builder: builder.clone(),
            query: Query::new(),
            _marker: PhantomData,
        }
    }

    /// `$select` these properties.
    pub fn select(mut self, fields: impl IntoIterator<Item = F>) -> Self {
        self.query = self.query.select(fields.into_iter().map(Field::wire_name));
        self
    }

    /// `$select` property paths given as text (`Ns.Derived/prop`, `*`).
    pub fn select_raw<S: Into<String>>(mut self, items: impl IntoIterator<Item = S>) -> Self {
        self.query = self.query.select(items);
        self
    }

    /// `$expand` a navigation property: a variant of the type's `…Nav` enum, or an
    /// item from its functions with nested options typed for the target
    /// (`UserNav::manager().select([DirectoryObjectField::Id])`). Call again for more.
    pub fn expand(mut self, item: impl IntoExpand<F>) -> Self {
        self.query = self.query.expand([item.into_expand()]);
        self
    }

    /// `$expand` items given as text (`*`, `manager($levels=max)`, a path through a
    /// cast), for what the typed form cannot say.
    pub fn expand_raw<S: Into<String>>(mut self, items: impl IntoIterator<Item = S>) -> Self {
        self.query = self.query.expand(items);
        self
    }

    /// `$filter`: an expression as text (`displayName eq 'A'`); quote values with
    /// [`UrlLiteral::to_url_literal`]. It is percent-encoded when sent.
    pub fn filter(mut self, expr: impl Into<String>) -> Self {
        self.query = self.query.filter(expr);
        self
    }

    /// `$search`.
    pub fn search(mut self, expr: impl Into<String>) -> Self {
        self.query = self.query.search(expr);
        self
    }

    /// `$orderby` this property, ascending (call again for further keys).
    pub fn orderby(mut self, field: F) -> Self {
        self.query = self.query.orderby([field.wire_name()]);
        self
    }

    /// `$orderby` this property, descending.
    pub fn orderby_desc(mut self, field: F) -> Self {
        self.query = self.query.orderby([format!("{} desc", field.wire_name())]);
        self
    }

    /// `$orderby` an expression given as text.
    pub fn orderby_raw(mut self, expr: impl Into<String>) -> Self {
        self.query = self.query.orderby([expr.into()]);
        self
    }

    /// `$top`.
    pub fn top(mut self, n: u64) -> Self {
        self.query = self.query.top(n);
        self
    }

    /// `$skip`.
    pub fn skip(mut self, n: u64) -> Self {
        self.query = self.query.skip(n);
        self
    }

    /// `$count=true|false`: the total is in [`Page::count`] / [`Pager::total_count`].
    pub fn count(mut self, yes: bool) -> Self {
        self.query = self.query.count(yes);
        self
    }

    /// A custom query option.
    pub fn custom(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query = self.query.custom(name, value);
        self
    }

    /// An extra request header (`ConsistencyLevel: eventual`).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.builder = self.builder.map_options(|o| o.header(name, value));
        self
    }

    /// `Prefer: odata.maxpagesize=n`.
    pub fn max_page_size(mut self, n: u32) -> Self {
        self.builder = self.builder.map_options(|o| o.max_page_size(n));
        self
    }

    /// The query options so far.
    pub fn query(&self) -> &Query {
        &self.query
    }

    /// The first page (`@odata.nextLink`, `@odata.count` included).
    pub async fn page(self) -> Result<Page<T>, Error> {
        let opts = self.builder.options().clone().query(self.query);
        self.builder
            .client()
            .get_page(self.builder.resource(), &opts)
            .await
    }

    /// Every item across pages, following `@odata.nextLink` verbatim.
    pub fn stream(self) -> Pager<T> {
        let opts = self.builder.options().clone().query(self.query);
        self.builder.client().pager(self.builder.resource(), &opts)
    }

    /// Every item across pages, collected.
    pub async fn all(self) -> Result<Vec<T>, Error> {
        let mut pager = self.stream();
        let mut out = Vec::new();
        while let Some(page) = pager.next_page().await {
            out.extend(page?.items);
        }
        Ok(out)
    }
}

impl<T: FromJson + Send + 'static, F: Field + 'static> IntoFuture for ListRequest<T, F> {
    type Output = Result<Page<T>, Error>;
    type IntoFuture = RequestFuture<Page<T>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.page())
    }
}

/// The `Field` of entity types without structural properties known here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NoField {}

impl Field for NoField {
    fn wire_name(self) -> &'static str {
        match self {}
    }
}

/// An entity reference (`$ref`): the entity's URL, `@odata.id` (`@id` in OData 4.01).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The entity's URL (absolute, or relative to the service root), as the service wrote it.
    pub id: String,
}

impl FromJson for Reference {
    fn decode(d: &mut Decoder<'_>, path: &Path<'_>) -> Result<Self, DecodeError> {
        let value = d.value(path)?;
        Self::from_json(value, path)
    }
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
        let id = match &value {
            Value::Object(map) => map.get("@odata.id").or_else(|| map.get("@id")),
            _ => None,
        };
        match id {
            Some(Value::String(id)) => Ok(Reference { id: id.clone() }),
            _ => Err(DecodeError::expected(
                path,
                "an entity reference (`@odata.id`)",
                &value,
            )),
        }
    }
}

impl ToJson for Reference {
    fn encode(&self, w: &mut Encoder) {
        w.value(&self.to_json());
    }
    fn to_json(&self) -> Value {
        let mut map = Map::new();
        map.insert("@odata.id".to_owned(), Value::String(self.id.clone()));
        Value::Object(map)
    }
}

/// `GET …/$count`: `.await` it for the number, after optional `$filter` / `$search`.
///
/// Microsoft Graph counts directory objects only with `ConsistencyLevel: eventual`:
/// add it with [`CountRequest::header`].
#[derive(Debug)]
pub struct CountRequest {
    builder: Builder,
    query: Query,
}

impl CountRequest {
    /// `$filter`: count only the entities matching the expression.
    pub fn filter(mut self, expr: impl Into<String>) -> Self {
        self.query = self.query.filter(expr);
        self
    }

    /// `$search`.
    pub fn search(mut self, expr: impl Into<String>) -> Self {
        self.query = self.query.search(expr);
        self
    }

    /// Adds a request header (`ConsistencyLevel: eventual` for Graph's advanced queries).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.builder = self.builder.map_options(|o| o.header(name, value));
        self
    }

    /// Sends the request: the count as a number.
    pub async fn send(self) -> Result<u64, Error> {
        let opts = self.builder.options().clone().query(self.query);
        let resp = self
            .builder
            .client()
            .get_bytes(self.builder.resource(), &opts)
            .await?;
        let text = std::str::from_utf8(&resp.body).unwrap_or("");
        let text = text.strip_prefix('\u{feff}').unwrap_or(text).trim();
        text.parse::<u64>().map_err(|_| {
            let shown: String = text.chars().take(40).collect();
            Error::Decode {
                status: resp.status,
                error: DecodeError::new(
                    &Path::ROOT,
                    format!("expected a count (a non-negative integer), found {shown:?}"),
                ),
            }
        })
    }
}

impl IntoFuture for CountRequest {
    type Output = Result<u64, Error>;
    type IntoFuture = RequestFuture<u64>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
