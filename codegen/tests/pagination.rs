//! Which operations page and how (`lower/pagination/`): the styles of `fixtures/pagination.yaml`,
//! stated and inferred, the warnings that name each operation, inference switched off, and stated
//! extensions that are wrong (warnings with their pointers, never a panic).

use codegen::model::{pagination_signature, Api, PageStyle, PaginationOrigin};
use codegen::Warning;

fn fixture() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/pagination.yaml")).expect("fixture")
}

fn lower(text: &str, infer: bool) -> (Api, Vec<Warning>) {
    codegen::lower::lower_with(&codegen::parse(text).expect("parses"), infer).expect("lowers")
}

/// Each operation's id, the style it pages by (with parameters and fields) and where that came from.
fn styles(api: &Api) -> Vec<(String, Option<String>, Option<String>)> {
    api.operations
        .iter()
        .map(|op| {
            let origin = op.pagination.as_ref().map(|p| match &p.origin {
                PaginationOrigin::Declared(name) => name.clone(),
                PaginationOrigin::Inferred => "inferred".to_owned(),
            });
            (op.word(), pagination_signature(&api.types, op), origin)
        })
        .collect()
}

fn row(id: &str, signature: Option<&str>, origin: Option<&str>) -> (String, Option<String>, Option<String>) {
    (id.to_owned(), signature.map(str::to_owned), origin.map(str::to_owned))
}

#[test]
fn every_style_is_stated_or_inferred() {
    let (api, warnings) = lower(&fixture(), true);
    let speakeasy = Some("x-speakeasy-pagination");
    assert_eq!(
        styles(&api),
        vec![
            row(
                "declaredCursor",
                Some("cursor, parameter `after_token`, field `paging.following`, field `has_more`, items `entries`"),
                speakeasy
            ),
            row("declaredItemId", Some("last item id, parameter `from_id`, item field `id`, items `found`"), speakeasy),
            row(
                "declaredOffset",
                Some("offset and limit, parameter `skip_rows`, parameter `count`, items `rows`"),
                Some("x-pagination")
            ),
            row(
                "declaredPage",
                Some("page number, parameter `p`, parameter `size`, field `meta.pages_total`, items `data`"),
                speakeasy
            ),
            row("declaredUrl", Some("next link in the body, field `meta.following_url`, items `values`"), speakeasy),
            row("declaredLinkHeader", Some("next link in the `Link` header"), speakeasy),
            row("declaredOverride", Some("offset and limit, parameter `start`"), Some("x-codegen")),
            row("declaredOff", None, None),
            row("inferredLinkHeader", Some("next link in the `Link` header"), Some("inferred")),
            row(
                "inferredBodyLink",
                Some("next link in the body, parameter `cursor`, field `_links.next.href`, items `results`"),
                Some("inferred")
            ),
            row(
                "inferredNextUrl",
                Some("next link in the body, field `next_page_url`, items `results`"),
                Some("inferred")
            ),
            row(
                "inferredCursor",
                Some("cursor, parameter `cursor`, field `next_cursor`, field `has_more`, items `data`"),
                Some("inferred")
            ),
            row(
                "inferredItemId",
                Some("last item id, parameter `starting_after`, field `has_more`, item field `id`, items `data`"),
                Some("inferred")
            ),
            row("inferredOffset", Some("offset and limit, parameter `offset`, parameter `limit`"), Some("inferred")),
            row(
                "inferredPage",
                Some(
                    "page number, parameter `page`, parameter `per_page`, field `meta.total_pages`, field \
                     `meta.next_page`, items `items`"
                ),
                Some("inferred")
            ),
            row(
                "inferredPageFromZero",
                Some("page number, parameter `pageNumber`, parameter `pageSize`, items `values`"),
                Some("inferred")
            ),
            row("inferredLeftOut", None, None),
        ]
    );
    // The zero-based page parameter counts from its default.
    let from_zero = api.operations.iter().find(|op| op.word() == "inferredPageFromZero").expect("operation");
    assert!(matches!(from_zero.pagination.as_ref().map(|p| &p.style), Some(PageStyle::PageNumber { first: 0, .. })));

    // A warning per inferred operation, naming it and the style; one for the operation left out.
    let inferred: Vec<&Warning> = warnings.iter().filter(|w| w.message.starts_with("pages by ")).collect();
    assert_eq!(inferred.len(), 8, "{warnings:#?}");
    assert!(inferred
        .iter()
        .any(|w| w.pointer == "/paths/~1inferred~1offset/get"
            && w.message.contains("offset and limit, parameter `offset`")));
    let left_out: Vec<&Warning> = warnings.iter().filter(|w| w.message.contains("without paging")).collect();
    assert_eq!(left_out.len(), 1, "{warnings:#?}");
    assert_eq!(left_out[0].pointer, "/paths/~1inferred~1left-out/get");
    assert!(left_out[0].message.contains("takes `cursor`"), "{}", left_out[0].message);
    assert!(!warnings.iter().any(|w| w.pointer.contains("declared")), "{warnings:#?}");
}

#[test]
fn inference_can_be_switched_off_for_the_run_and_by_the_document() {
    let (api, warnings) = lower(&fixture(), false);
    let paged: Vec<String> = api.operations.iter().filter(|op| op.pagination.is_some()).map(|op| op.word()).collect();
    assert_eq!(
        paged,
        [
            "declaredCursor",
            "declaredItemId",
            "declaredOffset",
            "declaredPage",
            "declaredUrl",
            "declaredLinkHeader",
            "declaredOverride"
        ]
    );
    assert!(!warnings.iter().any(|w| w.message.starts_with("pages by ")));

    let off = fixture().replacen("servers:", "x-codegen:\n  infer-pagination: false\nservers:", 1);
    let (api, _) = lower(&off, true);
    assert_eq!(api.operations.iter().filter(|op| op.pagination.is_some()).count(), 7);

    // Through `generate`: no `stream` on inferred operations' builders.
    let doc = codegen::parse(&fixture()).expect("parses");
    let options = codegen::Options::module("pagination.yaml", "pagination").infer_pagination(false);
    let output = codegen::generate(&doc, &options).expect("generates");
    let builder = output.files.iter().find(|f| f.path == "builder.rs").expect("builder.rs");
    assert_eq!(builder.contents.matches("pub fn stream(").count(), 7);
}

const BASE: &str = "openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /things:
    get:
      operationId: listThings
      parameters:
        - {name: cursor, in: query, schema: {type: string}}
        - {name: page, in: query, schema: {type: string}}
      EXTENSION
      responses:
        '200':
          description: A page.
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: {type: array, items: {type: object, properties: {id: {type: object}}}}
                  tags: {type: array, items: {type: string}}
                  next: {type: string}
";

#[test]
fn wrong_extensions_are_warnings_at_their_pointer() {
    let cases = [
        ("x-speakeasy-pagination: nonsense", "/x-speakeasy-pagination", "expected an object"),
        ("x-speakeasy-pagination: {type: pages}", "/x-speakeasy-pagination", "unknown `type: pages`"),
        (
            "x-speakeasy-pagination: {type: cursor, inputs: [{name: missing, in: parameters, type: cursor}]}",
            "/x-speakeasy-pagination",
            "no query, header or cookie parameter `missing`",
        ),
        (
            "x-speakeasy-pagination: {type: cursor, inputs: [{name: cursor, in: requestBody, type: cursor}], outputs: {nextCursor: $.next}}",
            "/x-speakeasy-pagination",
            "/x-speakeasy-pagination/inputs/0: only parameters",
        ),
        (
            "x-speakeasy-pagination: {type: cursor, inputs: [{name: cursor, in: parameters, type: cursor}], outputs: {nextCursor: $.gone}}",
            "/x-speakeasy-pagination",
            "`$.gone` names no field",
        ),
        (
            "x-speakeasy-pagination: {type: cursor, inputs: [{name: cursor, in: parameters, type: cursor}], outputs: {nextCursor: '$.data[-1].id'}}",
            "/x-speakeasy-pagination",
            "`id` is not a string",
        ),
        (
            "x-speakeasy-pagination: {type: offsetLimit, inputs: [{name: page, in: parameters, type: page}]}",
            "/x-speakeasy-pagination",
            "`page` is not an integer",
        ),
        ("x-pagination: {limitParam: cursor}", "/x-pagination", "names no `pageOffsetParam`"),
        ("x-pagination: {cursorParam: cursor, cursorPath: a.b}", "/x-pagination", "`cursorPath: a.b` names no field"),
        ("x-codegen: {pagination: 3}", "/x-codegen/pagination", "expected an object"),
    ];
    for (extension, at, says) in cases {
        let text = BASE.replace("EXTENSION", extension);
        let (api, warnings) = lower(&text, true);
        assert!(api.operations[0].pagination.is_none(), "{extension}");
        let pointer = format!("/paths/~1things/get{at}");
        assert!(
            warnings.iter().any(|w| w.pointer == pointer && w.message.contains(says)),
            "{extension}: expected a warning at {pointer} saying {says}: {warnings:#?}"
        );
    }
    // Without an extension, the shapes decide: a string `next` and `cursor`, a cursor.
    let (api, _) = lower(&BASE.replace("EXTENSION", ""), true);
    assert_eq!(
        pagination_signature(&api.types, &api.operations[0]).as_deref(),
        Some("cursor, parameter `cursor`, field `next`, items `data`")
    );
}

#[test]
fn shapes_without_a_page_marker_do_not_page() {
    let text = BASE
        .replace("        - {name: cursor, in: query, schema: {type: string}}\n", "")
        .replace(
            "        - {name: page, in: query, schema: {type: string}}\n",
            "        - {name: q, in: query, schema: {type: string}}\n",
        )
        .replace("                  next: {type: string}\n", "")
        .replace("      EXTENSION\n", "");
    let (api, warnings) = lower(&text, true);
    assert!(api.operations[0].pagination.is_none());
    assert!(warnings.is_empty(), "{warnings:#?}");
}
