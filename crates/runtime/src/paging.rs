//! Collection pages and a `Stream` of items across pages.

use std::collections::{HashSet, VecDeque};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use super::auth::BoxFuture;
use super::client::{Client, RequestOptions, error_from_response, log_path};
use super::error::Error;
use super::json::{self, DecodeError, Decoder, FromJson, Map, ObjectReader, Path, Value};
use super::transport::Method;
use super::url::resolve;

/// One page of a collection response.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// The items (`null` items are skipped).
    pub items: Vec<T>,
    /// `@odata.nextLink` exactly as received (possibly relative).
    pub next_link: Option<String>,
    /// `@odata.count`, when `$count=true` was requested.
    pub count: Option<i64>,
    /// `@odata.deltaLink`, on the last page of a delta query.
    pub delta_link: Option<String>,
    /// Other members (`@odata.context`, annotations).
    pub extra: Map<String, Value>,
}

fn take_control<T: FromJson>(
    r: &mut ObjectReader<'_>,
    name: &str,
) -> Result<Option<T>, DecodeError> {
    match r.take::<T>(&format!("@odata.{name}"))? {
        Some(v) => Ok(Some(v)),
        None => r.take::<T>(&format!("@{name}")),
    }
}

impl<T: FromJson> FromJson for Page<T> {
    /// Items are decoded as they come (no tree of the page); every other member is kept
    /// as a tree, for the control information.
    fn decode(d: &mut Decoder<'_>, path: &Path<'_>) -> Result<Self, DecodeError> {
        let mut items = None;
        let mut rest = Map::new();
        d.object(path, "object collection", &mut |d, key, p| {
            if key != "value" {
                rest.insert(key.to_owned(), d.value(p)?);
                return Ok(());
            }
            if d.null() {
                return Err(DecodeError::new(p, "expected a value, found null"));
            }
            let mut out = Vec::new();
            d.array(p, "array", &mut |d, p| {
                if !d.null() {
                    out.push(T::decode(d, p)?);
                }
                Ok(())
            })?;
            items = Some(out);
            Ok(())
        })?;
        let Some(items) = items else {
            return Err(DecodeError::new(
                path,
                "missing required property \"value\"",
            ));
        };
        let mut r = ObjectReader::from_map(rest, path);
        let next_link = take_control::<String>(&mut r, "nextLink")?;
        let count = take_control::<i64>(&mut r, "count")?;
        let delta_link = take_control::<String>(&mut r, "deltaLink")?;
        Ok(Page {
            items,
            next_link,
            count,
            delta_link,
            extra: r.rest(),
        })
    }
}

/// A page, the URL it was requested at, and whether it came over a chain that carried
/// credentials throughout (its links may be followed with them).
type Fetch<T> = BoxFuture<'static, Result<(Page<T>, String, bool), Error>>;

/// All items of a collection as a `Stream<Item = Result<T, Error>>`, one page request
/// at a time.
///
/// `@odata.nextLink` is followed verbatim: an absolute link is requested as is, a
/// relative one is resolved against the URL of the page that carried it; either way
/// under the client's origin rule (a link to another origin is refused or followed
/// without credentials, see [`CrossOrigin`](super::client::CrossOrigin)). Paging stops
/// after the last page, after an error, when a link repeats (a service bug that would
/// otherwise loop forever; logged at `warn`), or after the client's
/// [`max_pages`](super::client::ClientBuilder::max_pages) pages, with
/// [`Error::TooManyPages`] when the last one still has a next link (a link that varies
/// in a junk parameter defeats the repeat check, not this cap). The repeat check keeps
/// a 64-bit hash per page read, never the links themselves.
///
/// Once a page came from another origin (without credentials, with
/// [`CrossOrigin::WithoutCredentials`](super::client::CrossOrigin)), every later link is
/// that server's choice: it is followed without credentials too, even one on the
/// service root's origin.
pub struct Pager<T> {
    client: Client,
    opts: RequestOptions,
    first: Option<(Method, String, Option<Vec<u8>>)>,
    next: Option<String>,
    seen: HashSet<u64>,
    max_pages: usize,
    buffer: VecDeque<T>,
    fetch: Option<Fetch<T>>,
    done: bool,
    count: Option<i64>,
    delta_link: Option<String>,
    pages: usize,
    trusted: bool,
}

// No field is structurally pinned.
impl<T> Unpin for Pager<T> {}

impl<T> std::fmt::Debug for Pager<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pager")
            .field("pages", &self.pages)
            .field("next", &self.next.as_deref().map(log_path))
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<T: FromJson + Send + 'static> Pager<T> {
    pub(super) fn new(
        client: Client,
        method: Method,
        url: String,
        body: Option<Vec<u8>>,
        opts: RequestOptions,
    ) -> Pager<T> {
        let mut seen = HashSet::new();
        seen.insert(link_hash(&url));
        Pager {
            max_pages: client.max_pages(),
            client,
            opts,
            first: Some((method, url, body)),
            next: None,
            seen,
            buffer: VecDeque::new(),
            fetch: None,
            done: false,
            count: None,
            delta_link: None,
            pages: 0,
            trusted: true,
        }
    }

    /// `@odata.count` from the pages read so far.
    pub fn total_count(&self) -> Option<i64> {
        self.count
    }

    /// `@odata.deltaLink`, once the last page has been read.
    pub fn delta_link(&self) -> Option<&str> {
        self.delta_link.as_deref()
    }

    /// How many pages have been read.
    pub fn pages_read(&self) -> usize {
        self.pages
    }

    /// The next whole page (`None` after the last one). Do not mix with reading
    /// items through the `Stream` impl: items already buffered there are skipped.
    pub async fn next_page(&mut self) -> Option<Result<Page<T>, Error>> {
        self.buffer.clear();
        std::future::poll_fn(|cx| self.poll_page(cx)).await
    }

    fn start_fetch(&mut self) -> Option<Fetch<T>> {
        let (method, url, body) = match self.first.take() {
            Some(first) => first,
            None => (Method::Get, self.next.take()?, None),
        };
        let client = self.client.clone();
        let trusted = self.trusted;
        let mut opts = self.opts.clone();
        // The link carries its own query; never append ours.
        opts.query = Default::default();
        Some(Box::pin(async move {
            let (resp, trusted) = client
                .execute_from(
                    method,
                    url.clone(),
                    body,
                    &opts,
                    trusted,
                    &error_from_response,
                )
                .await?;
            let page = json::from_slice::<Page<T>>(&resp.body).map_err(|error| Error::Decode {
                status: resp.status,
                error,
            })?;
            Ok((page, url, trusted))
        }))
    }

    fn poll_page(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Page<T>, Error>>> {
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
        match result {
            Err(e) => {
                self.done = true;
                Poll::Ready(Some(Err(e)))
            }
            Ok((page, url, trusted)) => {
                self.pages += 1;
                self.trusted = trusted;
                if page.count.is_some() {
                    self.count = page.count;
                }
                if page.delta_link.is_some() {
                    self.delta_link = page.delta_link.clone();
                }
                match &page.next_link {
                    Some(_) if self.pages >= self.max_pages => {
                        // Hand out this page; the next poll reports the cap.
                        self.fetch = Some(Box::pin(std::future::ready(Err(Error::TooManyPages {
                            limit: self.max_pages,
                        }))));
                    }
                    Some(link) => {
                        let abs = resolve(&url, link);
                        if self.seen.insert(link_hash(&abs)) {
                            self.next = Some(abs);
                        } else {
                            tracing::warn!(
                                page = self.pages,
                                "@odata.nextLink repeats an earlier link; paging stopped"
                            );
                            self.done = true;
                        }
                    }
                    None => self.done = true,
                }
                Poll::Ready(Some(Ok(page)))
            }
        }
    }
}

/// The hash the repeat check keeps per link (SipHash with fixed keys).
fn link_hash(url: &str) -> u64 {
    let mut h = DefaultHasher::new();
    url.hash(&mut h);
    h.finish()
}

impl<T: FromJson + Send + 'static> Stream for Pager<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            match this.poll_page(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(page))) => this.buffer.extend(page.items),
            }
        }
    }
}
