//! The randomness and the names of the compile fuzzer's documents: a small deterministic RNG, and
//! pools of names chosen to break generated code (keywords, what the generated code itself names,
//! families that collide after case conversion, digits, empty and non-ASCII text).

use codegen::reserved::{BUILDER_MEMBERS, BUILDER_MODULE, CLIENT_ITEMS, TYPES_MODULE, UNKNOWN_VARIANT};

/// xorshift64*, seeded through splitmix64 so that nearby seeds give unrelated streams.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Rng((z ^ (z >> 31)) | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    /// A number in `low..=high`.
    pub fn range(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    /// True once in `n` times.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Every Rust keyword, strict, reserved and weak, in any edition; and the four that cannot be raw.
pub const KEYWORDS: &[&str] = &[
    "as",
    "async",
    "await",
    "break",
    "const",
    "continue",
    "crate",
    "dyn",
    "else",
    "enum",
    "extern",
    "false",
    "fn",
    "for",
    "gen",
    "if",
    "impl",
    "in",
    "let",
    "loop",
    "match",
    "mod",
    "move",
    "mut",
    "pub",
    "ref",
    "return",
    "self",
    "Self",
    "static",
    "struct",
    "super",
    "trait",
    "true",
    "type",
    "unsafe",
    "use",
    "where",
    "while",
    "abstract",
    "become",
    "box",
    "do",
    "final",
    "macro",
    "override",
    "priv",
    "try",
    "typeof",
    "unsized",
    "virtual",
    "yield",
    "union",
    "macro_rules",
    "raw",
    "safe",
    "auto",
    "default",
    "_",
    "r#type",
    "'static",
];

/// What generated code names besides the renderer's reserved lists: the prelude and the paths
/// generated code spells, its modules, its locals, and the methods of traits clippy knows.
pub const GENERATED: &[&str] = &[
    "builder",
    "from_env",
    "server_url",
    "base_url",
    "new",
    "send",
    "pages",
    "stream",
    "fetch_page",
    "save_to",
    "Client",
    "client",
    "types",
    "runtime",
    "Option",
    "Result",
    "Default",
    "Unknown",
    "Some",
    "None",
    "Ok",
    "Err",
    "Vec",
    "String",
    "Box",
    "From",
    "Into",
    "Serialize",
    "Deserialize",
    "serde",
    "serde_json",
    "std",
    "core",
    "alloc",
    "chrono",
    "uuid",
    "reqwest",
    "bytes",
    "Value",
    "DEFAULT_BASE_URL",
    "with_bearer_token",
    "new_with_client",
    "transport",
    "Error",
    "ResponseValue",
    "Documented",
    "from_response",
    "as_str",
    "value",
    "description",
    "additional_properties",
    "Debug",
    "Clone",
    "PartialEq",
    "Eq",
    "Hash",
    "Ord",
    "Display",
    "FromStr",
    "Infallible",
    "deserialize",
    "serialize",
    "with_type",
    "with_self",
    "Body",
    "Response",
    "Item",
    "Variant1",
    "Value1",
    "Type",
    "Status404",
    "Other",
    "Ok",
    "NotFound",
    "Builder",
    "mod",
    "lib",
    "main",
];

/// Names of locals and arguments in generated functions.
pub const LOCALS: &[&str] = &[
    "query",
    "url",
    "client",
    "request",
    "response",
    "body",
    "info",
    "headers",
    "value",
    "self",
    "parameters",
    "next",
    "href",
    "page",
    "path",
    "deserializer",
    "serializer",
    "f",
    "other",
    "decoded",
    "result",
    "status",
    "e",
    "err",
];

/// Methods of std traits: clippy asks for the trait when an inherent method looks like one.
pub const TRAIT_METHODS: &[&str] = &[
    "add",
    "sub",
    "mul",
    "div",
    "rem",
    "neg",
    "not",
    "next",
    "eq",
    "ne",
    "cmp",
    "partial_cmp",
    "hash",
    "borrow",
    "borrow_mut",
    "deref",
    "deref_mut",
    "drop",
    "index",
    "from_str",
    "into_iter",
    "as_ref",
    "as_mut",
    "clone",
    "to_string",
    "to_owned",
    "from",
    "into",
    "fmt",
    "shl",
    "shr",
    "bitand",
    "bitor",
    "bitxor",
    "from_iter",
    "is_empty",
    "len",
    "iter",
    "try_from",
    "into_inner",
    "is_some",
    "as_bytes",
    "to_vec",
    "hash_slice",
];

/// Names that start with a digit, are empty, or are not ASCII.
pub const AWKWARD: &[&str] = &[
    "",
    " ",
    "-",
    "__",
    "2fa",
    "1",
    "0",
    "123abc",
    "3XX",
    "1st-place",
    "42",
    "ünïcode",
    "日本語",
    "emoji😀",
    "a b",
    "a.b",
    "a/b",
    "a~b",
    "a`b",
    "[x]",
    "<T>",
    "$ref",
    "@type",
    "#hash",
    "x-amz-date",
    "Content-Type",
    "null",
    "true",
    "false",
    "Ω",
    "\u{301}",
    "a\"b",
    "a\\b",
    "%20",
    "_links",
    "links",
    "__proto__",
    "snake_Case",
    "HTTPServer",
    "iOS",
    "v1.0",
];

/// Ordinary words, so documents also look like documents.
pub const PLAIN: &[&str] = &[
    "id", "name", "items", "owner", "created", "status", "kind", "data", "count", "tags", "meta", "user", "account",
    "report", "usage", "quota", "limit", "offset", "cursor", "total", "amount", "currency", "price", "metadata",
    "expand", "filter", "sort", "region", "tenant", "agent", "test", "unit", "period", "start", "end", "format",
];

/// The words of one family that collides after case conversion: `fooBar`, `foo_bar`, `FooBar`…
pub fn case_family(rng: &mut Rng) -> Vec<String> {
    let (a, b) = (rng.pick(PLAIN).to_string(), rng.pick(PLAIN).to_string());
    let upper = |s: &str| s[..1].to_uppercase() + &s[1..];
    vec![
        format!("{a}{}", upper(&b)),
        format!("{a}_{b}"),
        format!("{}{}", upper(&a), upper(&b)),
        format!("{a}-{b}"),
        format!("{}_{}", a.to_uppercase(), b.to_uppercase()),
        format!("{a} {b}"),
        format!("{a}.{b}"),
        format!("_{a}_{b}_"),
        format!("{a}__{b}"),
    ]
}

/// The names the renderer reserves in each scope, as it lists them.
pub fn reserved() -> impl Iterator<Item = &'static str> {
    [TYPES_MODULE, CLIENT_ITEMS, BUILDER_MODULE, BUILDER_MEMBERS, &[UNKNOWN_VARIANT]].into_iter().flatten().copied()
}

/// A name from one of the pools: keywords, generated names, locals, trait methods, awkward text,
/// a member of a case family, or (half the time) an ordinary word.
pub fn any_name(rng: &mut Rng) -> String {
    match rng.below(16) {
        0 | 1 => rng.pick(KEYWORDS).to_string(),
        2 | 3 => rng.pick(GENERATED).to_string(),
        4 => {
            let reserved: Vec<&str> = reserved().collect();
            rng.pick(&reserved).to_string()
        }
        5 => rng.pick(LOCALS).to_string(),
        6 => rng.pick(TRAIT_METHODS).to_string(),
        7 => rng.pick(AWKWARD).to_string(),
        8 => {
            let family = case_family(rng);
            rng.pick(&family).clone()
        }
        _ => rng.pick(PLAIN).to_string(),
    }
}

/// `count` names for one scope, where collisions are the point: some drawn from one case family,
/// the rest from [`any_name`]. Exact duplicates are dropped (JSON object keys are unique).
pub fn scope_names(rng: &mut Rng, count: usize) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    if rng.one_in(2) {
        let family = case_family(rng);
        for _ in 0..rng.range(2, 4) {
            names.push(rng.pick(&family).clone());
        }
    }
    while names.len() < count {
        names.push(any_name(rng));
    }
    let mut seen = std::collections::HashSet::new();
    names.retain(|n| seen.insert(n.clone()));
    names
}

/// Descriptions that rustdoc could misread: brackets, HTML, generics, URLs, code fences, escapes.
pub const DESCRIPTIONS: &[&str] = &[
    "Plain words.",
    "See [RFC 3339] and [the docs](https://example.test/docs).",
    "A `Vec<String>` or Option<T> of <b>bold</b> things & <unclosed",
    "Visit https://example.test/a_(b)?c=d&e=f, then http://x.test.",
    "```\nfn broken( {\n```",
    "```rust\nlet x = ;\n```",
    "Backslash \\ and quote \" and */ and /* and #[attr] and {braces} and %s.",
    "Line one\r\nLine two\twith tab\n\n  - a list item\n  - [ ] unchecked",
    "Unbalanced `code span and [bracket and ] close.",
    "ünïcode — “quotes” and emoji 😀",
    "# A heading\n\n> a quote\n\n| a | b |\n|---|---|\n| 1 | 2 |",
    "[x]: https://example.test/reference-definition",
    "<https://example.test/autolink> and <mailto:a@b.test>",
    "    indented code block\n    with two lines",
    "trailing spaces   \n\n\n",
    "[`Client`] and [`types::Missing`] and [Self] and [crate::nothing]",
];
