//! Concrete JSON values through the generated types: each decodes, encodes and decodes again to
//! the same value, and encodes as the document says it must.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::{nulls30, vocabulary31};

/// Decodes `value`, encodes the result and decodes that again: both decodings must be equal.
/// Returns the value and its encoding.
fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(value: Value) -> (T, Value) {
    let decoded: T = serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{value} decodes: {e}"));
    let encoded = serde_json::to_value(&decoded).expect("encodes");
    let again: T = serde_json::from_value(encoded.clone()).unwrap_or_else(|e| panic!("{encoded} decodes again: {e}"));
    assert_eq!(again, decoded, "{value} → {encoded}");
    (decoded, encoded)
}

#[test]
fn nullable_unions_of_one_member_are_options_of_that_member() {
    use vocabulary31::types::{Color, Note, NoteLabel};
    let (note, encoded) = round_trip::<Note>(json!({"title": null, "weight": null, "label": null, "color": null}));
    assert_eq!((note.title, note.weight, note.label, note.color), (None, None, None, None));
    assert_eq!(encoded, json!({"title": null}), "a required nullable field is sent as null, unset optional ones not");

    let (note, encoded) = round_trip::<Note>(json!({"title": "t", "weight": 2.5, "label": 3, "color": "red"}));
    assert_eq!(note.title.as_deref(), Some("t"));
    assert_eq!(note.weight, Some(2.5));
    assert_eq!(note.label, Some(NoteLabel::Integer(3)), "several members and null: an Option of their union");
    assert_eq!(note.color, Some(Color::Red));
    assert_eq!(encoded, json!({"title": "t", "weight": 2.5, "label": 3, "color": "red"}));

    let (note, _) = round_trip::<Note>(json!({"title": "t", "label": "three"}));
    assert_eq!(note.label, Some(NoteLabel::String("three".into())));
    assert!(serde_json::from_value::<Note>(json!({"title": {}})).is_err(), "`title` is a string, not an object");
}

#[test]
fn a_30_document_with_null_alternatives_and_allof_around_a_type() {
    use nulls30::types::{Reading, ReadingUnit};
    let (reading, encoded) = round_trip::<Reading>(json!({"unit": null, "value": null, "place": null}));
    assert_eq!((reading.unit, reading.value, reading.place), (None, None, None));
    assert_eq!(encoded, json!({"unit": null, "value": null}));

    let sensor = "6f1c5a8e-1b2c-4d3e-8f90-a1b2c3d4e5f6";
    let value = json!({"unit": "kelvin", "value": 3.5, "sensor": sensor, "place": "roof"});
    let (reading, encoded) = round_trip::<Reading>(value.clone());
    assert_eq!(reading.unit, Some(ReadingUnit::Kelvin));
    assert_eq!(reading.sensor.map(|s| s.to_string()).as_deref(), Some(sensor), "`allOf: [uuid]` is a uuid");
    assert_eq!(reading.place.as_deref(), Some("roof"), "`allOf: [$ref string, nullable]` is that string");
    assert_eq!(encoded, value);
}

#[tokio::test]
async fn a_nullable_enum_parameter_is_its_enum_and_may_be_left_out() {
    let server = MockServer::start().await;
    let body = json!({"unit": "celsius", "value": 1.0});
    Mock::given(path("/readings")).respond_with(ResponseTemplate::new(200).set_body_json(&body)).mount(&server).await;
    let client = nulls30::Client::new(server.uri());
    client.list_readings().unit(nulls30::types::Unit::Kelvin).send().await.expect("200");
    client.list_readings().send().await.expect("200");
    let notes = vocabulary31::Client::new(server.uri());
    Mock::given(path("/notes"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"title": null})))
        .mount(&server)
        .await;
    let note = notes.list_notes().audience(vocabulary31::types::ListNotesAudience::Guest).send().await.expect("200");
    assert_eq!(note.into_inner().title, None);
    let received = server.received_requests().await.expect("recorded");
    let queries: Vec<Option<&str>> = received.iter().map(|r| r.url.query()).collect();
    assert_eq!(queries, [Some("unit=kelvin"), None, Some("audience=guest")]);
}

#[test]
fn a_reference_to_a_nullable_schema_is_nullable_where_it_is_used() {
    use vocabulary31::types::{Invoice, Level, Money};
    let nulls = json!({"amount": null, "total": null, "level": null});
    let (invoice, encoded) = round_trip::<Invoice>(nulls.clone());
    assert_eq!((invoice.amount, &invoice.total, &invoice.level), (None, &None, &None));
    assert_eq!(encoded, nulls, "required nullable fields are sent as null");

    let value = json!({"amount": 12.5, "total": {"currency": "EUR", "cents": 1250}, "level": "high",
                       "discount": {"currency": "EUR"}});
    let (invoice, encoded) = round_trip::<Invoice>(value.clone());
    assert_eq!(invoice.amount, Some(12.5));
    assert_eq!(invoice.total, Some(Money::new("EUR").with_cents(1250)));
    assert_eq!(invoice.level, Some(Level::High));
    assert_eq!(encoded, value);
    assert!(serde_json::from_value::<Invoice>(json!({"amount": 1, "total": {"cents": 1}, "level": null})).is_err());
}

#[test]
fn tuples_type_lists_consts_and_boolean_schemas() {
    use vocabulary31::types::{
        Loose, Point, Row, Shapes, ShapesId, ShapesSize, ShapesSizeVariant1, ShapesSizeVariant2,
    };
    let value = json!({
        "point": [1.5, -2.0],
        "row": ["a", null, true, false],
        "loose": ["b", {"any": 1}, 7],
        "id": 42,
        "size": "large",
        "answer": true,
        "ratio": 0.5,
        "origin": {"x": 0},
        "version": 2,
        "anything": [1, "two"],
        "never": "sent anyway"
    });
    let (shapes, encoded) = round_trip::<Shapes>(value.clone());
    assert_eq!(encoded, value, "every value is sent back as received");
    assert_eq!(shapes.point, Some(Point::new(1.5, -2.0)));
    assert_eq!(shapes.row, Some(Row::new("a", None, vec![true, false])));
    assert_eq!(shapes.loose, Some(Loose::new("b", vec![json!({"any": 1}), json!(7)])));
    assert_eq!(shapes.id, Some(ShapesId::Integer(42)));
    assert_eq!(shapes.size, Some(ShapesSize::ShapesSizeVariant2(ShapesSizeVariant2::Large)));
    assert_eq!((shapes.answer, shapes.ratio), (Some(true), Some(0.5)), "a const is of its value's type");

    let (shapes, _) = round_trip::<Shapes>(json!({"id": "forty-two", "size": 2, "row": ["r", 3]}));
    assert_eq!(shapes.id, Some(ShapesId::String("forty-two".into())));
    assert_eq!(shapes.size, Some(ShapesSize::ShapesSizeVariant1(ShapesSizeVariant1::Value2)));
    assert_eq!(shapes.row, Some(Row::new("r", Some(3), Vec::new())));

    let (shapes, encoded) = round_trip::<Shapes>(json!({"size": null}));
    assert_eq!(shapes.size, None);
    assert_eq!(encoded, json!({}));

    for (bad, why) in [
        (json!({"point": [1.0]}), "a prefix item is missing"),
        (json!({"point": [1.0, 2.0, 3.0]}), "`items: false`: nothing may follow"),
        (json!({"row": ["a", 1, "not a flag"]}), "items after the prefix are flags"),
        (json!({"answer": "yes"}), "`const: true` is a boolean"),
    ] {
        assert!(serde_json::from_value::<Shapes>(bad.clone()).is_err(), "{why}: {bad}");
    }
}

#[test]
fn a_discriminated_member_without_the_tag_property_is_sent_with_its_tag() {
    use vocabulary31::types::{Cat, Dog, Pet};
    let (pet, encoded) = round_trip::<Pet>(json!({"kind": "cat", "lives": 9}));
    assert_eq!(pet, Pet::Cat(Cat::new(9)));
    assert_eq!(encoded, json!({"kind": "cat", "lives": 9}), "Cat has no `kind` property: the tag is written");
    let encoded = serde_json::to_value(Pet::Dog(Dog::new().with_bark("woof"))).expect("encodes");
    assert_eq!(encoded, json!({"kind": "dog", "bark": "woof"}), "an unset optional `kind` gets the tag");
    let (pet, _) = round_trip::<Pet>(encoded);
    assert_eq!(pet, Pet::Dog(Dog::new().with_kind("dog").with_bark("woof")));
    let (pet, encoded) = round_trip::<Pet>(json!({"kind": "fish", "fins": 2}));
    assert_eq!(pet, Pet::Unknown(json!({"kind": "fish", "fins": 2})));
    assert_eq!(encoded, json!({"kind": "fish", "fins": 2}));
}

#[test]
fn without_a_discriminator_the_best_matching_alternative_wins() {
    use vocabulary31::types::{Book, Channel, Company, Contact, Person};
    let contacts = json!([
        "email",
        "2024-05-01T12:00:00Z",
        "pigeon",
        {"name": "Ada"},
        {"name": "ACME", "vat": "X1"},
        {"name": "Bo", "age": 3},
        7
    ]);
    let (book, encoded) = round_trip::<Book>(json!({"contacts": contacts}));
    let found = book.contacts.expect("contacts");
    let at = "2024-05-01T12:00:00Z".parse().expect("a date");
    assert_eq!(found[0], Contact::Channel(Channel::Email), "a known enum value matches exactly");
    assert_eq!(found[1], Contact::DateTime(at), "a date beats the enum's `Unknown`, listed first");
    assert_eq!(found[2], Contact::Channel(Channel::Unknown("pigeon".into())), "no exact match: the first loose one");
    assert_eq!(found[3], Contact::Person(Person::new().with_name("Ada")));
    assert_eq!(found[4], Contact::Company(Company::new("ACME", "X1")), "every property known beats a partial match");
    assert_eq!(found[5], Contact::Person(Person::new().with_name("Bo")), "the most properties known");
    assert_eq!(found[6], Contact::Unknown(json!(7)));
    let mut sent = contacts.clone();
    sent[5] = json!({"name": "Bo"});
    assert_eq!(
        encoded,
        json!({"contacts": sent}),
        "each is sent back as decoded (a struct drops what it does not know)"
    );
}

#[test]
fn alternatives_with_the_same_properties_are_told_apart_by_their_enum_values() {
    use vocabulary31::types::{Book, DateRemapperType, Processor, StatusRemapperType};
    let processors = json!([
        {"type": "status-remapper", "sources": ["level"]},
        {"type": "date-remapper", "sources": ["ts"]},
        {"type": "grok-parser", "sources": []}
    ]);
    let (book, encoded) = round_trip::<Book>(json!({"processors": processors}));
    let found = book.processors.expect("processors");
    assert!(matches!(&found[0], Processor::StatusRemapper(p) if p.r#type == StatusRemapperType::StatusRemapper));
    assert!(matches!(&found[1], Processor::DateRemapper(p) if p.r#type == DateRemapperType::DateRemapper));
    assert!(
        matches!(&found[2], Processor::DateRemapper(p) if p.r#type == DateRemapperType::Unknown("grok-parser".into())),
        "no alternative lists the value: the first that decodes"
    );
    assert_eq!(encoded, json!({"processors": processors}));
}

#[test]
fn a_discriminator_over_titled_refs_tags_by_component_name_and_one_without_tags_decodes_by_best_match() {
    use vocabulary31::types::{Animal, Figure};
    let (tabby, encoded) = round_trip::<Animal>(json!({"kind": "Tabby", "meow": true}));
    assert!(matches!(&tabby, Animal::Tabby(t) if t.meow == Some(true)), "{tabby:?}");
    assert_eq!(encoded, json!({"kind": "Tabby", "meow": true}));
    let (unknown, _) = round_trip::<Animal>(json!({"kind": "Parrot"}));
    assert!(matches!(unknown, Animal::Unknown(_)), "{unknown:?}");
    // No member gives the tag a value: the shape decides.
    let (circle, _) = round_trip::<Figure>(json!({"radius": 1.5, "figure": "circle"}));
    assert!(matches!(&circle, Figure::FigureVariant2(c) if c.radius == 1.5), "{circle:?}");
    let (square, _) = round_trip::<Figure>(json!({"sides": 4}));
    assert!(matches!(&square, Figure::FigureVariant1(s) if s.sides == 4), "{square:?}");
}
