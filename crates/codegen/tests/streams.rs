//! Streams in the generated client: a media entity's `content()` (`$value`), stream
//! properties with their `Core.MediaType` / `Core.AcceptableMediaTypes`, `Edm.Stream`
//! results as `Download`, and the upload session rule (an action named
//! `createUploadSession` returning a complex type with `uploadUrl` and
//! `nextExpectedRanges`).

use std::path::{Path, PathBuf};

use codegen::{Config, Files};

const CSDL: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="T" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="doc" HasStream="true">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
        <Property Name="content" Type="Edm.Stream"/>
        <Property Name="thumb" Type="Edm.Stream">
          <Annotation Term="Org.OData.Core.V1.Description" String="A small preview."/>
          <Annotation Term="Org.OData.Core.V1.MediaType" String="image/png"/>
          <Annotation Term="Org.OData.Core.V1.AcceptableMediaTypes">
            <Collection><String>image/png</String><String>image/*</String></Collection>
          </Annotation>
        </Property>
        <Property Name="kind" Type="Edm.String"/>
        <Property Name="data" Type="Edm.Stream">
          <Annotation Term="Org.OData.Core.V1.MediaType" Path="kind"/>
        </Property>
      </EntityType>
      <EntityType Name="pic" HasStream="true">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.Int32" Nullable="false"/>
      </EntityType>
      <EntityType Name="plain">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.Int32" Nullable="false"/>
      </EntityType>
      <ComplexType Name="session">
        <Property Name="uploadUrl" Type="Edm.String"/>
        <Property Name="nextExpectedRanges" Type="Collection(Edm.String)"/>
      </ComplexType>
      <ComplexType Name="half">
        <Property Name="uploadUrl" Type="Edm.String"/>
      </ComplexType>
      <Action Name="createUploadSession" IsBound="true">
        <Parameter Name="bp" Type="T.doc"/>
        <ReturnType Type="T.session"/>
      </Action>
      <Action Name="createUploadSession" IsBound="true">
        <Parameter Name="bp" Type="T.pic"/>
        <ReturnType Type="T.half"/>
      </Action>
      <Action Name="startUpload" IsBound="true">
        <Parameter Name="bp" Type="T.doc"/>
        <ReturnType Type="T.session"/>
      </Action>
      <Function Name="export" IsBound="true">
        <Parameter Name="bp" Type="T.pic"/>
        <ReturnType Type="Edm.Stream"/>
      </Function>
      <EntityContainer Name="Svc">
        <EntitySet Name="docs" EntityType="T.doc"/>
        <EntitySet Name="pics" EntityType="T.pic"/>
        <EntitySet Name="plains" EntityType="T.plain"/>
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;

fn generate() -> Files {
    let model = csdl::load_str("t.xml", CSDL).unwrap_or_else(|e| panic!("{e}"));
    let mut c = Config::new("t", "generated/t", vec![PathBuf::from("t.xml")]);
    c.root("T.doc")
        .root("T.pic")
        .root("T.plain")
        .root("T.session")
        .root("T.half");
    codegen::generate(&c, &model).unwrap()
}

fn api(files: &Files) -> Vec<&str> {
    files
        .get(Path::new("API.txt"))
        .expect("API.txt")
        .lines()
        .filter(|l| {
            l.contains("StreamRequest")
                || l.contains("Download")
                || l.contains("UploadSession")
                || l.contains("create_upload_session")
                || l.contains("start_upload")
        })
        .collect()
}

#[test]
fn streams_session_rule_and_stream_results() {
    let files = generate();
    assert_eq!(
        api(&files),
        [
            "method client::t::DocBuilder.content: () -> StreamRequest = …/content",
            "method client::t::DocBuilder.create_upload_session: () -> UploadSession = action T.createUploadSession",
            "method client::t::DocBuilder.data: () -> StreamRequest = …/data",
            "method client::t::DocBuilder.media: () -> StreamRequest = …/$value",
            "method client::t::DocBuilder.start_upload: () -> Option<t::Session> = action T.startUpload",
            "method client::t::DocBuilder.thumb: () -> StreamRequest = …/thumb as image/png accepting image/png image/*",
            "method client::t::PicBuilder.content: () -> StreamRequest = …/$value",
            "method client::t::PicBuilder.create_upload_session: () -> Option<t::Half> = action T.createUploadSession",
            "method client::t::PicBuilder.export: () -> Download = function T.export",
        ]
    );
    let doc = files.get(Path::new("src/client/t/doc.rs")).expect("doc.rs");
    assert!(
        doc.contains("/// A small preview."),
        "the description is kept"
    );
    assert!(doc.contains(
        r#"self.inner.nav("thumb").stream(Some("image/png"), &["image/png", "image/*"])"#
    ));
    assert!(doc.contains(r#"self.inner.nav("$value").stream(None, &[])"#));
    // A media type given as a path (CAP's `@Core.MediaType: mimeType`) is not a constant.
    assert!(doc.contains(r#"self.inner.nav("data").stream(None, &[])"#));
    let plain = files
        .get(Path::new("src/client/t/plain.rs"))
        .expect("plain.rs");
    assert!(!plain.contains("StreamRequest"));
}
