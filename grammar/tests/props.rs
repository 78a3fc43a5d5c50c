//! Properties: the parser never panics, and values print to text that parses back to them.

use grain_grammar::{FloatType, IntType, Spanned, Value, parse_line};
use proptest::prelude::*;

fn no_spans(v: &Value) -> Value {
    let strip = |items: &[Spanned<Value>]| {
        items
            .iter()
            .map(|i| Spanned {
                node: no_spans(&i.node),
                span: 0..0,
            })
            .collect()
    };
    match v {
        Value::Tuple(items) => Value::Tuple(strip(items)),
        Value::List(items) => Value::List(strip(items)),
        Value::Map(entries) => Value::Map(
            entries
                .iter()
                .map(|(k, v)| {
                    (
                        Spanned {
                            node: no_spans(&k.node),
                            span: 0..0,
                        },
                        Spanned {
                            node: no_spans(&v.node),
                            span: 0..0,
                        },
                    )
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        (any::<i32>(), prop::option::of(Just(IntType::I64))).prop_map(|(v, ty)| Value::Int {
            value: v.into(),
            ty
        }),
        any::<u8>().prop_map(|v| Value::Int {
            value: v.into(),
            ty: Some(IntType::U8)
        }),
        (-1e9f64..1e9, prop::option::of(Just(FloatType::F64)))
            .prop_map(|(value, ty)| Value::Float { value, ty }),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Unit),
        any::<String>().prop_map(Value::Str),
        prop::collection::vec(any::<u8>(), 0..8).prop_map(Value::Bytes),
        (0u64..4, any::<u64>()).prop_map(|(node, id)| Value::Pid { node, id }),
        "[a-z_][a-z0-9_/.-]{0,8}".prop_map(Value::Name),
        (0usize..1000).prop_map(Value::Result),
        "[a-z_][a-z0-9_]{0,6}".prop_map(Value::Var),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    let spanned = |v: Value| Spanned {
        node: v,
        span: 0..0,
    };
    leaf().prop_recursive(3, 24, 4, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4)
                .prop_map(move |v| Value::Tuple(v.into_iter().map(spanned).collect())),
            inner
                .clone()
                .prop_map(move |v| Value::Tuple(vec![spanned(v)])),
            prop::collection::vec(inner.clone(), 0..4)
                .prop_map(move |v| Value::List(v.into_iter().map(spanned).collect())),
            prop::collection::vec((inner.clone(), inner), 0..3).prop_map(move |kv| Value::Map(
                kv.into_iter()
                    .map(|(k, v)| (spanned(k), spanned(v)))
                    .collect()
            )),
        ]
    })
}

proptest! {
    #[test]
    fn never_panics_on_any_text(s in "\\PC{0,64}") {
        let _ = parse_line(&s);
    }

    #[test]
    fn never_panics_on_grammar_shaped_text(s in "[a-z $#<>.0-9()\\[\\]{},:\"=/\\\\bx-]{0,48}") {
        let _ = parse_line(&s);
    }

    #[test]
    fn printed_values_parse_back_to_themselves(v in value()) {
        let text = format!("send {v}");
        let line = parse_line(&text).unwrap_or_else(|e| panic!("{}", e.render(&text)));
        let args = line.command.unwrap().args;
        prop_assert_eq!(args.len(), 1);
        match &args[0].node {
            grain_grammar::Arg::Value(parsed) => prop_assert_eq!(no_spans(parsed), no_spans(&v)),
            other => prop_assert!(false, "not a value: {:?}", other),
        }
    }
}
