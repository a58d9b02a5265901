//! Microsoft Graph with an `azure_identity` credential: the generated crate's
//! `azure-identity` feature turns the credential into the client's token provider
//! (scope `https://graph.microsoft.com/.default`, token cached and refreshed five minutes
//! before it expires, one refresh for concurrent requests, no token for another origin).
//!
//! ```sh
//! # An app registration with a client secret (application permission User.Read.All):
//! AZURE_TENANT_ID=… AZURE_CLIENT_ID=… AZURE_CLIENT_SECRET=… cargo run -p e2e --example azure_graph
//! # Or whoever is logged in to the Azure CLI (`az login`) or the Azure Developer CLI:
//! cargo run -p e2e --example azure_graph
//! ```
//!
//! It talks to the real Graph (the network and a tenant are needed); the adapter's own
//! tests use a fake credential (`crates/runtime/tests/azure.rs`). For a national cloud,
//! give the cloud's root instead of `SERVICE_ROOT` (e.g. `https://graph.microsoft.us/v1.0`)
//! and configure the credential for that cloud (`ClientOptions::cloud`, `az cloud set`).

use std::sync::Arc;

use azure_core::credentials::{Secret, TokenCredential};
use azure_identity::{ClientSecretCredential, DeveloperToolsCredential};
use graph_directory::client::microsoft_graph::UserField;
use graph_directory::runtime::azure::AzureTokenProvider;
use graph_directory::{Client, GraphService, SERVICE_ROOT};

/// A client-secret credential when `AZURE_CLIENT_SECRET` is set, else the developer tools.
fn credential() -> azure_core::Result<Arc<dyn TokenCredential>> {
    match std::env::var("AZURE_CLIENT_SECRET") {
        Ok(secret) => {
            let tenant = std::env::var("AZURE_TENANT_ID").unwrap_or_default();
            let client_id = std::env::var("AZURE_CLIENT_ID").unwrap_or_default();
            Ok(ClientSecretCredential::new(
                &tenant,
                client_id,
                Secret::new(secret),
                None,
            )?)
        }
        Err(_) => Ok(DeveloperToolsCredential::new(None)?),
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // The message and its causes (the credential's own explanation).
            eprintln!("error: {e}");
            let mut cause = e.source();
            while let Some(c) = cause {
                eprintln!("  caused by: {c}");
                cause = c.source();
            }
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    // azure_identity's HTTP client is reqwest with rustls here, and rustls needs a
    // crypto provider: the one the generated client uses (ring).
    let _ = rustls::crypto::ring::default_provider().install_default();

    let provider = AzureTokenProvider::new(credential()?, SERVICE_ROOT)?;
    let client = Client::builder(SERVICE_ROOT)
        .token_provider(provider)
        .build()?;
    let graph = GraphService::new(client);
    let page = graph
        .users()
        .list()
        .select([UserField::Id, UserField::DisplayName])
        .top(5)
        .await?;
    for user in page.items {
        println!("{:?} {:?}", user.id, user.display_name);
    }
    Ok(())
}
