//! A reader of Mapbox Vector Tiles for the tests: the protobuf messages of
//! `vector_tile.proto` 2.1 (decoded with prost) and the geometry command stream, written
//! from the specification rather than shared with the encoder under test.
#![allow(
    clippy::panic,
    reason = "a tile that breaks the specification must stop the test with its reason"
)]

use std::collections::BTreeMap;

/// `Tile`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Tile {
    #[prost(message, repeated, tag = "3")]
    pub layers: Vec<Layer>,
}

/// `Tile.Layer`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Layer {
    #[prost(uint32, optional, tag = "15")]
    pub version: Option<u32>,
    #[prost(string, optional, tag = "1")]
    pub name: Option<String>,
    #[prost(message, repeated, tag = "2")]
    pub features: Vec<Feature>,
    #[prost(string, repeated, tag = "3")]
    pub keys: Vec<String>,
    #[prost(message, repeated, tag = "4")]
    pub values: Vec<Value>,
    #[prost(uint32, optional, tag = "5")]
    pub extent: Option<u32>,
}

/// `Tile.Feature`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Feature {
    #[prost(uint64, optional, tag = "1")]
    pub id: Option<u64>,
    #[prost(uint32, repeated, tag = "2")]
    pub tags: Vec<u32>,
    #[prost(int32, optional, tag = "3")]
    pub r#type: Option<i32>,
    #[prost(uint32, repeated, tag = "4")]
    pub geometry: Vec<u32>,
}

/// `Tile.Value`.
#[allow(
    clippy::struct_field_names,
    reason = "the field names are the specification's"
)]
#[derive(Clone, PartialEq, prost::Message)]
pub struct Value {
    #[prost(string, optional, tag = "1")]
    pub string_value: Option<String>,
    #[prost(float, optional, tag = "2")]
    pub float_value: Option<f32>,
    #[prost(double, optional, tag = "3")]
    pub double_value: Option<f64>,
    #[prost(int64, optional, tag = "4")]
    pub int_value: Option<i64>,
    #[prost(uint64, optional, tag = "5")]
    pub uint_value: Option<u64>,
    #[prost(sint64, optional, tag = "6")]
    pub sint_value: Option<i64>,
    #[prost(bool, optional, tag = "7")]
    pub bool_value: Option<bool>,
}

/// A property value, as the tests compare it.
#[derive(Debug, Clone, PartialEq)]
pub enum Prop {
    Int(i64),
    Text(String),
}

/// `GeomType.POINT`.
pub const POINT: i32 = 1;
/// `GeomType.POLYGON`.
pub const POLYGON: i32 = 3;

/// Decodes a tile, failing on anything that is not a protobuf `Tile`.
pub fn tile(bytes: &[u8]) -> Tile {
    <Tile as prost::Message>::decode(bytes).expect("the tile decodes as vector_tile.Tile")
}

/// The feature's properties by name.
pub fn props(layer: &Layer, feature: &Feature) -> BTreeMap<String, Prop> {
    assert!(feature.tags.len() % 2 == 0, "tags come in key/value pairs");
    feature
        .tags
        .chunks(2)
        .map(|kv| {
            let key = layer.keys[kv[0] as usize].clone();
            let value = &layer.values[kv[1] as usize];
            let prop = match (&value.string_value, value.int_value) {
                (Some(s), None) => Prop::Text(s.clone()),
                (None, Some(i)) => Prop::Int(i),
                other => panic!("{key}: unexpected value {other:?}"),
            };
            (key, prop)
        })
        .collect()
}

/// The geometry's parts: the points of a point feature (one part each), or the rings of
/// a polygon feature without their closing point. Checks the command stream as the
/// specification requires: MoveTo of one point to start each ring, LineTo, ClosePath.
pub fn parts(feature: &Feature) -> Vec<Vec<[i64; 2]>> {
    let (mut parts, mut cursor) = (Vec::new(), [0i64; 2]);
    let mut current: Vec<[i64; 2]> = Vec::new();
    let mut words = feature.geometry.iter().copied();
    let zigzag = |w: u32| i64::from((w >> 1) as i32 ^ -((w & 1) as i32));
    while let Some(command) = words.next() {
        let (id, count) = (command & 7, command >> 3);
        match id {
            1 | 2 => {
                if id == 1 && feature.r#type == Some(POLYGON) {
                    assert!(current.is_empty() && count == 1, "MoveTo starts a ring");
                }
                if id == 2 {
                    assert_eq!(current.len(), 1, "LineTo follows one MoveTo");
                }
                for _ in 0..count {
                    let dx = zigzag(words.next().expect("x parameter"));
                    let dy = zigzag(words.next().expect("y parameter"));
                    cursor = [cursor[0] + dx, cursor[1] + dy];
                    if feature.r#type == Some(POINT) {
                        parts.push(vec![cursor]);
                    } else {
                        current.push(cursor);
                    }
                }
            }
            7 => {
                assert_eq!(count, 1, "ClosePath has a count of one");
                parts.push(std::mem::take(&mut current));
            }
            other => panic!("unknown command {other}"),
        }
    }
    assert!(current.is_empty(), "every ring is closed");
    parts
}

/// Twice the ring's area by the surveyor's formula: positive when it runs clockwise on
/// screen (y down), as MVT 2.1 wants exterior rings to.
pub fn doubled_area(ring: &[[i64; 2]]) -> i64 {
    (0..ring.len())
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % ring.len()]);
            a[0] * b[1] - b[0] * a[1]
        })
        .sum()
}
