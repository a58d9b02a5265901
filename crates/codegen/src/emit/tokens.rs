//! Small token helpers shared by the emitters.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::naming;

/// An identifier, raw when the name says so (`r#type`).
///
/// Callers pass names from [`naming`], which are always valid; anything else is a
/// generator bug, caught by a debug assertion, and in a release build replaced by its
/// [`naming::file_stem`] (always a plain identifier) rather than a panic in `Ident::new`.
pub fn ident(name: &str) -> Ident {
    if !naming::is_ident(name) {
        debug_assert!(false, "not an identifier: {name:?}");
        return Ident::new(&naming::file_stem(name), Span::call_site());
    }
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
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
        Ok(file) => format!("{header}\n{}", layout(file)),
        // A generator bug: make it a compile error rather than panic.
        Err(e) => format!("{header}\ncompile_error!({:?});\n", e.to_string()),
    }
}

/// The layout of every generated Rust file: prettyplease's, with a blank line between
/// top-level items.
pub fn layout(mut file: syn::File) -> String {
    // A run of `use`s, or of `mod x;`s, stays together.
    let declaration = |item: &syn::Item| match item {
        syn::Item::Use(_) => Some(0),
        syn::Item::Mod(m) if m.content.is_none() => Some(1),
        _ => None,
    };
    let items = std::mem::take(&mut file.items);
    // The inner attributes (`#![doc]`), then each item on its own.
    let mut out = prettyplease::unparse(&file);
    file.attrs.clear();
    file.shebang = None;
    let mut previous = None;
    for item in items {
        let kind = declaration(&item);
        if !out.is_empty() && (kind.is_none() || kind != previous) {
            out.push('\n');
        }
        previous = kind;
        file.items = vec![item];
        out.push_str(&prettyplease::unparse(&file));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idents_from_naming_are_valid() {
        for name in [
            "type", "r#type", "self_", "Straße", "x²", "٣x", "a-b", "", "_", "9",
        ] {
            for rust in [
                naming::field_name(name),
                naming::type_name(name),
                naming::variant_name(name),
                naming::file_stem(name),
                naming::module_name(name),
            ] {
                assert!(naming::is_ident(&rust), "{name:?} → {rust:?}");
                assert_eq!(ident(&rust).to_string(), rust);
            }
        }
    }

    #[test]
    #[cfg(not(debug_assertions))]
    fn an_invalid_name_is_replaced_not_a_panic() {
        assert_eq!(ident("x²").to_string(), "xu00b2");
    }
}
