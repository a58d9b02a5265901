//! Small token helpers shared by the emitters.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// An identifier, raw when the name says so (`r#type`).
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// A path or type written as text (`crate::runtime::json::Value`).
pub fn path(text: &str) -> TokenStream {
    text.parse()
        .unwrap_or_else(|_| quote!(crate::runtime::json::Value))
}

/// One `#[doc = " line"]` attribute per line.
pub fn docs(lines: &[String]) -> TokenStream {
    let attrs = lines.iter().map(|l| {
        let text = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote!(#[doc = #text])
    });
    quote!(#(#attrs)*)
}

/// Formats an item list as a file with the header.
///
/// The tokens are moved into the parser (a clone would make syn copy every token).
pub fn render(header: &str, tokens: TokenStream) -> String {
    match syn::parse2::<syn::File>(tokens) {
        Ok(file) => format!("{header}\n{}", prettyplease::unparse(&file)),
        // A generator bug: make it a compile error rather than panic.
        Err(e) => format!("{header}\ncompile_error!({:?});\n", e.to_string()),
    }
}
