//! `$batch`: many typed requests in one round trip, as an OData JSON batch (OData JSON
//! Format 4.01 §19, what Microsoft Graph and SAP CAP serve) or, with
//! [`BatchFormat::Multipart`], an OData 4.0 `multipart/mixed` batch (SAP services).
//!
//! A [`Batch`] takes the same requests the generated builders make (anything whose
//! `.await` gives `Result<T, Error>`: `get()`, `list()`, `create(…)`, `update(…)`,
//! `delete()`, `count()`, actions, functions, references) and returns a typed
//! [`BatchHandle`] for each. [`Batch::send`] sends them, and [`BatchResponse::take`]
//! gives each handle's result, decoded exactly as the request alone would be, or its
//! error (the same [`Error`] kinds, with the item's status and OData error body).
//!
//! How a request gets into the batch: the request future is polled by the batch, and
//! when it reaches [`Client::execute`] its prepared request (method, URL, headers, JSON
//! body) is handed to the batch instead of being sent; the item's response is handed
//! back to it, and the request's own decoder runs on it. So the generated code needs no
//! batch-specific method. A request that would send a second request (a pager's
//! `all()` or `stream()`) fails with [`Error::InvalidRequest`] at its second request.
//!
//! The rules:
//!
//! - Item URLs are written relative to the service root: with a leading `/` in a JSON
//!   batch (`/users/42?$select=id`), as Graph and CAP expect, without in a multipart one
//!   (`GET users/42 HTTP/1.1`). A request whose URL is not
//!   under the service root is refused: [`Error::OriginNotAllowed`] for another origin,
//!   [`Error::InvalidRequest`] otherwise; nothing is sent for it.
//! - At most [`Client::batch_limit`] requests go in one `$batch` request (default
//!   [`DEFAULT_BATCH_LIMIT`], Graph's); more are split over several, in order. Requests
//!   tied by `dependsOn` ([`Batch::add_after`]) or by an atomicity group
//!   ([`Batch::add_in`]) always travel together: a set of tied requests larger than the
//!   limit fails with [`Error::InvalidRequest`] without being sent.
//! - An item answered 429 or 503 is sent again in a later `$batch` after its
//!   `Retry-After` (or the policy's backoff), within the client's
//!   [`RetryPolicy`](super::retry::RetryPolicy): its
//!   attempts count against `max_attempts`, and no retry starts once the time since
//!   [`Batch::send`] began plus the wait reaches `max_total`. Requests that failed 424
//!   (failed dependency) because of a retried request, and the rest of its atomicity
//!   group, are sent again with it.
//! - An atomicity group succeeds or fails as a whole: when one of its requests fails,
//!   the others fail too, with a copy of that error, even if the service answered them
//!   with success (SAP CAP answers 201 for a create its failed group rolled back).
//! - The `$batch` request itself goes through [`Client::execute`] (token, origin rule,
//!   retries, size limit). A `$batch` response that is not a JSON batch response, or
//!   that answers a request id twice, an id that was not sent, or more requests than
//!   were sent, fails every request of that `$batch` with [`Error::Decode`] naming the
//!   JSON path; a request left unanswered fails alone, as does an answer whose status
//!   is not a number from 100 to 599.
//! - Item bodies are JSON. A non-JSON answer body must be a JSON string (OData: text
//!   media types); it is handed to the decoder as its UTF-8 text.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::future::{Future, IntoFuture, poll_fn};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use tokio::time::Instant;

use super::client::{Client, RequestOptions, check_header, error_from_response};
use super::error::Error;
use super::json::{self, DecodeError, Map, Path, Value};
use super::origin::Origin;
use super::retry::Outcome;
use super::transport::{Method, Response, TransportError, find_header};
use super::url::Resource;

/// The default number of requests per `$batch` request: 20, Microsoft Graph's limit.
pub const DEFAULT_BATCH_LIMIT: usize = 20;

/// The wire format of `$batch` requests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum BatchFormat {
    /// OData JSON batch (4.01; Microsoft Graph, SAP CAP).
    #[default]
    Json,
    /// OData 4.0 `multipart/mixed`, atomicity groups as change sets (SAP services).
    /// `dependsOn` is only expressible inside one atomicity group (a change set runs in
    /// order, all or nothing); other dependencies fail with [`Error::InvalidRequest`].
    /// The outer request asks for `Prefer: odata.continue-on-error`.
    Multipart,
}

thread_local! {
    /// The slot of the batch item being polled on this thread, if any.
    static CAPTURE: RefCell<Option<Arc<Slot>>> = const { RefCell::new(None) };
}

/// Where a batch item's request and response meet: the item's future puts its
/// prepared request here and waits for the outcome the batch puts back.
#[derive(Default)]
pub(crate) struct Slot {
    state: Mutex<SlotState>,
}

#[derive(Default)]
struct SlotState {
    /// Whether the item's future reached `execute` (once only).
    captured: bool,
    request: Option<Prepared>,
    outcome: Option<Result<Response, Error>>,
    waker: Option<Waker>,
}

impl Slot {
    fn lock(&self) -> MutexGuard<'_, SlotState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn deliver(&self, outcome: Result<Response, Error>) {
        let waker = {
            let mut s = self.lock();
            s.outcome = Some(outcome);
            s.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }
}

/// One request as it goes into a batch.
struct Prepared {
    method: Method,
    /// Relative to the service root, starting with `/`.
    url: String,
    headers: Vec<(String, String)>,
    body: Option<Value>,
}

/// The slot of the batch item whose future is being polled on this thread.
pub(crate) fn capture_slot() -> Option<Arc<Slot>> {
    CAPTURE.with(|c| c.borrow().clone())
}

/// What `Client::execute` does for a batch item: check and hand over the request, then
/// wait for the item's response (success or not; the caller maps the status).
pub(crate) async fn exchange(
    client: &Client,
    slot: Arc<Slot>,
    method: Method,
    url: String,
    body: Option<Vec<u8>>,
    opts: &RequestOptions,
) -> Result<Response, Error> {
    if std::mem::replace(&mut slot.lock().captured, true) {
        return Err(Error::InvalidRequest(
            "a request in a batch sends one request, and this one needed another (a pager's \
             next page cannot go in a batch)"
                .to_owned(),
        ));
    }
    let prepared = prepare(client, method, &url, body, opts)?;
    slot.lock().request = Some(prepared);
    poll_fn(|cx| {
        let mut s = slot.lock();
        match s.outcome.take() {
            Some(outcome) => Poll::Ready(outcome),
            None => {
                s.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    })
    .await
}

/// The batch form of a request: its URL relative to the root, its headers, its body.
fn prepare(
    client: &Client,
    method: Method,
    url: &str,
    body: Option<Vec<u8>>,
    opts: &RequestOptions,
) -> Result<Prepared, Error> {
    let origin = Origin::parse(url).map_err(|e| Error::InvalidRequest(format!("URL: {e}")))?;
    if origin != *client.origin() {
        return Err(Error::OriginNotAllowed { origin });
    }
    let relative = url
        .strip_prefix(client.root())
        .filter(|r| r.starts_with('/') && !r.starts_with("//"))
        .ok_or_else(|| {
            Error::InvalidRequest(
                "a request in a batch must be under the service root; this URL is not".to_owned(),
            )
        })?;
    let mut headers = Vec::new();
    let content_type = find_header(&opts.headers, "content-type");
    let body = match body {
        None => None,
        Some(bytes) => {
            if content_type.is_some_and(|t| !is_json(t)) {
                return Err(Error::InvalidRequest(
                    "a request in a JSON batch has a JSON body; media uploads cannot go in one"
                        .to_owned(),
                ));
            }
            let value = serde_json::from_slice::<Value>(&bytes).map_err(|_| {
                Error::InvalidRequest("a request in a batch has a body that is not JSON".to_owned())
            })?;
            if content_type.is_none() {
                headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
            }
            Some(value)
        }
    };
    if let Some(etag) = &opts.if_match {
        headers.push(("If-Match".to_owned(), etag.clone()));
    }
    if let Some(etag) = &opts.if_none_match {
        headers.push(("If-None-Match".to_owned(), etag.clone()));
    }
    if !opts.prefer.is_empty() {
        headers.push(("Prefer".to_owned(), opts.prefer.join(", ")));
    }
    for (k, v) in &opts.headers {
        headers.retain(|(h, _)| !h.eq_ignore_ascii_case(k));
        headers.push((k.clone(), v.clone()));
    }
    for (k, v) in &headers {
        check_header(k, v)?;
    }
    Ok(Prepared {
        method,
        url: relative.to_owned(),
        headers,
        body,
    })
}

fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/json")
}

static NEXT_BATCH: AtomicU64 = AtomicU64::new(1);

/// Which request of a batch (for [`Batch::add_after`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ItemId(usize);

/// An atomicity group of a batch ([`Batch::atomic_group`]): its requests succeed or
/// fail together.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GroupId(usize);

/// The typed result of one request of a batch: [`BatchResponse::take`] it.
pub struct BatchHandle<T> {
    id: ItemId,
    batch: u64,
    result: Arc<Mutex<Option<Result<T, Error>>>>,
}

impl<T> BatchHandle<T> {
    /// The request's id in its batch, for [`Batch::add_after`].
    pub fn id(&self) -> ItemId {
        self.id
    }
}

impl<T> fmt::Debug for BatchHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchHandle")
            .field("id", &(self.id.0 + 1))
            .finish_non_exhaustive()
    }
}

/// The type-erased future of one item: it runs the request and stores its result.
type ItemFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

struct Item {
    /// In a `Mutex` only so that `Batch` is `Sync` (its `send` future then is `Send`);
    /// it is only reached through `&mut`, never locked.
    future: Mutex<ItemFuture>,
    slot: Arc<Slot>,
    done: bool,
    after: Vec<usize>,
    group: Option<usize>,
}

impl Item {
    /// Polls the item's future with its slot as the capture slot of this thread.
    fn poll(&mut self, cx: &mut Context<'_>) {
        if self.done {
            return;
        }
        struct Restore(Option<Arc<Slot>>);
        impl Drop for Restore {
            fn drop(&mut self) {
                let previous = self.0.take();
                CAPTURE.with(|c| *c.borrow_mut() = previous);
            }
        }
        let _restore = Restore(CAPTURE.with(|c| c.replace(Some(self.slot.clone()))));
        let future = self.future.get_mut().unwrap_or_else(|e| e.into_inner());
        self.done = future.as_mut().poll(cx).is_ready();
    }
}

/// Typed requests sent together in `$batch` requests, JSON or multipart (see the
/// [module docs](self) for splitting, retries and the URL rule): `let h =
/// batch.add(users.by_id("42").get())`, then `batch.send().await.take(h)?`. (No code
/// example here: this file is vendored into generated crates, where doctests would run
/// under another crate name; the README's `$batch` section has one.)
pub struct Batch {
    client: Client,
    id: u64,
    limit: usize,
    format: BatchFormat,
    items: Vec<Item>,
    groups: usize,
}

impl fmt::Debug for Batch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Batch")
            .field("requests", &self.items.len())
            .field("limit", &self.limit)
            .finish_non_exhaustive()
    }
}

impl Batch {
    /// An empty batch on `client` (also [`Client::batch`]).
    pub fn new(client: &Client) -> Batch {
        Batch {
            client: client.clone(),
            id: NEXT_BATCH.fetch_add(1, Ordering::Relaxed),
            limit: client.batch_limit(),
            format: client.batch_format(),
            items: Vec::new(),
            groups: 0,
        }
    }

    /// The most requests per `$batch` request for this batch (default the client's
    /// [`Client::batch_limit`]; 0 counts as 1).
    pub fn limit(mut self, requests: usize) -> Batch {
        self.limit = requests.max(1);
        self
    }

    /// The wire format for this batch (default the client's [`Client::batch_format`]).
    pub fn format(mut self, format: BatchFormat) -> Batch {
        self.format = format;
        self
    }

    /// The number of requests added.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether no request was added.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Adds a request (a generated builder's request: anything whose `.await` gives
    /// `Result<T, Error>`). Nothing is sent before [`send`](Batch::send).
    pub fn add<T, R>(&mut self, request: R) -> BatchHandle<T>
    where
        R: IntoFuture<Output = Result<T, Error>>,
        R::IntoFuture: Send + 'static,
        T: Send + 'static,
    {
        self.push(request, &[], None)
    }

    /// Adds a request that the service runs only after the requests `after` succeeded
    /// (`dependsOn`); it fails with 424 (failed dependency) otherwise. They always go in
    /// the same `$batch` request.
    pub fn add_after<T, R>(&mut self, after: &[ItemId], request: R) -> BatchHandle<T>
    where
        R: IntoFuture<Output = Result<T, Error>>,
        R::IntoFuture: Send + 'static,
        T: Send + 'static,
    {
        self.push(request, after, None)
    }

    /// A new atomicity group: the requests added to it with [`add_in`](Batch::add_in)
    /// succeed or fail together. Add a group's requests one after another (OData wants
    /// them adjacent).
    pub fn atomic_group(&mut self) -> GroupId {
        self.groups += 1;
        GroupId(self.groups - 1)
    }

    /// Adds a request to atomicity group `group`, after the requests `after` (may be
    /// empty).
    pub fn add_in<T, R>(&mut self, group: GroupId, after: &[ItemId], request: R) -> BatchHandle<T>
    where
        R: IntoFuture<Output = Result<T, Error>>,
        R::IntoFuture: Send + 'static,
        T: Send + 'static,
    {
        self.push(request, after, Some(group.0))
    }

    fn push<T, R>(&mut self, request: R, after: &[ItemId], group: Option<usize>) -> BatchHandle<T>
    where
        R: IntoFuture<Output = Result<T, Error>>,
        R::IntoFuture: Send + 'static,
        T: Send + 'static,
    {
        let result = Arc::new(Mutex::new(None));
        let out = result.clone();
        let future = request.into_future();
        let future: ItemFuture = Box::pin(async move {
            let r = future.await;
            *out.lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
        });
        let index = self.items.len();
        let mut after: Vec<usize> = after.iter().map(|i| i.0).filter(|&i| i < index).collect();
        after.sort_unstable();
        after.dedup();
        self.items.push(Item {
            future: Mutex::new(future),
            slot: Arc::new(Slot::default()),
            done: false,
            after,
            group,
        });
        BatchHandle {
            id: ItemId(index),
            batch: self.id,
            result,
        }
    }

    /// Sends the requests, in as many `$batch` requests as the limit needs, retrying
    /// items answered 429 or 503; then every handle has its result. Failures are per
    /// request: a `$batch` request that fails as a whole fails each of its requests.
    pub async fn send(mut self) -> BatchResponse {
        let started = Instant::now();
        // Run every item's future up to the point where it hands over its request.
        poll_fn(|cx| {
            let mut waiting = false;
            for item in &mut self.items {
                if !item.done && item.slot.lock().request.is_none() {
                    item.poll(cx);
                    waiting |= !item.done && item.slot.lock().request.is_none();
                }
            }
            if waiting {
                Poll::Pending
            } else {
                Poll::Ready(())
            }
        })
        .await;
        let mut prepared: HashMap<usize, Prepared> = HashMap::new();
        let mut queue = Vec::new();
        for (i, item) in self.items.iter().enumerate() {
            let Some(p) = item.slot.lock().request.take() else {
                continue;
            };
            // A request that depends on one that was not sent cannot be sent.
            if let Some(d) = item.after.iter().find(|d| !prepared.contains_key(d)) {
                item.slot.deliver(Err(Error::InvalidRequest(format!(
                    "request {} depends on request {}, which was not sent",
                    wire_id(i),
                    wire_id(*d)
                ))));
                continue;
            }
            let multipart = self.format == BatchFormat::Multipart;
            if multipart
                && item
                    .after
                    .iter()
                    .any(|&d| item.group.is_none() || self.items[d].group != item.group)
            {
                item.slot.deliver(Err(Error::InvalidRequest(
                    "a multipart $batch expresses dependsOn only inside one atomicity group"
                        .to_owned(),
                )));
                continue;
            }
            prepared.insert(i, p);
            queue.push(i);
        }
        let mut attempts = vec![0u32; self.items.len()];
        let mut batches = 0;
        while !queue.is_empty() {
            let mut retry: Vec<usize> = Vec::new();
            let mut wait = Duration::ZERO;
            for chunk in self.chunks(&queue) {
                let chunk = match chunk {
                    Ok(chunk) => chunk,
                    Err((items, error)) => {
                        for i in items {
                            self.items[i].slot.deliver(Err(copy_error(&error)));
                        }
                        continue;
                    }
                };
                batches += 1;
                for &i in &chunk {
                    attempts[i] += 1;
                }
                let answers = self.round(&chunk, &prepared).await;
                let mut answers: HashMap<usize, Result<Response, Error>> =
                    chunk.iter().copied().zip(answers).collect();
                self.fail_groups(&chunk, &mut answers);
                let again = self.to_retry(&chunk, &answers, &prepared, &attempts, started);
                for &(i, delay) in &again {
                    answers.remove(&i);
                    wait = wait.max(delay);
                    retry.push(i);
                }
                for (i, answer) in answers {
                    self.items[i].slot.deliver(answer);
                }
            }
            if !retry.is_empty() {
                tracing::info!(
                    requests = retry.len(),
                    delay_ms = wait.as_millis() as u64,
                    "retrying batch items"
                );
                self.client.sleep(wait).await;
            }
            retry.sort_unstable();
            queue = retry;
        }
        // Let every item decode its response (or take its error).
        poll_fn(|cx| {
            for item in &mut self.items {
                item.poll(cx);
            }
            if self.items.iter().all(|i| i.done) {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await;
        BatchResponse {
            batch: self.id,
            batches,
        }
    }

    /// Splits `queue` (item indexes, ascending) into `$batch` requests of at most
    /// `limit` requests, keeping requests tied by `dependsOn` or an atomicity group
    /// together; a set of tied requests over the limit comes back as an error.
    #[allow(clippy::type_complexity)]
    fn chunks(&self, queue: &[usize]) -> Vec<Result<Vec<usize>, (Vec<usize>, Error)>> {
        let in_queue: HashSet<usize> = queue.iter().copied().collect();
        // Union-find over the queued items.
        let mut parent: HashMap<usize, usize> = queue.iter().map(|&i| (i, i)).collect();
        fn find(parent: &mut HashMap<usize, usize>, i: usize) -> usize {
            let p = parent[&i];
            if p == i {
                return i;
            }
            let r = find(parent, p);
            parent.insert(i, r);
            r
        }
        let mut group_first: HashMap<usize, usize> = HashMap::new();
        for &i in queue {
            let item = &self.items[i];
            let mut ties: Vec<usize> = item
                .after
                .iter()
                .copied()
                .filter(|d| in_queue.contains(d))
                .collect();
            if let Some(g) = item.group {
                ties.push(*group_first.entry(g).or_insert(i));
            }
            for d in ties {
                let (a, b) = (find(&mut parent, i), find(&mut parent, d));
                if a != b {
                    parent.insert(a.max(b), a.min(b));
                }
            }
        }
        let mut units: Vec<(usize, Vec<usize>)> = Vec::new();
        let mut unit_of: HashMap<usize, usize> = HashMap::new();
        for &i in queue {
            let root = find(&mut parent, i);
            let u = *unit_of.entry(root).or_insert_with(|| {
                units.push((root, Vec::new()));
                units.len() - 1
            });
            units[u].1.push(i);
        }
        let mut out = Vec::new();
        let mut current: Vec<usize> = Vec::new();
        for (_, unit) in units {
            if unit.len() > self.limit {
                let error = Error::InvalidRequest(format!(
                    "{} requests tied by dependsOn or an atomicity group do not fit in one \
                     $batch request of at most {}",
                    unit.len(),
                    self.limit
                ));
                out.push(Err((unit, error)));
                continue;
            }
            if current.len() + unit.len() > self.limit {
                current.sort_unstable();
                out.push(Ok(std::mem::take(&mut current)));
            }
            current.extend(unit);
        }
        if !current.is_empty() {
            current.sort_unstable();
            out.push(Ok(current));
        }
        out
    }

    /// Sends one `$batch` request with the items `chunk`: each item's response, or the
    /// error that replaces it.
    async fn round(
        &self,
        chunk: &[usize],
        prepared: &HashMap<usize, Prepared>,
    ) -> Vec<Result<Response, Error>> {
        let in_chunk: HashSet<usize> = chunk.iter().copied().collect();
        let requests: Vec<Value> = chunk
            .iter()
            .map(|&i| {
                let p = &prepared[&i];
                let item = &self.items[i];
                let mut o = Map::new();
                o.insert("id".to_owned(), Value::String(wire_id(i)));
                o.insert("method".to_owned(), p.method.as_str().into());
                o.insert("url".to_owned(), Value::String(p.url.clone()));
                if let Some(g) = item.group {
                    o.insert("atomicityGroup".to_owned(), format!("g{}", g + 1).into());
                }
                let after: Vec<Value> = item
                    .after
                    .iter()
                    .filter(|d| in_chunk.contains(d))
                    .map(|&d| Value::String(wire_id(d)))
                    .collect();
                if !after.is_empty() {
                    o.insert("dependsOn".to_owned(), Value::Array(after));
                }
                if !p.headers.is_empty() {
                    let headers: Map<String, Value> = p
                        .headers
                        .iter()
                        .map(|(k, v)| (k.to_ascii_lowercase(), Value::String(v.clone())))
                        .collect();
                    o.insert("headers".to_owned(), Value::Object(headers));
                }
                if let Some(body) = &p.body {
                    o.insert("body".to_owned(), body.clone());
                }
                Value::Object(o)
            })
            .collect();
        let mut envelope = Map::new();
        envelope.insert("requests".to_owned(), Value::Array(requests));
        let url = self
            .client
            .url(&Resource::from_encoded("$batch"), &Default::default());
        let ids: Vec<String> = chunk.iter().map(|&i| wire_id(i)).collect();
        if self.format == BatchFormat::Multipart {
            let units = self.units(chunk);
            let (content_type, body) =
                multipart::write(&units, prepared, |i| self.items[i].group.is_some());
            let opts = RequestOptions::new()
                .header("Content-Type", content_type)
                .header("Accept", "multipart/mixed")
                .prefer("odata.continue-on-error");
            let result = self
                .client
                .execute(Method::Post, url, Some(body), &opts)
                .await;
            return match result {
                Ok(resp) => multipart::read(&resp, &units, chunk),
                Err(e) => ids.iter().map(|_| Err(copy_error(&e))).collect(),
            };
        }
        let body = json::to_vec(&Value::Object(envelope));
        let opts = RequestOptions::new();
        let result = self
            .client
            .execute(Method::Post, url, Some(body), &opts)
            .await;
        match result {
            Ok(resp) => read_responses(&resp, &ids),
            Err(e) => ids.iter().map(|_| Err(copy_error(&e))).collect(),
        }
    }

    /// The top-level parts of a multipart `$batch` of `chunk`: single requests, and the
    /// requests of each atomicity group together (a change set), at its first request.
    fn units(&self, chunk: &[usize]) -> Vec<Vec<usize>> {
        let mut units: Vec<Vec<usize>> = Vec::new();
        let mut group_unit: HashMap<usize, usize> = HashMap::new();
        for &i in chunk {
            match self.items[i].group {
                None => units.push(vec![i]),
                Some(g) => match group_unit.get(&g) {
                    Some(&u) => units[u].push(i),
                    None => {
                        group_unit.insert(g, units.len());
                        units.push(vec![i]);
                    }
                },
            }
        }
        units
    }

    /// An atomicity group succeeds or fails as a whole: when a request of a group
    /// failed, its members answered with success get a copy of the first failure
    /// (CAP, for one, answers 201 for a create its failed group rolled back).
    fn fail_groups(&self, chunk: &[usize], answers: &mut HashMap<usize, Result<Response, Error>>) {
        let ok = |a: &Result<Response, Error>| a.as_ref().is_ok_and(Response::is_success);
        let mut failure: HashMap<usize, Error> = HashMap::new();
        for &i in chunk {
            let (Some(g), answer) = (self.items[i].group, &answers[&i]) else {
                continue;
            };
            if failure.contains_key(&g) || ok(answer) {
                continue;
            }
            let error = match answer {
                Ok(resp) => error_from_response(resp),
                Err(e) => copy_error(e),
            };
            failure.insert(g, error);
        }
        for &i in chunk {
            if let Some(error) = self.items[i].group.and_then(|g| failure.get(&g)) {
                if ok(&answers[&i]) {
                    answers.insert(i, Err(copy_error(error)));
                }
            }
        }
    }

    /// The items of `chunk` to send again, with the wait each asks for: 429/503 within
    /// the retry policy, and the 424s and atomicity-group members that failed with them.
    fn to_retry(
        &self,
        chunk: &[usize],
        answers: &HashMap<usize, Result<Response, Error>>,
        prepared: &HashMap<usize, Prepared>,
        attempts: &[u32],
        started: Instant,
    ) -> Vec<(usize, Duration)> {
        let policy = self.client.retry_policy();
        let status = |i: usize| answers[&i].as_ref().ok().map(|r| r.status);
        let mut again: HashMap<usize, Duration> = HashMap::new();
        for &i in chunk {
            let Some(Ok(resp)) = answers.get(&i) else {
                continue;
            };
            let outcome = Outcome::Status {
                status: resp.status,
                retry_after: resp.header("retry-after"),
            };
            if let Some(delay) = policy.next_delay(
                prepared[&i].method,
                &outcome,
                attempts[i],
                started.elapsed(),
            ) {
                again.insert(i, delay);
            }
        }
        // Requests that failed because a retried one did go again with it, as long as
        // everything they depend on succeeded or goes again too.
        loop {
            let mut grew = false;
            for &i in chunk {
                if again.contains_key(&i) || attempts[i] >= policy.max_attempts {
                    continue;
                }
                let item = &self.items[i];
                let failed = !matches!(status(i), Some(200..=299));
                let mates = chunk.iter().filter(|&&j| {
                    j != i && item.group.is_some() && self.items[j].group == item.group
                });
                let tied_to_retry = item
                    .after
                    .iter()
                    .chain(mates)
                    .any(|d| again.contains_key(d));
                let deps_ok = item.after.iter().all(|d| {
                    again.contains_key(d)
                        || !chunk.contains(d)
                        || matches!(status(*d), Some(200..=299))
                });
                if failed && tied_to_retry && deps_ok {
                    again.insert(i, Duration::ZERO);
                    grew = true;
                }
            }
            if !grew {
                break;
            }
        }
        let mut out: Vec<(usize, Duration)> = again.into_iter().collect();
        out.sort_unstable();
        out
    }
}

fn wire_id(index: usize) -> String {
    (index + 1).to_string()
}

/// The answers of a JSON batch response to the requests `ids` (in that order).
fn read_responses(resp: &Response, ids: &[String]) -> Vec<Result<Response, Error>> {
    let fail_all = |error: DecodeError| {
        ids.iter()
            .map(|_| {
                Err(Error::Decode {
                    status: resp.status,
                    error: error.clone(),
                })
            })
            .collect()
    };
    let root = Path::ROOT;
    let value: Value = match serde_json::from_slice(&resp.body) {
        Ok(v) => v,
        Err(e) => {
            return fail_all(DecodeError::new(
                &root,
                format!("the $batch response is not JSON: {e}"),
            ));
        }
    };
    let key = root.key("responses");
    let list = match value.get("responses") {
        Some(Value::Array(list)) => list,
        other => {
            let found = other.unwrap_or(&Value::Null);
            return fail_all(DecodeError::expected(
                &key,
                "the array of a JSON batch response",
                found,
            ));
        }
    };
    if list.len() > ids.len() {
        return fail_all(DecodeError::new(
            &key,
            format!(
                "{} answers to a $batch request of {} requests",
                list.len(),
                ids.len()
            ),
        ));
    }
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    for (n, answer) in list.iter().enumerate() {
        let at = key.index(n);
        let id_at = at.key("id");
        let id = match answer.get("id") {
            Some(Value::String(id)) => id.as_str(),
            other => {
                return fail_all(DecodeError::expected(
                    &id_at,
                    "the id of a request (a string)",
                    other.unwrap_or(&Value::Null),
                ));
            }
        };
        if !ids.iter().any(|i| i == id) {
            return fail_all(DecodeError::new(
                &id_at,
                format!("answers request {:?}, which was not sent", shorten(id)),
            ));
        }
        if by_id.insert(id, n).is_some() {
            return fail_all(DecodeError::new(
                &id_at,
                format!("answers request {:?} a second time", shorten(id)),
            ));
        }
    }
    ids.iter()
        .map(|id| match by_id.get(id.as_str()) {
            None => Err(Error::Decode {
                status: resp.status,
                error: DecodeError::new(&key, format!("no answer to request {id:?}")),
            }),
            Some(&n) => {
                let at = key.index(n);
                read_answer(&list[n], &at).map_err(|error| Error::Decode {
                    status: resp.status,
                    error,
                })
            }
        })
        .collect()
}

/// One answer of a JSON batch response as a response.
fn read_answer(answer: &Value, at: &Path<'_>) -> Result<Response, DecodeError> {
    let status = match answer.get("status") {
        Some(Value::Number(n)) => n
            .as_u64()
            .filter(|s| (100..=599).contains(s))
            .map(|s| s as u16),
        _ => None,
    };
    let Some(status) = status else {
        return Err(DecodeError::expected(
            &at.key("status"),
            "an HTTP status from 100 to 599",
            answer.get("status").unwrap_or(&Value::Null),
        ));
    };
    let mut headers = Vec::new();
    if let Some(Value::Object(map)) = answer.get("headers") {
        for (k, v) in map {
            match v {
                Value::String(s) => headers.push((k.clone(), s.clone())),
                Value::Number(n) => headers.push((k.clone(), n.to_string())),
                _ => {}
            }
        }
    }
    let body = match answer.get("body") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(text))
            if find_header(&headers, "content-type").is_some_and(|t| !is_json(t)) =>
        {
            text.clone().into_bytes()
        }
        Some(value) => json::to_vec(value),
    };
    Ok(Response {
        status,
        headers,
        body,
    })
}

fn shorten(s: &str) -> String {
    s.chars().take(40).collect()
}

/// A copy of `e`, for each request of a `$batch` request that failed as a whole.
fn copy_error(e: &Error) -> Error {
    match e {
        Error::Service { status, error } => Error::Service {
            status: *status,
            error: error.clone(),
        },
        Error::UnexpectedStatus { status, body } => Error::UnexpectedStatus {
            status: *status,
            body: body.clone(),
        },
        Error::Transport(t) => Error::Transport(TransportError::new(t.kind(), t.to_string())),
        Error::Decode { status, error } => Error::Decode {
            status: *status,
            error: error.clone(),
        },
        Error::Auth(a) => Error::Auth(super::auth::AuthError::new(a.to_string())),
        Error::InvalidRequest(m) => Error::InvalidRequest(m.clone()),
        Error::OriginNotAllowed { origin } => Error::OriginNotAllowed {
            origin: origin.clone(),
        },
        Error::ResponseTooLarge { limit } => Error::ResponseTooLarge { limit: *limit },
        Error::TooManyRedirects { limit } => Error::TooManyRedirects { limit: *limit },
        Error::TooManyPages { limit } => Error::TooManyPages { limit: *limit },
        Error::ResyncRequired {
            status,
            error,
            restart,
        } => Error::ResyncRequired {
            status: *status,
            error: error.clone(),
            restart: restart.clone(),
        },
        Error::Io { context, source } => Error::Io {
            context,
            source: std::io::Error::new(source.kind(), source.to_string()),
        },
    }
}

/// What [`Batch::send`] gives: each handle's result.
#[derive(Debug)]
pub struct BatchResponse {
    batch: u64,
    batches: usize,
}

impl BatchResponse {
    /// The result of the request behind `handle`: its decoded value, or its error.
    /// A handle of another batch gives [`Error::InvalidRequest`].
    pub fn take<T>(&mut self, handle: BatchHandle<T>) -> Result<T, Error> {
        if handle.batch != self.batch {
            return Err(Error::InvalidRequest(
                "this handle belongs to another batch".to_owned(),
            ));
        }
        let result = handle
            .result
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        result.unwrap_or_else(|| {
            Err(Error::InvalidRequest(
                "the request of this handle did not finish".to_owned(),
            ))
        })
    }

    /// How many `$batch` requests were sent (retries and splits included).
    pub fn batches_sent(&self) -> usize {
        self.batches
    }
}

/// The OData 4.0 multipart `$batch` format (OData Protocol 4.0 §11.7): a part per
/// request, a change set (a nested `multipart/mixed`) per atomicity group.
mod multipart {
    use std::collections::HashMap;

    use super::super::edm::Guid;
    use super::super::error::Error;
    use super::super::json::{DecodeError, Path};
    use super::super::transport::{Response, find_header};
    use super::{Prepared, wire_id};

    /// The most bytes of header lines read in one part.
    const MAX_HEAD: usize = 64 << 10;

    /// The `Content-Type` and body of the `$batch` request for `units`.
    pub(super) fn write(
        units: &[Vec<usize>],
        prepared: &HashMap<usize, Prepared>,
        in_group: impl Fn(usize) -> bool,
    ) -> (String, Vec<u8>) {
        let boundary = format!("batch_{}", Guid::new_v4());
        let mut out = Vec::new();
        for unit in units {
            out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            if unit.len() == 1 && !in_group(unit[0]) {
                part(&mut out, unit[0], &prepared[&unit[0]]);
                continue;
            }
            let changeset = format!("changeset_{}", Guid::new_v4());
            out.extend_from_slice(
                format!("Content-Type: multipart/mixed;boundary={changeset}\r\n\r\n").as_bytes(),
            );
            for &i in unit {
                out.extend_from_slice(format!("--{changeset}\r\n").as_bytes());
                part(&mut out, i, &prepared[&i]);
            }
            out.extend_from_slice(format!("--{changeset}--\r\n").as_bytes());
        }
        out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        (format!("multipart/mixed;boundary={boundary}"), out)
    }

    /// One `application/http` part: the request line relative to the service root.
    fn part(out: &mut Vec<u8>, index: usize, p: &Prepared) {
        let mut text = format!(
            "Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\
             Content-ID: {}\r\n\r\n{} {} HTTP/1.1\r\n",
            wire_id(index),
            p.method.as_str(),
            p.url.trim_start_matches('/'),
        );
        if find_header(&p.headers, "accept").is_none() {
            text.push_str("Accept: application/json\r\n");
        }
        for (k, v) in &p.headers {
            text.push_str(&format!("{k}: {v}\r\n"));
        }
        text.push_str("\r\n");
        out.extend_from_slice(text.as_bytes());
        if let Some(body) = &p.body {
            out.extend_from_slice(body.to_string().as_bytes());
        }
        out.extend_from_slice(b"\r\n");
    }

    fn located(message: String) -> DecodeError {
        DecodeError::new(&Path::ROOT, format!("multipart $batch response: {message}"))
    }

    /// The answers to `chunk` (in its order) from the multipart response `resp` to the
    /// request of `units`.
    pub(super) fn read(
        resp: &Response,
        units: &[Vec<usize>],
        chunk: &[usize],
    ) -> Vec<Result<Response, Error>> {
        let fail = |error: DecodeError| Error::Decode {
            status: resp.status,
            error,
        };
        let answers = match read_units(resp, units) {
            Ok(a) => a,
            Err(e) => return chunk.iter().map(|_| Err(fail(e.clone()))).collect(),
        };
        chunk
            .iter()
            .map(|i| match answers.get(i) {
                Some(Ok(r)) => Ok(r.clone()),
                Some(Err(e)) => Err(fail(e.clone())),
                None => Err(fail(located(format!(
                    "no answer to request {:?}",
                    wire_id(*i)
                )))),
            })
            .collect()
    }

    type Answers = HashMap<usize, Result<Response, DecodeError>>;

    fn read_units(resp: &Response, units: &[Vec<usize>]) -> Result<Answers, DecodeError> {
        let content_type = resp.header("content-type").unwrap_or("");
        let outer = boundary(content_type).ok_or_else(|| {
            located("its Content-Type is not multipart/mixed with a boundary".into())
        })?;
        let parts = split(&resp.body, &outer)?;
        if parts.len() > units.len() {
            return Err(located(format!(
                "{} parts answer a $batch request of {} parts",
                parts.len(),
                units.len()
            )));
        }
        let mut answers = Answers::new();
        for (n, (part, unit)) in parts.iter().zip(units).enumerate() {
            let (headers, body) =
                head(part).map_err(|m| located(format!("part {}: {m}", n + 1)))?;
            let ct = find_header(&headers, "content-type").unwrap_or("");
            if let Some(inner) = boundary(ct) {
                let inner_parts = split(body, &inner)?;
                if inner_parts.len() > unit.len() {
                    return Err(located(format!(
                        "part {}: {} answers to a change set of {}",
                        n + 1,
                        inner_parts.len(),
                        unit.len()
                    )));
                }
                for (k, inner_part) in inner_parts.iter().enumerate() {
                    let (h, b) = head(inner_part)
                        .map_err(|m| located(format!("part {}.{}: {m}", n + 1, k + 1)))?;
                    // Content-ID names the request; without it, the order does.
                    let index =
                        match find_header(&h, "content-id") {
                            Some(id) => *unit
                                .iter()
                                .find(|&&i| wire_id(i) == id.trim())
                                .ok_or_else(|| {
                                    located(format!(
                                        "part {}.{} answers Content-ID {:?}, which was not sent",
                                        n + 1,
                                        k + 1,
                                        super::shorten(id)
                                    ))
                                })?,
                            None => unit[k],
                        };
                    let answer = http_response(b)
                        .map_err(|m| located(format!("part {}.{}: {m}", n + 1, k + 1)));
                    if answers.insert(index, answer).is_some() {
                        return Err(located(format!(
                            "part {}.{} answers request {:?} a second time",
                            n + 1,
                            k + 1,
                            wire_id(index)
                        )));
                    }
                }
            } else {
                // One answer for a single request, or for a whole failed change set.
                let answer =
                    http_response(body).map_err(|m| located(format!("part {}: {m}", n + 1)));
                for &i in unit {
                    answers.insert(i, answer.clone());
                }
            }
        }
        Ok(answers)
    }

    /// The `boundary` parameter of a `multipart/mixed` content type.
    fn boundary(content_type: &str) -> Option<String> {
        let mut params = content_type.split(';');
        let essence = params.next()?.trim();
        if !essence.eq_ignore_ascii_case("multipart/mixed") {
            return None;
        }
        params.find_map(|p| {
            let (k, v) = p.split_once('=')?;
            if !k.trim().eq_ignore_ascii_case("boundary") {
                return None;
            }
            let v = v.trim().trim_matches('"');
            (!v.is_empty() && v.len() <= 70).then(|| v.to_owned())
        })
    }

    /// The parts of a multipart body (between `--boundary` lines, up to `--boundary--`).
    fn split<'a>(body: &'a [u8], boundary: &str) -> Result<Vec<&'a [u8]>, DecodeError> {
        let delimiter = format!("--{boundary}");
        let delimiter = delimiter.as_bytes();
        let starts: Vec<usize> = line_starts(body)
            .filter(|&s| body[s..].starts_with(delimiter))
            .collect();
        if starts.is_empty() {
            return Err(located("no part delimiter".into()));
        }
        let mut parts = Vec::new();
        for w in starts.windows(2) {
            let (a, b) = (w[0], w[1]);
            if body[a + delimiter.len()..].starts_with(b"--") {
                return Ok(parts);
            }
            let from = next_line(body, a);
            let mut to = b;
            // The line break before a delimiter belongs to the delimiter.
            if to > from && body[to - 1] == b'\n' {
                to -= 1;
                if to > from && body[to - 1] == b'\r' {
                    to -= 1;
                }
            }
            parts.push(&body[from.min(to)..to]);
        }
        let last = *starts.last().unwrap_or(&0);
        if body[last + delimiter.len()..].starts_with(b"--") {
            Ok(parts)
        } else {
            Err(located("it does not end with a closing delimiter".into()))
        }
    }

    fn line_starts(body: &[u8]) -> impl Iterator<Item = usize> + '_ {
        std::iter::once(0).chain(
            body.iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        )
    }

    fn next_line(body: &[u8], from: usize) -> usize {
        body[from..]
            .iter()
            .position(|b| *b == b'\n')
            .map_or(body.len(), |p| from + p + 1)
    }

    type Headers = Vec<(String, String)>;

    /// Header lines and the rest, split at the first empty line.
    fn head(part: &[u8]) -> Result<(Headers, &[u8]), String> {
        let mut headers = Vec::new();
        let mut at = 0;
        loop {
            if at >= part.len() {
                return Ok((headers, &part[part.len()..]));
            }
            if at > MAX_HEAD {
                return Err("its header lines are too long".into());
            }
            let end = next_line(part, at);
            let line = String::from_utf8_lossy(&part[at..end]);
            let line = line.trim_end_matches(['\r', '\n']);
            at = end;
            if line.is_empty() {
                return Ok((headers, &part[at..]));
            }
            if let Some((k, v)) = line.split_once(':') {
                headers.push((k.trim().to_owned(), v.trim().to_owned()));
            } else {
                return Err("a header line without `:`".into());
            }
        }
    }

    /// An `application/http` part's HTTP response.
    fn http_response(part: &[u8]) -> Result<Response, String> {
        let end = next_line(part, 0);
        let line = String::from_utf8_lossy(&part[..end]);
        let mut words = line.split_whitespace();
        let status = match (words.next(), words.next()) {
            (Some(v), Some(code)) if v.starts_with("HTTP/") => {
                code.parse::<u16>().ok().filter(|s| (100..=599).contains(s))
            }
            _ => None,
        };
        let Some(status) = status else {
            return Err("its status line has no HTTP status from 100 to 599".into());
        };
        let (headers, body) = head(&part[end..])?;
        Ok(Response {
            status,
            headers,
            body: body.to_vec(),
        })
    }
}
