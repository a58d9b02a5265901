//! `cargo xtask metadata`: fetch a service's `$metadata`, store it under `schemas/` only if
//! it reads as CSDL, then regenerate (the caller runs `codegen`).
//!
//! The request goes through the generated crates' own runtime client, so it has their
//! limits: the token only to the service's origin (redirects elsewhere refused), bounded
//! size (64 MiB, the reader's own limit) and time, retries of 429/503. The token comes from
//! an environment variable, never from the command line (where `ps` would show it), or
//! with `--azure` from the developer tools (`az login`, `azd auth login`) through the
//! runtime's `AzureTokenProvider`, for the scope `{origin}/.default` of the URL.

use std::path::{Path, PathBuf};

use std::error::Error as _;
use std::sync::Arc;

use odata_runtime::azure::AzureTokenProvider;
use odata_runtime::transport::Method;
use odata_runtime::{Client, RequestOptions};

/// What `cargo xtask metadata` was asked.
#[derive(Default)]
pub struct MetadataArgs {
    /// The service root or its `$metadata` URL.
    pub url: String,
    /// Where to store the document.
    pub schema: PathBuf,
    /// CSDL JSON (`$format=json`) instead of XML.
    pub json: bool,
    /// The environment variable holding a bearer token.
    pub token_env: Option<String>,
    /// A token from the developer tools (Azure CLI, Azure Developer CLI).
    pub azure: bool,
}

/// The `$metadata` URL of `url` (a service root, or already a `$metadata` URL).
pub fn metadata_url(url: &str, json: bool) -> String {
    let mut u = if url.contains("$metadata") {
        url.to_string()
    } else if url.ends_with('/') {
        format!("{url}$metadata")
    } else {
        format!("{url}/$metadata")
    };
    if json && !u.contains("$format=") {
        u.push(if u.contains('?') { '&' } else { '?' });
        u.push_str("$format=json");
    }
    u
}

/// Fetches, checks and stores the document. Returns a line for the user; the file is
/// written only when it reads as CSDL and differs from what is there.
pub fn fetch_and_store(args: &MetadataArgs) -> Result<String, String> {
    let url = metadata_url(&args.url, args.json);
    // The client's root is the URL without its query (which a root may not have): the
    // token and redirects are judged by its origin.
    let root = url.split(['?', '#']).next().unwrap_or(&url).to_string();
    let mut builder = Client::builder(root.clone()).max_response_size(csdl_max());
    if let Some(var) = &args.token_env {
        let token = std::env::var(var)
            .map_err(|_| format!("error: the environment variable `{var}` holds no token"))?;
        builder = builder.bearer_token(token);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("error: cannot start the HTTP runtime: {e}"))?;
    if args.azure {
        let provider = runtime.block_on(azure_provider(&root))?;
        builder = builder.token_provider_arc(provider);
    }
    let client = builder
        .build()
        .map_err(|e| format!("error: the URL cannot be used: {e}"))?;
    let accept = if args.json {
        "application/json"
    } else {
        "application/xml"
    };
    let opts = RequestOptions::new().header("Accept", accept);
    let response = runtime
        .block_on(client.execute(Method::Get, url, None, &opts))
        .map_err(|e| format!("error: fetching $metadata failed: {e}"))?;
    let text = String::from_utf8(response.body)
        .map_err(|_| "error: the $metadata answer is not UTF-8 text".to_string())?;
    let label = args
        .schema
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "metadata.xml".into());
    if let Err(e) = csdl::load_str(&label, &text) {
        return Err(format!(
            "{e}\nerror: the fetched document does not read as CSDL; `{}` is unchanged",
            args.schema.display()
        ));
    }
    if std::fs::read(&args.schema).ok().as_deref() == Some(text.as_bytes()) {
        return Ok(format!(
            "metadata: `{}` is unchanged ({} bytes)",
            args.schema.display(),
            text.len()
        ));
    }
    write_atomically(&args.schema, text.as_bytes())
        .map_err(|e| format!("error: cannot write `{}`: {e}", args.schema.display()))?;
    Ok(format!(
        "metadata: stored `{}` ({} bytes)",
        args.schema.display(),
        text.len()
    ))
}

/// The developer-tools credential for `root`'s origin, its first token already fetched
/// (then cached for the request), so that a missing login is reported before anything
/// is sent, with what to run. The token itself is never printed.
async fn azure_provider(root: &str) -> Result<Arc<AzureTokenProvider>, String> {
    let credential = azure_identity::DeveloperToolsCredential::new(None)
        .map_err(|e| format!("error: --azure: the developer-tools credential: {e}"))?;
    let provider = AzureTokenProvider::new(credential, root)
        .map_err(|e| format!("error: the URL cannot be used: {e}"))?;
    if let Err(e) = provider.get().await {
        // The credential's error already lists each tool's failure (and its causes).
        let mut msg = format!("error: --azure: {e}");
        if let Some(c) = e.source() {
            msg.push_str(&format!("\n  caused by: {c}"));
        }
        msg.push_str(
            "\n  (log in with `az login` (Azure CLI) or `azd auth login` (Azure Developer CLI) \
             to the tenant of the service, or use --token-env VAR)",
        );
        return Err(msg);
    }
    Ok(Arc::new(provider))
}

/// The reader's own size limit: a bigger document would be refused anyway.
fn csdl_max() -> usize {
    64 << 20
}

/// Writes `path` through a temporary file in the same folder and a rename, so a failed
/// write leaves the old document; never through a link at `path`.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Ok(m) = std::fs::symlink_metadata(path)
        && !m.file_type().is_file()
    {
        return Err(std::io::Error::other("it is not a regular file"));
    }
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    let dir = dir.unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        std::process::id()
    ));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
