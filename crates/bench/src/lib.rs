//! Decode and encode speed of the generated models against hand-written serde derives
//! (issue 12's yardstick), on a generated Microsoft Graph `/users` page.
//!
//! - [`page`]: the page generator (deterministic, generated at run time).
//! - [`derive`]: the baseline, `#[derive(Deserialize, Serialize)]` structs with the
//!   generated `User`'s fields.
//! - The functions below are the four operations measured, so the benches, the memory
//!   example and the tests measure and check the same code.
//!
//! `cargo bench -p bench` runs the divan benches (`benches/page.rs`) and the ratio report
//! (`benches/ratio.rs`); figures in crates/codegen/README.md, "Decode and encode speed".
//! Only the generated crate's public entry points are used (`json::from_slice`,
//! `json::to_vec`, the model types and `Page`), so the benchmark keeps measuring whatever
//! the runtime's JSON layer becomes.

pub mod derive;
pub mod page;

use graph_users::models::microsoft_graph::{AnyUser, User};
use graph_users::runtime::{Page, json};

/// Decodes the page as the generated client does (`runtime/paging.rs`: the pager decodes
/// every page with `json::from_slice::<Page<T>>`), with `T` = `User`, the same shape as the
/// baseline.
pub fn decode_generated(bytes: &[u8]) -> Page<User> {
    json::from_slice::<Page<User>>(bytes).expect("the generated models decode the page")
}

/// The client's own item type for `/users`: `service.users().list()` is a
/// `ListRequest<AnyUser, _>` (`@odata.type` dispatch to `User` or `AgentUser`).
pub fn decode_generated_any(bytes: &[u8]) -> Page<AnyUser> {
    json::from_slice::<Page<AnyUser>>(bytes).expect("the generated models decode the page")
}

/// The page as a user with the `serde` feature declares it around the generated type: a
/// derived struct, read by `serde_json::from_slice` (the generated `User`'s `Deserialize`
/// takes serde_json's raw text of each item and decodes it with `FromJson`).
#[derive(serde::Deserialize)]
pub struct SerdePage {
    /// The page's users.
    pub value: Vec<User>,
    /// The link to the next page.
    #[serde(rename = "@odata.nextLink", default)]
    pub next_link: Option<String>,
}

/// Decodes the page through serde: `serde_json::from_slice::<SerdePage>`.
pub fn decode_serde(bytes: &[u8]) -> SerdePage {
    serde_json::from_slice(bytes).expect("the generated models decode the page through serde")
}

/// Encodes the page's users through serde: `serde_json::to_vec` of the `Vec<User>` (each
/// `User`'s `Serialize` replays its own encoder's text into serde_json's serializer).
pub fn encode_serde(users: &Vec<User>) -> Vec<u8> {
    serde_json::to_vec(users).expect("the generated models encode through serde")
}

/// Decodes the page with the serde-derive baseline (`serde_json::from_slice`).
pub fn decode_derive(bytes: &[u8]) -> derive::UsersPage {
    serde_json::from_slice(bytes).expect("the derive baseline decodes the page")
}

/// Encodes the page's users with the generated models. `Page` has no `ToJson` (the
/// client never writes a page), so both sides encode the `value` array: `json::to_vec`
/// of the `Vec<User>`.
pub fn encode_generated(users: &Vec<User>) -> Vec<u8> {
    json::to_vec(users)
}

/// Encodes the page's users with the baseline: `serde_json::to_vec` of the `Vec<User>`.
pub fn encode_derive(users: &Vec<derive::User>) -> Vec<u8> {
    serde_json::to_vec(users).expect("the derive baseline encodes")
}
