//! The nine OASIS standard vocabularies, embedded (`crates/csdl/vocabularies/`, OASIS
//! IPR Policy, redistribution permitted): a reference including one of their namespaces
//! is satisfied without a file. Each is parsed only when a document read references it.

/// Namespace → the vocabulary's text.
const EMBEDDED: &[(&str, &str)] = &[
    (
        "Org.OData.Aggregation.V1",
        include_str!("../../vocabularies/Org.OData.Aggregation.V1.xml"),
    ),
    (
        "Org.OData.Authorization.V1",
        include_str!("../../vocabularies/Org.OData.Authorization.V1.xml"),
    ),
    (
        "Org.OData.Capabilities.V1",
        include_str!("../../vocabularies/Org.OData.Capabilities.V1.xml"),
    ),
    (
        "Org.OData.Core.V1",
        include_str!("../../vocabularies/Org.OData.Core.V1.xml"),
    ),
    (
        "Org.OData.JSON.V1",
        include_str!("../../vocabularies/Org.OData.JSON.V1.xml"),
    ),
    (
        "Org.OData.Measures.V1",
        include_str!("../../vocabularies/Org.OData.Measures.V1.xml"),
    ),
    (
        "Org.OData.Repeatability.V1",
        include_str!("../../vocabularies/Org.OData.Repeatability.V1.xml"),
    ),
    (
        "Org.OData.Temporal.V1",
        include_str!("../../vocabularies/Org.OData.Temporal.V1.xml"),
    ),
    (
        "Org.OData.Validation.V1",
        include_str!("../../vocabularies/Org.OData.Validation.V1.xml"),
    ),
];

/// The embedded vocabulary declaring `namespace`: the path its diagnostics show (its
/// current well-known URL) and its text.
pub(super) fn embedded(namespace: &str) -> Option<(String, &'static str)> {
    EMBEDDED
        .iter()
        .find(|(ns, _)| *ns == namespace)
        .map(|(ns, text)| {
            (
                format!("https://oasis-tcs.github.io/odata-vocabularies/vocabularies/{ns}.xml"),
                *text,
            )
        })
}

/// The namespace of a standard vocabulary a well-known URI names, current
/// (`https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml`) or
/// older (`http://docs.oasis-open.org/odata/odata/v4.0/os/vocabularies/Org.OData.Core.V1.xml`,
/// `…/odata-vocabularies/v4.0/…`); `.json` forms too.
pub(super) fn namespace_of_uri(uri: &str) -> Option<&'static str> {
    let rest = uri
        .strip_prefix("https://oasis-tcs.github.io/odata-vocabularies/vocabularies/")
        .or_else(|| {
            let r = uri
                .strip_prefix("http://docs.oasis-open.org/odata/")
                .or_else(|| uri.strip_prefix("https://docs.oasis-open.org/odata/"))?;
            Some(&r[r.find("/vocabularies/")? + "/vocabularies/".len()..])
        })?;
    let name = rest
        .strip_suffix(".xml")
        .or_else(|| rest.strip_suffix(".json"))?;
    EMBEDDED.iter().map(|(ns, _)| *ns).find(|ns| *ns == name)
}
